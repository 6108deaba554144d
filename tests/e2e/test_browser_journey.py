"""One journey through the real pages in Chromium: kiosk (Swedish), counter, lobby display."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.pages import WAIT_MILLISECONDS, chromium, open_page, seat_clerk, take_urgent_number


def test_a_walk_in_gets_a_number_in_swedish_and_the_display_shows_its_call(
    live_server, clerk_credentials, urgent_expiry, tmp_path, pairing_address
):
    """Kiosk in Swedish gives a number; the clerk at counter 3 calls it; the display shows it."""
    expect.set_options(timeout=WAIT_MILLISECONDS)
    errors: list[str] = []
    with chromium() as browser:
        display = open_page(browser, errors, "display", f"{live_server}/display/helsinki")
        expect(display.locator("#current-empty")).to_be_visible()  # nothing called yet

        kiosk = open_page(
            browser,
            errors,
            "kiosk",
            f"{live_server}/kiosk/helsinki",
            pairing=pairing_address("helsinki"),
        )
        kiosk.click("#lang-sv")
        kiosk.wait_for_url(re.compile(r"/kiosk/helsinki\?lang=sv$"))
        expect(kiosk.locator("html")).to_have_attribute("lang", "sv")
        issued = take_urgent_number(kiosk, "helsinki", urgent_expiry)
        ticket = issued.json()
        assert issued.status == 201, ticket
        assert ticket["language"] == "sv"
        assert re.fullmatch(r"A\d{3}", ticket["number"]), ticket
        expect(kiosk.locator("#ticket-number")).to_have_text(ticket["number"])
        expect(kiosk.locator("#screen-ticket .ticket-label")).to_have_text("Ditt könummer")
        expect(kiosk.locator("#people-ahead")).not_to_be_empty()
        expect(kiosk.locator("#estimated-wait")).not_to_be_empty()
        kiosk.screenshot(path=tmp_path / "kiosk.png", full_page=True)

        counter = open_page(browser, errors, "counter", f"{live_server}/counter")
        seat_clerk(counter, clerk_credentials, "helsinki", 3)
        expect(counter.locator("#action-call-next")).to_be_enabled()
        counter.click("#action-call-next")
        expect(counter.locator("#current-number")).to_have_text(ticket["number"])
        # The kiosk's answers, in the order the kiosk asked them (not sorted by label).
        expect(counter.locator("#current-answers dt").nth(0)).to_have_text("Matter")
        expect(counter.locator("#current-answers dt").nth(1)).to_have_text("Persons")
        expect(counter.locator("#current-answers dt").nth(2)).to_have_text("Document expires")
        counter.screenshot(path=tmp_path / "counter.png", full_page=True)

        expect(display.locator("#current-number")).to_have_text(ticket["number"])
        expect(display.locator("#current-counter")).to_have_text("3")
        display.screenshot(path=tmp_path / "display.png", full_page=True)
    assert errors == []
