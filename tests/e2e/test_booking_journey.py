"""Book an appointment in Finnish in Chromium, note the key and PIN, cancel it in English."""

from __future__ import annotations

import re

import requests
from playwright.sync_api import Page, expect

from tests.e2e.pages import WAIT_MILLISECONDS, chromium, record_errors


def choose_first_free_time(page: Page) -> None:
    """Click the first day with free times (this month or the next) and its first time."""
    expect(page.locator("#calendar-grid")).not_to_have_attribute("aria-busy", "true")
    if page.locator(".calendar-day.is-free").count() == 0:  # late in the month: none left
        page.click("#month-next")
        expect(page.locator("#calendar-grid")).not_to_have_attribute("aria-busy", "true")
    page.locator(".calendar-day.is-free").first.click()
    page.locator(".calendar-time").first.click()


def test_book_in_finnish_then_cancel_in_english(live_server, tmp_path):
    expect.set_options(timeout=WAIT_MILLISECONDS)
    errors: list[str] = []
    with chromium() as browser:
        context = browser.new_context(accept_downloads=True)
        page = context.new_page()
        record_errors(page, errors, "page")
        page.goto(f"{live_server}/booking?lang=fi")
        expect(page.locator("html")).to_have_attribute("lang", "fi")
        page.select_option("#service-point", "helsinki")
        page.select_option("#category", "travel_document")
        expect(page.locator("#category option:checked")).to_have_text("Matkustusasiakirja")
        page.fill("#party-size", "7")
        page.dispatch_event("#party-size", "change")
        expect(page.locator("#party-warning")).to_be_visible()
        expect(page.locator("#calendar")).to_be_hidden()
        page.fill("#party-size", "2")
        page.dispatch_event("#party-size", "change")
        expect(page.locator("#party-warning")).to_be_hidden()
        choose_first_free_time(page)
        expect(page.locator("#contact")).to_be_visible()
        page.fill("#email", "ei-kelpaa@")
        page.click("#confirm")
        expect(page.locator("#email-problem")).to_be_visible()  # at the field it is about
        expect(page.locator("#email")).to_have_attribute("aria-invalid", "")
        page.fill("#email", "anna.virtanen@example.fi")
        page.fill("#phone", "040 123 4567")
        page.click("#confirm")
        expect(page.locator("#confirmation")).to_be_visible()
        expect(page.locator("#confirmed-persons")).to_have_text("2")
        key = page.locator("#reservation-key").inner_text()
        pin = page.locator("#pin-code").inner_text()
        assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}", key)
        assert re.fullmatch(r"\d{6}", pin)
        with page.expect_download() as download_info:
            page.click("#download-pdf")
        pdf = tmp_path / "confirmation.pdf"
        download_info.value.save_as(pdf)
        assert pdf.read_bytes().startswith(b"%PDF")

        manage = context.new_page()
        record_errors(manage, errors, "manage")
        manage.goto(f"{live_server}/booking/manage?lang=en")
        expect(manage.locator("html")).to_have_attribute("lang", "en")
        manage.fill("#reservation-key-input", key.lower().replace("-", " "))
        manage.fill("#pin-input", pin)
        manage.click("#login")
        expect(manage.locator("#detail-status")).to_have_text("Booked")
        expect(manage.locator("#detail-persons")).to_have_text("2")  # under "Persons"
        expect(manage.locator("#detail-email")).to_have_text("anna.virtanen@example.fi")
        manage.once("dialog", lambda dialog: dialog.accept())
        manage.click("#cancel")
        expect(manage.locator("#detail-status")).to_have_text("Cancelled")
        expect(manage.locator("#done")).to_contain_text("cancelled")
        expect(manage.locator("#actions")).to_be_hidden()
    assert not errors, errors
    answer = requests.post(
        f"{live_server}/api/v1/appointments/lookup",
        json={"reservation_key": key, "pin": pin},
        timeout=10,
    )
    assert answer.status_code == 200
    assert answer.json()["status"] == "cancelled"
    assert answer.json()["language"] == "fi"
