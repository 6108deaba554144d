"""Dates, times and waits as people in Finland write them, in every language and every place
they appear: no US month-first date (12/1), no 12-hour clock (9:15 PM), waits as "3 h 12 min".

Every page the app serves is rendered in fi, sv and en (as a kiosk, a stranger and a seated
admin), and so is every e-mail, text message and printed slip, from a moment that a US format
would give away: Monday 30 November 2026 at 13:15 (11/30, 1:15 PM)."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from flask_babel import force_locale

from printers.layout import ConfirmationFacts, TicketFacts, confirmation_slip, ticket_slip
from printers.wording import (
    format_date,
    format_day,
    format_moment,
    format_time,
    format_wait,
    format_weekday,
)
from shared.notifications.texts import KINDS, message_facts, render_email, render_sms
from shared.web import i18n
from tests.appointment_helpers import MONDAY_EARLY, local, one_day_config
from tests.notification_helpers import book

LANGUAGES = ("fi", "sv", "en")
US_DATE = re.compile(r"\b\d{1,2}/\d{1,2}\b")
TWELVE_HOUR = re.compile(r"\b(AM|PM)\b|a\.m\.|p\.m\.")
HELSINKI = ZoneInfo("Europe/Helsinki")
AFTERNOON = datetime(2026, 12, 1, 21, 15, tzinfo=HELSINKI)
MORNING = datetime(2026, 3, 14, 9, 5, tzinfo=HELSINKI)
# Pages that need values in their address; routes with other values are not pages of a person.
ADDRESS_VALUES = {"service_point_id": "helsinki", "service_point": "helsinki"}
NOT_PAGES = ("/api/", "/static/", "/assets/", "/vendor/", "/socket.io", "/favicon.ico")


def assert_written_as_in_finland(text: str, where: str) -> None:
    """No US-style date and no 12-hour time in `text`."""
    assert not US_DATE.search(text), (where, US_DATE.search(text), text[:2000])
    assert not TWELVE_HOUR.search(text), (where, TWELVE_HOUR.search(text), text[:2000])


@pytest.mark.parametrize(
    ("language", "expected", "with_year"),
    [
        ("fi", "tiistaina 1. joulukuuta klo 21.15", "tiistaina 1. joulukuuta 2026 klo 21.15"),
        ("sv", "tisdag 1 december kl. 21.15", "tisdag 1 december 2026 kl. 21.15"),
        ("en", "Tuesday 1 December, 21:15", "Tuesday 1 December 2026, 21:15"),
    ],
)
def test_a_moment_reads_as_in_finland(language, expected, with_year):
    assert format_moment(language, AFTERNOON) == expected
    assert format_moment(language, AFTERNOON, with_year=True) == with_year


@pytest.mark.parametrize(
    ("language", "date", "time", "weekday", "day"),
    [
        ("fi", "14.3.2026", "9.05", "la", "lauantaina 14. maaliskuuta"),
        ("sv", "14.3.2026", "9.05", "lör", "lördag 14 mars"),
        ("en", "14 March 2026", "09:05", "Sat", "Saturday 14 March"),
    ],
)
def test_dates_and_times_of_each_language(language, date, time, weekday, day):
    assert format_date(language, MORNING) == date
    assert format_time(language, MORNING) == time
    assert format_weekday(language, MORNING) == weekday
    assert format_day(language, MORNING) == day
    assert format_day(language, MORNING, with_year=True) == day + " 2026"


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    ("minutes", "expected"),
    [(0, "0 min"), (45, "45 min"), (59, "59 min"), (60, "1 h"), (96, "1 h 36 min"),
     (192, "3 h 12 min"), (600, "10 h")],
)  # fmt: skip
def test_waits_in_hours_and_minutes(language, minutes, expected):
    assert format_wait(language, minutes) == expected


def test_an_unknown_language_is_refused():
    with pytest.raises(ValueError):
        format_wait("de", 5)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_page_filters_write_as_the_slips_do(app, language):
    with app.test_request_context(f"/?lang={language}"), force_locale(language):
        assert i18n.format_moment(AFTERNOON) == format_moment(language, AFTERNOON)
        assert i18n.format_day(AFTERNOON) == format_day(language, AFTERNOON)
        assert i18n.format_clock_time(MORNING) == format_time(language, MORNING)
        assert i18n.format_wait(192) == "3 h 12 min"
        template = (
            "{{ moment|moment }} · {{ moment|day }} · {{ moment|clock_time }} · {{ 45|wait }}"
        )
        rendered = app.jinja_env.from_string(template).render(moment=AFTERNOON)
        assert rendered == " · ".join(
            [
                format_moment(language, AFTERNOON),
                format_day(language, AFTERNOON),
                format_time(language, AFTERNOON),
                "45 min",
            ]
        )


@pytest.mark.parametrize(
    ("language", "day", "time"),
    [("fi", "{weekday} {day}. {month}", "{H}.{mm}"), ("sv", "{weekday} {day} {month}", "{H}.{mm}"),
     ("en", "{weekday} {day} {month}", "{HH}:{mm}")],
)  # fmt: skip
def test_the_scripts_get_babels_words(language, day, time):
    words = i18n.calendar_words(language)
    assert (words["day"], words["time"]) == (day, time)
    # Monday first, as Babel (and display.js) count; the forms a sentence uses.
    weekday = words["weekdays"][AFTERNOON.weekday()]
    month = words["months"][AFTERNOON.month - 1]
    written = day.format(weekday=weekday, day=AFTERNOON.day, month=month)
    assert written == format_day(language, AFTERNOON)


def page_addresses(app, token: str) -> list[str]:
    """Every page the app serves to a browser, with real values in its address."""
    values = {**ADDRESS_VALUES, "token": token}
    addresses = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.rule.startswith(NOT_PAGES) or "." in rule.rule:
            continue
        if any(argument not in values for argument in rule.arguments):
            continue
        path = rule.rule
        for argument in rule.arguments:
            path = re.sub(rf"<(?:\w+:)?{argument}>", values[argument], path)
        addresses.append(path)
    return sorted(set(addresses))


def test_no_page_writes_a_us_date_or_a_12_hour_time(
    app, client, anonymous_client, make_clerk, issue
):
    token = issue().ticket.status_token
    admin = make_clerk("admin1", role="admin")
    addresses = page_addresses(app, token)
    assert {"/display/helsinki", f"/t/{token}", "/kiosk/helsinki", "/counter"} <= set(addresses)
    rendered = 0
    for address in addresses:
        for visitor in (client, anonymous_client, admin):
            for language in LANGUAGES:
                response = visitor.get(f"{address}?lang={language}")
                if response.mimetype != "text/html" or response.status_code >= 500:
                    assert response.status_code < 500, (address, response.status_code)
                    continue
                rendered += 1
                assert_written_as_in_finland(response.get_data(as_text=True), address)
    assert rendered >= len(addresses)


@pytest.fixture
def appointment(db, config):
    """An appointment on Monday 30 November 2026 at 13:15 (1:15 PM on 11/30, in US style)."""
    settings = one_day_config(config)
    booking = book(db, settings, local(13, 15), MONDAY_EARLY, "en", email="anna@example.fi")
    return settings, booking


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_message_writes_a_us_date_or_a_12_hour_time(appointment, language):
    settings, booking = appointment
    facts = message_facts(settings, booking.appointment, language)
    assert facts["when"] == format_moment(language, local(13, 15), with_year=True)
    for kind in KINDS:
        email = render_email(kind, language, facts, booking.pin)
        sms = render_sms(kind, language, facts, booking.pin)
        for text in (email.subject, email.text, email.html, sms.text):
            assert_written_as_in_finland(text, kind)
    assert (
        format_time(language, local(13, 15)) in render_sms("reminder", language, facts, None).text
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_slip_writes_a_us_date_or_a_12_hour_time(language):
    afternoon = datetime(2026, 11, 30, 13, 15, tzinfo=HELSINKI)
    ticket = ticket_slip(
        TicketFacts(
            service_point_name="Helsinki, Malmi",
            number="A042",
            queue_name="Residence permit",
            party_size=1,
            issued_at=afternoon,
            people_ahead=16,
            estimated_wait_minutes=192,
            language=language,
            status_url="http://127.0.0.1/t/token",
            kind="urgent",
        )
    ).plain_text()
    confirmation = confirmation_slip(
        ConfirmationFacts(
            service_point_name="Helsinki, Malmi",
            service_point_address="Malminkaari 1",
            starts_at=afternoon,
            reservation_key="ABCD-2345",
            pin="1234",
            party_size=2,
            language=language,
        )
    ).plain_text()
    for text in (ticket, confirmation):
        assert_written_as_in_finland(text, language)
        assert format_time(language, afternoon) in text
    assert "3 h 12 min" in ticket  # the wait in hours and minutes, not "192 min"
