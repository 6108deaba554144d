"""Notifications end to end: `jono serve` sends through its own sender thread to aiosmtpd and a
loopback SMS gateway; the counter shows the messages; the kiosk takes a "turn is near" number.
"""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import (
    CLERK,
    CLERK_PASSWORD,
    LiveServer,
    next_month_expiry,
    urgent_ticket_body,
)
from tests.e2e.pages import (
    WAIT_MILLISECONDS,
    chromium,
    open_page,
    seat_clerk,
    take_urgent_number,
)
from tests.notification_helpers import SmsGateway, SmtpServer, free_port


@pytest.fixture
def outside():
    """aiosmtpd and the SMS gateway stand-in, both on loopback."""
    smtp = SmtpServer(free_port())
    smtp.start()
    gateway = SmsGateway()
    yield smtp, gateway
    gateway.close()
    smtp.stop()


@pytest.fixture
def jono_server(tmp_path, outside):
    """`jono serve` whose [notifications] point at the loopback servers, polling quickly (the
    kiosk fixtures of tests/e2e/conftest.py pair with this one)."""
    smtp, gateway = outside
    live = LiveServer(tmp_path)
    live.prepare()
    with live.config_path.open("a", encoding="utf-8") as config:
        config.write(
            f'\n[notifications]\nsmtp_port = {smtp.port}\nsms_gateway_url = "{gateway.url}"\n'
            "poll_seconds = 0.2\nturn_near_people_ahead = 0\n"
        )
    live.start()
    yield live
    live.stop()


@pytest.fixture
def server(jono_server):
    """The live server of this module."""
    return jono_server


def wait_for(condition, seconds: float = 15.0) -> None:
    """Wait until the condition holds (the server's sender works on its own)."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_messages_go_out_and_the_counter_and_kiosk_show_them(server, outside, http, kiosk_session):
    smtp, gateway = outside
    expect.set_options(timeout=WAIT_MILLISECONDS)
    base = server.url
    slot = http.get(
        f"{base}/api/v1/free-slots",
        params={"service_point": "tampere", "category": "travel_document", "days": 2},
        timeout=10,
    ).json()["slots"][0]
    hold = http.post(
        f"{base}/api/v1/holds",
        json={
            "service_point": "tampere",
            "category": "travel_document",
            "starts_at": slot["starts_at"],
        },
        timeout=10,
    ).json()
    booked = http.post(
        f"{base}/api/v1/appointments",
        json={
            "hold_token": hold["hold_token"], "email": "e2e@example.fi", "phone": "0401234567",
            "language": "sv",
        },
        timeout=10,
    )  # fmt: skip
    assert booked.status_code == 201, booked.text
    pin = booked.json()["pin"]
    wait_for(lambda: smtp.mailbox.messages and gateway.requests)
    [(recipients, message)] = smtp.mailbox.messages
    assert recipients == ["e2e@example.fi"]
    assert pin in message.get_body(("plain",)).get_content()
    assert pin not in server.stderr()  # nothing personal in the server's log

    errors: list[str] = []
    with chromium() as browser:
        counter = open_page(browser, errors, "counter", f"{base}/counter?lang=en")
        seat_clerk(counter, (CLERK, CLERK_PASSWORD), "tampere", 2)
        counter.click("#tab-appointments")  # the appointments are the counter's second tab
        counter.locator("#day-appointments button.show-messages").first.click()
        rows = counter.locator("#appointment-messages-rows tr")
        expect(rows).to_have_count(2)
        expect(rows.nth(0)).to_contain_text("Confirmation")
        expect(rows.nth(0)).to_contain_text("E-mail: e***@example.fi")
        expect(rows.nth(0)).to_contain_text("Sent")
        expect(rows.nth(1)).to_contain_text("Text message")
        expect(rows.nth(1)).to_contain_text("Sent")

        ahead = kiosk_session("tampere").post(
            f"{base}/api/v1/service-points/tampere/tickets", json=urgent_ticket_body("en")
        )
        assert ahead.status_code == 201, ahead.text
        kiosk = open_page(
            browser,
            errors,
            "kiosk",
            f"{base}/kiosk/tampere?lang=en",
            pairing=server.pairing_address("tampere"),
        )
        mine = take_urgent_number(kiosk, "tampere", next_month_expiry()).json()
        expect(kiosk.locator("#ticket-number")).to_have_text(mine["number"])
        kiosk.fill("#turn-near-phone", "040 555 1234")
        kiosk.click("#turn-near-submit")
        expect(kiosk.locator("#turn-near-result")).to_have_text(
            "Thank you. We will send a text message when your turn is near."
        )
        expect(kiosk.locator("#turn-near-phone")).to_have_value("")
        assert len(gateway.requests) == 1  # one ahead: not near yet
        counter.click("#tab-queue")
        counter.click("#action-call-next")  # calls the number ahead: now nobody is
        wait_for(lambda: len(gateway.requests) == 2)
        text = gateway.json_bodies()[1]
        assert text["to"] == "+358405551234"
        assert mine["number"] in text["text"]
    assert not errors, errors
