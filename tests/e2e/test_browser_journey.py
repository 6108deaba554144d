"""One journey through the real pages in Chromium: kiosk (Swedish), counter, lobby display."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect, sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
WAIT_MILLISECONDS = 10_000


def record_errors(page: Page, errors: list[str], name: str) -> None:
    """Collect the page's uncaught JavaScript errors, so a broken script fails the test."""
    page.on("pageerror", lambda error: errors.append(f"{name}: {error}"))


def test_a_walk_in_gets_a_number_in_swedish_and_the_display_shows_its_call(
    live_server, clerk_credentials, urgent_expiry, tmp_path
):
    """Kiosk in Swedish gives a number; the clerk at counter 3 calls it; the display shows it."""
    expect.set_options(timeout=WAIT_MILLISECONDS)
    year, month = urgent_expiry
    username, password = clerk_credentials
    errors: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        try:
            display_context = browser.new_context(viewport={"width": 1920, "height": 1080})
            kiosk_context = browser.new_context(viewport={"width": 1080, "height": 1920})
            counter_context = browser.new_context(viewport={"width": 1280, "height": 900})

            display = display_context.new_page()
            record_errors(display, errors, "display")
            display.goto(f"{live_server}/display/helsinki")
            expect(display.locator("#current-number")).to_have_text("–")

            kiosk = kiosk_context.new_page()
            record_errors(kiosk, errors, "kiosk")
            kiosk.goto(f"{live_server}/kiosk/helsinki")
            kiosk.click("#lang-sv")
            kiosk.wait_for_url(re.compile(r"/kiosk/helsinki\?lang=sv$"))
            expect(kiosk.locator("html")).to_have_attribute("lang", "sv")
            kiosk.click('[data-matter="residence_permit"]')
            kiosk.click(f'[data-year="{year}"]')
            kiosk.click(f'[data-month="{month}"]')
            kiosk.click("#expiry-next")
            kiosk.click('[data-found="no"]')
            with kiosk.expect_response(
                lambda response: (
                    response.url.split("?")[0].endswith("/helsinki/tickets")
                    and response.request.method == "POST"
                )
            ) as issued:
                kiosk.click('[data-party="1"]')
            ticket = issued.value.json()
            assert issued.value.status == 201, ticket
            assert ticket["language"] == "sv"
            assert re.fullmatch(r"A\d{3}", ticket["number"]), ticket
            expect(kiosk.locator("#ticket-number")).to_have_text(ticket["number"])
            expect(kiosk.locator("#screen-ticket .ticket-label")).to_have_text("Ditt könummer")
            expect(kiosk.locator("#people-ahead")).not_to_be_empty()
            expect(kiosk.locator("#estimated-wait")).not_to_be_empty()
            kiosk.screenshot(path=tmp_path / "kiosk.png", full_page=True)

            counter = counter_context.new_page()
            record_errors(counter, errors, "counter")
            counter.goto(f"{live_server}/counter")
            counter.fill("#login-username", username)
            counter.fill("#login-password", password)
            counter.click("#login-submit")
            counter.select_option("#choose-service-point", "helsinki")
            counter.select_option("#choose-counter", "3")
            counter.click("#choose-submit")
            expect(counter.locator("#action-call-next")).to_be_enabled()
            counter.click("#action-call-next")
            expect(counter.locator("#current-number")).to_have_text(ticket["number"])
            counter.screenshot(path=tmp_path / "counter.png", full_page=True)

            expect(display.locator("#current-number")).to_have_text(ticket["number"])
            expect(display.locator("#current-counter")).to_have_text("3")
            display.screenshot(path=tmp_path / "display.png", full_page=True)
        finally:
            browser.close()
    assert errors == []
