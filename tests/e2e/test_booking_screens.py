"""The booking screens in Chromium at a phone's size (390 x 844) and a laptop's (1366 x 768).

The month grid is used with the keyboard as the WAI-ARIA date picker grid is; a click on a day
right after the persons field changed is not lost; a booking fits a few phone screens; wrong
PINs say how many tries are left and the lock until when; English writes dates day first and
times on the 24-hour clock; axe-core finds nothing serious on any booking screen.
"""

from __future__ import annotations

import calendar
import re
import uuid
from datetime import date, timedelta

import pytest
import requests
from playwright.sync_api import Locator, Page, expect

from tests.e2e.conftest import LiveServer
from tests.e2e.pages import WAIT_MILLISECONDS, serious_violations

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 768}
# The calendar step on a phone, times and contact form open: the choices (~550 px), the month
# grid (~450), a day's 31 times in two groups (~650) and the contact form (~550) come to about
# 2 400 px. Four screens leave room for longer Swedish words and a busier day; the list of full
# dates and 92 bare time buttons it replaced (~9 600 px) does not fit in them.
PHONE_SCREENS_FOR_A_BOOKING = 4
US_DATE = re.compile(r"\b\d{1,2}/\d{1,2}(/\d{2,4})?\b")
TWELVE_HOUR = re.compile(r"\b\d{1,2}(:\d{2})?\s?(AM|PM|am|pm|a\.m\.|p\.m\.)")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """One `jono serve` for the module (every test books with its own e-mail address)."""
    server = LiveServer(tmp_path_factory.mktemp("booking-screens"))
    server.prepare()
    server.start()
    try:
        yield server.url
    finally:
        server.stop()


@pytest.fixture
def new_page(browser):
    """A page of the given viewport in a fresh context (CSP bypassed for axe-core's script);
    script errors fail the test."""
    contexts, errors = [], []

    def make(viewport: dict) -> Page:
        context = browser.new_context(viewport=viewport, bypass_csp=True)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        return page

    expect.set_options(timeout=WAIT_MILLISECONDS)
    yield make
    for context in contexts:
        context.close()
    assert errors == []


def email() -> str:
    """An address of its own: each contact may hold only two future appointments."""
    return f"booking-{uuid.uuid4().hex[:12]}@example.fi"


def open_booking(page: Page, server: str, language: str) -> None:
    """Open the booking page at Helsinki (appointments on weekdays only) with its counts in."""
    page.goto(f"{server}/booking?lang={language}")
    page.select_option("#service-point", "helsinki")
    page.dispatch_event("#service-point", "change")
    expect(page.locator("#calendar-grid")).not_to_have_attribute("aria-busy", "true")


def free_day(page: Page) -> Locator:
    """The first day with free times in the month shown, or else in the next month."""
    if page.locator(".calendar-day.is-free").count() == 0:  # late in the month: none left
        page.click("#month-next")
        expect(page.locator("#calendar-grid")).not_to_have_attribute("aria-busy", "true")
    return page.locator(".calendar-day.is-free").first


def book_on_page(page: Page, address: str) -> tuple[str, str]:
    """Choose the first free day and time, give `address` and confirm; (key, PIN)."""
    free_day(page).click()
    page.locator(".calendar-time").first.click()
    page.fill("#email", address)
    page.click("#confirm")
    expect(page.locator("#confirmation")).to_be_visible()
    return page.inner_text("#reservation-key"), page.inner_text("#pin-code")


def book_by_api(server: str) -> tuple[str, str]:
    """Book the first free citizenship time at Helsinki through the API; (key, PIN)."""
    query = {"service_point": "helsinki", "category": "citizenship", "days": 14}
    slot = requests.get(f"{server}/api/v1/free-slots", params=query, timeout=10).json()["slots"][0]
    held = requests.post(
        f"{server}/api/v1/holds",
        json={
            "service_point": "helsinki",
            "category": "citizenship",
            "starts_at": slot["starts_at"],
        },
        timeout=10,
    ).json()
    booked = requests.post(
        f"{server}/api/v1/appointments",
        json={"hold_token": held["hold_token"], "email": email(), "language": "en"},
        timeout=10,
    ).json()
    return booked["reservation_key"], booked["pin"]


def focused_date(page: Page) -> date:
    return date.fromisoformat(page.evaluate("document.activeElement.dataset.date"))


def test_a_booking_on_a_phone_takes_a_few_screens_and_shows_everything_the_slip_says(
    server, new_page
):
    page = new_page(PHONE)
    open_booking(page, server, "fi")
    page.select_option("#category", "travel_document")
    page.fill("#party-size", "2")
    page.dispatch_event("#party-size", "change")
    day = free_day(page)
    day.click()
    expect(page.locator(".time-group").first).to_be_visible()
    expect(page.locator(".time-group h4").first).to_have_text(re.compile(r"^(Aamupäivä|Iltapäivä)"))
    page.locator(".calendar-time").first.click()
    expect(page.locator("#contact")).to_be_visible()
    size = page.evaluate(
        "({ height: document.documentElement.scrollHeight,"
        " width: document.documentElement.scrollWidth })"
    )
    assert size["height"] <= PHONE_SCREENS_FOR_A_BOOKING * PHONE["height"], size
    assert size["width"] <= PHONE["width"], size  # nothing scrolls sideways

    page.fill("#email", email())
    page.click("#confirm")
    expect(page.locator("#confirmation")).to_be_in_viewport()
    expect(page.locator("#confirmed-persons")).to_have_text("2")
    expect(page.locator("#confirmed-length")).to_have_text(
        "30 min"
    )  # 15, and 15 for the second person
    expect(page.locator("#confirmed-address")).to_have_text("Malminkaari 5, 00700 Helsinki")
    expect(page.locator("#confirmed-place")).to_have_text("Helsinki, Malmi")
    expect(page.locator("#confirmed-time")).to_have_text(re.compile(r"\d{4} \d{2}:\d{2}$"))
    key = page.locator("#reservation-key")
    expect(key).to_have_text(re.compile(r"^[A-Z0-9]{4}-[A-Z0-9]{4}$"))
    box = key.bounding_box()
    assert box["height"] < 50, box  # one line: the key does not wrap at its dash
    assert page.locator("#confirmation a[href*='/booking/manage']").count() == 0


def test_the_month_grid_is_used_with_the_keyboard(server, new_page):
    page = new_page(LAPTOP)
    open_booking(page, server, "en")
    grid = page.locator("#calendar-grid")
    expect(grid).to_have_attribute("role", "grid")
    expect(page.locator("#calendar-grid thead th").first).to_have_text("Mon")
    assert page.locator("#calendar-grid td[tabindex='0']").count() == 1  # one tab stop
    page.focus("#month-next")
    page.keyboard.press("Tab")
    start = focused_date(page)
    expect(page.locator(f"td[data-date='{start}']")).to_have_accessible_name(
        re.compile(rf"^{start:%A} {start.day} {start:%B} {start.year}, \d+ free times?$")
    )

    page.keyboard.press("ArrowRight")
    assert focused_date(page) == start + timedelta(days=1)
    page.keyboard.press("ArrowDown")
    assert focused_date(page) == start + timedelta(days=8)
    page.keyboard.press("ArrowLeft")
    week_later = start + timedelta(days=7)
    assert focused_date(page) == week_later
    assert page.locator("#calendar-grid td[tabindex='0']").count() == 1
    expect(page.locator(f"td[data-date='{week_later}']")).to_have_attribute("tabindex", "0")

    page.keyboard.press("End")  # Sunday: Helsinki takes no appointments
    sunday = week_later + timedelta(days=6 - week_later.weekday())
    assert focused_date(page) == sunday
    expect(page.locator(f"td[data-date='{sunday}']")).to_have_attribute("aria-disabled", "true")
    expect(page.locator(f"td[data-date='{sunday}']")).to_have_accessible_name(
        re.compile(r", closed, no appointments$")
    )
    page.keyboard.press("Enter")
    expect(page.locator(f"td[data-date='{sunday}']")).to_have_attribute("aria-selected", "false")
    expect(page.locator("#times")).to_be_hidden()

    page.keyboard.press("Home")  # the Monday of that week, a working day to come
    monday = sunday - timedelta(days=6)
    assert focused_date(page) == monday
    page.keyboard.press("Enter")
    expect(page.locator(f"td[data-date='{monday}']")).to_have_attribute("aria-selected", "true")
    expect(page.locator("#chosen-day")).to_have_text(
        f"{monday:%A} {monday.day} {monday:%B} {monday.year}"
    )
    expect(page.locator(".calendar-time").first).to_be_visible()

    title = page.inner_text("#month-title")
    page.focus(f"td[data-date='{monday}']")
    page.keyboard.press("PageDown")
    expect(page.locator("#month-title")).not_to_have_text(title)
    following = (monday.replace(day=1) + timedelta(days=32)).replace(day=1)
    length = calendar.monthrange(following.year, following.month)[1]
    assert focused_date(page) == following.replace(day=min(monday.day, length))


def test_the_first_click_on_a_day_after_changing_the_persons_is_not_lost(server, new_page):
    """The persons field's change reloads the counts as the click begins (on blur): the day
    under the pointer must stay and take the click."""
    page = new_page(LAPTOP)
    open_booking(page, server, "fi")
    day = free_day(page)
    date_of_day = day.get_attribute("data-date")
    page.focus("#party-size")
    page.fill("#party-size", "3")  # typed: the change comes only when the field loses focus
    with page.expect_request(lambda r: "/free-days" in r.url and "party_size=3" in r.url):
        page.click(f"td[data-date='{date_of_day}']")  # once
    cell = page.locator(f"td[data-date='{date_of_day}']")
    expect(cell).to_have_attribute("aria-selected", "true")
    expect(page.locator("#times")).to_be_visible()
    with page.expect_request(lambda r: "/free-slots" in r.url and "party_size=3" in r.url):
        page.click(f"td[data-date='{date_of_day}']")  # its times are asked for three persons


@pytest.mark.parametrize("typed", ["0", ""])
def test_no_persons_is_said_next_to_the_field(server, new_page, typed):
    page = new_page(PHONE)
    open_booking(page, server, "en")
    page.fill("#party-size", typed)
    page.dispatch_event("#party-size", "change")
    expect(page.locator("#party-warning")).to_have_text(
        re.compile("number of persons, from 1 to 6")
    )
    expect(page.locator("#party-size")).to_have_attribute("aria-invalid", "")
    expect(page.locator("#calendar")).to_be_hidden()
    page.fill("#party-size", "1")
    page.dispatch_event("#party-size", "change")
    expect(page.locator("#party-warning")).to_be_hidden()
    expect(page.locator("#calendar")).to_be_visible()


def test_an_invalid_email_is_said_at_the_field_and_a_saved_message_goes(server, new_page):
    key, pin = book_by_api(server)
    page = new_page(PHONE)
    page.goto(f"{server}/booking/manage?lang=en")
    page.fill("#reservation-key-input", key)
    page.fill("#pin-input", pin)
    page.click("#login")
    page.fill("#email", email())
    page.click("#save-contact")
    saved = page.locator("#contact-feedback")
    expect(saved).to_have_text("Your contact details are saved.")
    expect(saved).to_be_in_viewport()
    page.fill("#email", "not-an-address@")
    page.click("#save-contact")
    expect(page.locator("#email-problem")).to_be_visible()
    expect(page.locator("#email-problem")).to_be_in_viewport()
    expect(saved).to_be_hidden()
    expect(page.locator("#email")).to_have_attribute("aria-invalid", "")


def test_a_move_is_confirmed_in_view(server, new_page):
    key, pin = book_by_api(server)
    page = new_page(PHONE)
    page.goto(f"{server}/booking/manage?lang=fi")
    page.fill("#reservation-key-input", key)
    page.fill("#pin-input", pin)
    page.click("#login")
    before = page.inner_text("#detail-time")
    expect(page.locator("#calendar-grid")).not_to_have_attribute("aria-busy", "true")
    free_day(page).click()
    page.locator(".calendar-time").last.click()
    expect(page.locator("#move")).to_be_visible()
    page.click("#confirm-move")
    expect(page.locator("#done")).to_contain_text("siirretty")
    expect(page.locator("#done")).to_be_in_viewport()
    expect(page.locator("#detail-time")).not_to_have_text(before)


def test_wrong_pins_say_the_tries_left_and_the_lock_until_when(server, new_page):
    key, pin = book_by_api(server)
    page = new_page(PHONE)
    page.goto(f"{server}/booking/manage?lang=en")
    page.fill("#reservation-key-input", key)
    problem = page.locator("#login-problem")
    wrong = "000000" if pin != "000000" else "111111"
    for tries_left in (4, 3, 2, 1):
        page.fill("#pin-input", wrong)
        page.click("#login")
        plural = "try" if tries_left == 1 else "tries"
        expect(problem).to_contain_text(f"You have {tries_left} {plural} left before")
        expect(problem).to_be_in_viewport()
    page.fill("#pin-input", wrong)
    page.click("#login")
    expect(problem).to_contain_text(re.compile(r"is now locked until \d{2}:\d{2}\."))
    page.fill("#pin-input", pin)  # the right PIN is refused too while the lock is on
    page.click("#login")
    expect(problem).to_have_text(
        re.compile(r"^Too many wrong tries\. The reservation key is locked until \d{2}:\d{2}\.$")
    )
    assert serious_violations(page) == []


def test_english_writes_dates_day_first_and_times_on_the_24_hour_clock(server, new_page):
    page = new_page(LAPTOP)
    open_booking(page, server, "en")
    seen = [page.inner_text("#calendar")]
    seen += page.eval_on_selector_all(
        "#calendar-grid td[data-date]", "cells => cells.map(cell => cell.textContent)"
    )
    key, pin = book_on_page(page, email())
    confirmed = page.inner_text("#confirmed-time")
    assert re.fullmatch(r"[A-Z][a-z]+day \d{1,2} [A-Z][a-z]+ \d{4} \d{2}:\d{2}", confirmed)
    seen.append(page.inner_text("#confirmation"))
    manage = new_page(LAPTOP)
    manage.goto(f"{server}/booking/manage?lang=en")
    manage.fill("#reservation-key-input", key)
    manage.fill("#pin-input", pin)
    manage.click("#login")
    expect(manage.locator("#detail-time")).to_have_text(confirmed)
    expect(manage.locator("#calendar-grid")).not_to_have_attribute("aria-busy", "true")
    free_day(manage).click()
    manage.locator(".calendar-time").first.click()
    expect(manage.locator("#held-time")).to_have_text(re.compile(r" until \d{2}:\d{2}\. "))
    held = manage.inner_text("#held-time")
    seen += [manage.inner_text("#details"), held]
    text = "\n".join(seen)
    assert not US_DATE.search(text), US_DATE.search(text)
    assert not TWELVE_HOUR.search(text), TWELVE_HOUR.search(text)


def test_every_booking_screen_has_no_serious_axe_violations(server, new_page):
    page = new_page(PHONE)
    open_booking(page, server, "sv")
    assert serious_violations(page) == [], "calendar"
    free_day(page).click()
    expect(page.locator(".calendar-time").first).to_be_visible()
    assert serious_violations(page) == [], "times"
    page.locator(".calendar-time").first.click()
    page.fill("#email", "inte-en-adress@")
    page.click("#confirm")
    expect(page.locator("#email-problem")).to_be_visible()
    assert serious_violations(page) == [], "form with an error"
    page.fill("#email", email())
    page.click("#confirm")
    expect(page.locator("#confirmation")).to_be_visible()
    assert serious_violations(page) == [], "confirmation"
    key, pin = page.inner_text("#reservation-key"), page.inner_text("#pin-code")

    manage = new_page(LAPTOP)
    manage.goto(f"{server}/booking/manage?lang=sv")
    assert serious_violations(manage) == [], "manage login"
    manage.fill("#reservation-key-input", key)
    manage.fill("#pin-input", pin)
    manage.click("#login")
    expect(manage.locator("#calendar-grid")).not_to_have_attribute("aria-busy", "true")
    assert serious_violations(manage) == [], "manage"

    problem = new_page(PHONE)
    problem.goto(f"{server}/booking/manage?lang=sv")
    problem.evaluate("document.getElementById('pdf-form').submit()")  # no key, no PIN
    expect(problem.locator("#booking-problem")).to_be_visible()
    assert serious_violations(problem) == [], "error page"
