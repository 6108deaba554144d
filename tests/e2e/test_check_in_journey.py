"""An appointment in Chromium: booked through the API, checked in at the kiosk, called to a counter.

The live server runs on the real clock; its config opens every service point all day, every day,
so Tampere (whose appointment hours follow its opening hours) has a free time within the next
check-in window whenever the test runs.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from playwright.sync_api import expect

from tests.e2e.pages import WAIT_MILLISECONDS, chromium, open_page, seat_clerk

CHECK_IN_WINDOW = timedelta(minutes=60)  # config.toml's check_in_window_minutes


def book_soon(http, live_server) -> dict:
    """Book the first free Tampere time (within the check-in window) through the booking API."""
    response = http.get(
        f"{live_server}/api/v1/free-slots",
        params={"service_point": "tampere", "category": "travel_document", "days": 2},
        timeout=10,
    )
    assert response.status_code == 200, response.text
    slot = response.json()["slots"][0]
    starts_at = datetime.fromisoformat(slot["starts_at"])
    assert starts_at - datetime.now(UTC) <= CHECK_IN_WINDOW, slot
    hold = http.post(
        f"{live_server}/api/v1/holds",
        json={
            "service_point": "tampere",
            "category": "travel_document",
            "starts_at": slot["starts_at"],
        },
        timeout=10,
    )
    assert hold.status_code == 201, hold.text
    booked = http.post(
        f"{live_server}/api/v1/appointments",
        json={"hold_token": hold.json()["hold_token"], "email": "e2e@example.fi", "language": "en"},
        timeout=10,
    )
    assert booked.status_code == 201, booked.text
    return booked.json()


def test_an_appointment_is_checked_in_at_the_kiosk_and_called_to_a_counter(
    live_server, http, clerk_credentials, tmp_path, pairing_address
):
    expect.set_options(timeout=WAIT_MILLISECONDS)
    appointment = book_soon(http, live_server)
    errors: list[str] = []
    with chromium() as browser:
        display = open_page(browser, errors, "display", f"{live_server}/display/tampere")
        expect(display.locator("#current-empty")).to_be_visible()  # nothing called yet

        kiosk = open_page(
            browser,
            errors,
            "kiosk",
            f"{live_server}/kiosk/tampere?lang=en",
            pairing=pairing_address("tampere"),
        )
        kiosk.click("#have-appointment")
        expect(kiosk.locator("#check-in-key")).to_be_focused()
        for character in appointment["reservation_key"]:  # the on-screen keyboard, dash too
            kiosk.click(f'#screen-check-in [data-key="{character}"]')
        expect(kiosk.locator("#check-in-key")).to_have_value(appointment["reservation_key"])
        with kiosk.expect_response(
            lambda response: response.url.split("?")[0].endswith("/tampere/check-ins")
        ) as checked_in:
            kiosk.click("#check-in-submit")
        result = checked_in.value.json()
        assert checked_in.value.status == 201, result
        number = result["ticket"]["number"]
        assert re.fullmatch(r"C\d{3}", number), result
        expect(kiosk.locator("#ticket-number")).to_have_text(number)
        expect(kiosk.locator("#screen-ticket .ticket-label")).to_have_text(
            "Your appointment number"
        )
        kiosk.screenshot(path=tmp_path / "kiosk-check-in.png", full_page=True)

        counter = open_page(browser, errors, "counter", f"{live_server}/counter?lang=en")
        seat_clerk(counter, clerk_credentials, "tampere", 2)
        expect(counter.locator("#action-call-next")).to_be_enabled()
        # The counter lists today's appointments and those open for check-in (just before
        # midnight, the first time inside the check-in window is tomorrow's).
        expect(counter.locator("#day-appointments")).to_contain_text("Checked in")
        counter.click("#action-call-next")
        expect(counter.locator("#current-number")).to_have_text(number)
        counter.screenshot(path=tmp_path / "counter-appointment.png", full_page=True)

        # The clerk books the next appointment for the customer, without contact details, on
        # the counter's appointments tab.
        counter.click("#tab-appointments")
        expect(counter.locator("#book-service-point")).to_have_value("tampere")
        counter.select_option("#book-category", "citizenship")
        # The first day with free times: late in the evening today may have none left.
        free = http.get(
            f"{live_server}/api/v1/free-slots",
            params={"service_point": "tampere", "category": "citizenship", "days": 14},
            timeout=10,
        )
        assert free.status_code == 200 and free.json()["slots"], free.text
        counter.fill("#book-day", free.json()["slots"][0]["date"])
        counter.click("#book-search")
        counter.locator("#book-slots .slot").first.click()
        with counter.expect_response(
            lambda response: (
                response.url.split("?")[0].endswith("/counter/appointments")
                and response.request.method == "POST"
            )
        ) as booked:
            counter.click("#book-submit")
        booking = booked.value.json()
        assert booked.value.status == 201, booking
        expect(counter.locator("#book-result-key")).to_have_text(booking["reservation_key"])
        expect(counter.locator("#book-result-pin")).to_have_text(re.compile(r"^\d{6}$"))

        expect(display.locator("#current-number")).to_have_text(number)
        expect(display.locator("#current-counter")).to_have_text("2")
    assert errors == []
