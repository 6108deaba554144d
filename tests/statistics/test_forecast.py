"""The staffing forecast on generated histories whose arrivals and service times are known."""

from __future__ import annotations

import dataclasses
import math
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from shared.config.opening_hours import OpeningHours
from shared.errors import InvalidRequest, NotFound
from shared.queue.counters import open_counter
from shared.queue.ticket_actions import call_next_ticket, finish_ticket
from shared.statistics.forecast import (
    METHOD_CLOSED_DAY,
    METHOD_ERLANG_C,
    METHOD_NO_HISTORY,
    staffing_forecast,
)
from shared.storage.event_log import record_event
from shared.storage.timestamps import utc_text

HELSINKI = ZoneInfo("Europe/Helsinki")
# Tuesdays: the forecast plans 1 December 2026 from the four before it.
PLANNED_TUESDAY = date(2026, 12, 1)
LAST_TUESDAY = date(2026, 11, 24)
FOUR_TUESDAYS = [LAST_TUESDAY - timedelta(days=7 * week) for week in range(4)]
MONDAY_BEFORE = datetime(2026, 11, 30, 12, 0, tzinfo=HELSINKI)
SERVICE_MINUTES = 10
OPEN_HOURS = list(range(8, 17))  # Helsinki is open 08:00-16:15 on weekdays


def add_ticket(db, issued: datetime, *, wait_minutes=5, service_minutes=SERVICE_MINUTES):
    """Write one finished urgent number of Helsinki as the domain leaves it: issued, called
    after `wait_minutes` (a TicketCalled event) and finished `service_minutes` later."""
    day = issued.astimezone(HELSINKI).date().isoformat()
    sequence = db.execute(
        "SELECT COUNT(*) + 1 FROM tickets WHERE service_point = 'helsinki' AND day = ?", [day]
    ).fetchone()[0]
    called = issued + timedelta(minutes=wait_minutes)
    finished = called + timedelta(minutes=service_minutes)
    cursor = db.execute(
        "INSERT INTO tickets (service_point, day, issued_queue, sequence, number, queue, status,"
        " category, party_size, language, counter, issued_at, queued_at, called_at,"
        " finished_at) VALUES ('helsinki', ?, 'urgent', ?, ?, 'urgent', 'finished',"
        " 'residence_permit', 1, 'fi', 1, ?, ?, ?, ?)",
        [day, sequence, f"A{sequence:03d}", *map(utc_text, (issued, issued, called, finished))],
    )
    record_event(
        db,
        type="TicketCalled",
        service_point="helsinki",
        at=called,
        ticket_id=cursor.lastrowid,
        from_status="waiting",
        to_status="called",
        queue="urgent",
        counter=1,
    )


def add_tuesday(db, day: date, *, nine_to_ten=12, ten_to_eleven=30, **ticket):
    """A Tuesday of the known pattern: evenly spread arrivals between 9 and 10 and between
    10 and 11, none at any other hour."""
    for hour, count in ((9, nine_to_ten), (10, ten_to_eleven)):
        starts = datetime.combine(day, time(hour), tzinfo=HELSINKI)
        for index in range(count):
            add_ticket(db, starts + timedelta(hours=1) * index / count, **ticket)


def open_counter_between(db, counter: int, opened: datetime, closed: datetime | None):
    """A clerk's session at a counter, as CounterOpened and CounterClosed events."""
    record_event(
        db, type="CounterOpened", service_point="helsinki", at=opened, counter=counter, clerk="c"
    )
    if closed is not None:
        record_event(db, type="CounterClosed", service_point="helsinki", at=closed, counter=counter)


def erlang_c_by_hand(counters: int, load: float) -> float:
    """The textbook Erlang C: (A^N/N!)·N/(N−A) over Σ_{k<N} A^k/k! plus the same term."""
    waiting_term = load**counters / math.factorial(counters) * counters / (counters - load)
    idle_terms = sum(load**k / math.factorial(k) for k in range(counters))
    return waiting_term / (idle_terms + waiting_term)


def counters_by_hand(per_hour: float, service_seconds: float, target_seconds: float, level):
    """The least N > A with 1 − C·e^(−(N−A)·t/AHT) ≥ level, and the mean wait C·AHT/(N−A)."""
    load = per_hour * service_seconds / 3600
    counters = math.floor(load) + 1
    while (
        1
        - erlang_c_by_hand(counters, load)
        * math.exp(-(counters - load) * target_seconds / service_seconds)
        < level
    ):
        counters += 1
    return counters, erlang_c_by_hand(counters, load) * service_seconds / (counters - load)


def by_hour(forecast):
    """The forecast's hours by their local hour."""
    return {hour.hour: hour for hour in forecast.hours}


def test_the_forecast_of_a_known_weekly_pattern(db, config):
    """Four Tuesdays of exactly 12 arrivals 9-10 and 30 arrivals 10-11, each served in 10
    minutes: next Tuesday expects 12 and 30, and needs the counters Erlang C gives by hand
    for the urgent queue's 30-minute target at 80 %: 3 (A = 2 Erlangs) and 6 (A = 5)."""
    for day in FOUR_TUESDAYS:
        add_tuesday(db, day)

    forecast = staffing_forecast(db, config, "helsinki", PLANNED_TUESDAY, MONDAY_BEFORE)

    assert forecast.weeks_used == 4
    assert forecast.method == METHOD_ERLANG_C
    assert forecast.target_level == 0.8
    assert [hour.hour for hour in forecast.hours] == OPEN_HOURS
    hours = by_hour(forecast)
    for hour, arrivals, literal in ((9, 12, 3), (10, 30, 6)):
        needed, wait = counters_by_hand(arrivals, SERVICE_MINUTES * 60, 30 * 60, 0.8)
        assert needed == literal
        assert hours[hour].expected_arrivals == pytest.approx(arrivals)
        assert hours[hour].mean_service_seconds == pytest.approx(SERVICE_MINUTES * 60)
        assert hours[hour].counters_needed == needed
        assert hours[hour].expected_wait_seconds == pytest.approx(wait, rel=1e-6)
        assert hours[hour].target_wait_minutes == 30
        assert hours[hour].expected_service_level >= 0.8
    for hour in set(OPEN_HOURS) - {9, 10}:
        assert hours[hour].expected_arrivals == 0
        assert hours[hour].counters_needed == 0
        assert hours[hour].expected_wait_seconds is None
    assert all(hour.counters_open is None for hour in forecast.hours)  # all still to come


def test_the_arrivals_are_the_mean_of_the_weeks(db, config):
    """Weeks of 8, 12, 12 and 16 arrivals between 9 and 10 expect 12; `weeks=2` learns only
    from the latest two (16 and 12: 14)."""
    for day, count in zip(FOUR_TUESDAYS, (16, 12, 12, 8), strict=True):
        add_tuesday(db, day, nine_to_ten=count, ten_to_eleven=0)

    four = staffing_forecast(db, config, "helsinki", PLANNED_TUESDAY, MONDAY_BEFORE)
    two = staffing_forecast(db, config, "helsinki", PLANNED_TUESDAY, MONDAY_BEFORE, weeks=2)

    assert by_hour(four)[9].expected_arrivals == pytest.approx(12)
    assert (two.weeks_used, by_hour(two)[9].expected_arrivals) == (2, pytest.approx(14))


def test_service_times_fall_back_to_the_default(db, config):
    """Numbers never finished (no service time known): the hours take
    `rules.default_service_minutes`, 12 minutes in the demo."""
    for day in FOUR_TUESDAYS:
        starts = datetime.combine(day, time(9), tzinfo=HELSINKI)
        for index in range(12):
            add_ticket(db, starts + timedelta(minutes=5 * index))
    db.execute("UPDATE tickets SET status = 'no_show'")

    hours = by_hour(staffing_forecast(db, config, "helsinki", PLANNED_TUESDAY, MONDAY_BEFORE))

    assert hours[9].mean_service_seconds == config.rules.default_service_minutes * 60
    assert hours[9].counters_needed == counters_by_hand(12, 720, 1800, 0.8)[0]


def test_last_weeks_forecast_against_what_happened(db, config):
    """Last Tuesday is forecast from the four before it (12 and 30 arrivals) and had 15 and
    30, with two counters open all day while 3 and 6 were needed; its 9-10 numbers were called
    within the 30-minute target and its 10-11 numbers after 40 minutes."""
    for week in range(1, 5):
        add_tuesday(db, LAST_TUESDAY - timedelta(days=7 * week))
    add_tuesday(db, LAST_TUESDAY, nine_to_ten=15, ten_to_eleven=0, wait_minutes=10)
    add_tuesday(db, LAST_TUESDAY, nine_to_ten=0, ten_to_eleven=30, wait_minutes=40)
    opens = datetime.combine(LAST_TUESDAY, time(8), tzinfo=HELSINKI)
    closes = datetime.combine(LAST_TUESDAY, time(16, 15), tzinfo=HELSINKI)
    for counter in (1, 2):
        open_counter_between(db, counter, opens, closes)

    check = staffing_forecast(db, config, "helsinki", PLANNED_TUESDAY, MONDAY_BEFORE).last_week

    assert check.day == LAST_TUESDAY
    assert (check.days, check.hours) == (1, len(OPEN_HOURS))
    assert check.forecast_arrivals == pytest.approx(42)
    assert check.actual_arrivals == 45
    assert check.mean_absolute_arrival_error == pytest.approx(3 / len(OPEN_HOURS))
    assert check.hours_understaffed == 2  # 9-10 and 10-11
    assert (check.called, check.called_within_target) == (45, 15)
    assert check.service_level == pytest.approx(15 / 45)


def test_counters_open_today_and_none_for_hours_to_come(db, config):
    """Planning today at 10:30: counter 1 open from 8:00, counter 2 from 9:30 to 9:45 and
    again from 10:00. Hour 8 had 1, hour 9 on average 1.25 (1), hour 10 so far 2; the hours
    from 11 have none yet."""
    for day in FOUR_TUESDAYS:
        add_tuesday(db, day)
    at = lambda hour, minute=0: datetime.combine(  # noqa: E731
        PLANNED_TUESDAY, time(hour, minute), tzinfo=HELSINKI
    )
    open_counter_between(db, 1, at(8), None)
    open_counter_between(db, 2, at(9, 30), at(9, 45))
    open_counter_between(db, 2, at(10), None)

    forecast = staffing_forecast(db, config, "helsinki", PLANNED_TUESDAY, at(10, 30))

    opened = {hour.hour: hour.counters_open for hour in forecast.hours}
    assert opened == {8: 1, 9: 1, 10: 2} | {hour: None for hour in range(11, 17)}
    assert forecast.weeks_used == 4  # today's numbers are not history yet
    assert forecast.last_week is not None


def test_a_counter_left_open_from_an_earlier_day_counts(db, config):
    """A counter opened yesterday and never closed is open today from the day's start."""
    for day in FOUR_TUESDAYS:
        add_tuesday(db, day)
    monday = datetime(2026, 11, 30, 15, 0, tzinfo=HELSINKI)
    open_counter_between(db, 3, monday, None)

    now = datetime.combine(PLANNED_TUESDAY, time(9, 0), tzinfo=HELSINKI)
    forecast = staffing_forecast(db, config, "helsinki", PLANNED_TUESDAY, now)

    assert by_hour(forecast)[8].counters_open == 1


def test_no_history_is_an_honest_empty_forecast(db, config):
    """A point with no numbers on earlier Tuesdays forecasts nothing: no hours, no figures."""
    forecast = staffing_forecast(db, config, "helsinki", PLANNED_TUESDAY, MONDAY_BEFORE)

    assert forecast.weeks_used == 0
    assert forecast.hours == ()
    assert forecast.method == METHOD_NO_HISTORY
    assert forecast.last_week is None


def test_weekdays_without_numbers_are_not_counted_as_empty(db, config):
    """Only two of the four Tuesdays had numbers (Jono was new): the mean is over those two,
    not diluted by the days before it was used."""
    for day in FOUR_TUESDAYS[:2]:
        add_tuesday(db, day)
    # Numbers on other weekdays are not this day's history.
    add_tuesday(db, LAST_TUESDAY + timedelta(days=1), nine_to_ten=50)

    forecast = staffing_forecast(db, config, "helsinki", PLANNED_TUESDAY, MONDAY_BEFORE)

    assert forecast.weeks_used == 2
    assert by_hour(forecast)[9].expected_arrivals == pytest.approx(12)


def test_a_closed_day_needs_no_counter(db, config):
    """Christmas Eve (a holiday in the demo) forecasts no hours, whatever the Thursdays before."""
    christmas_eve = date(2026, 12, 24)
    for week in range(1, 5):
        add_tuesday(db, christmas_eve - timedelta(days=7 * week))

    now = datetime(2026, 12, 20, 12, 0, tzinfo=HELSINKI)
    forecast = staffing_forecast(db, config, "helsinki", christmas_eve, now)

    assert (forecast.weeks_used, forecast.hours, forecast.method) == (4, (), METHOD_CLOSED_DAY)


def test_a_day_weeks_ahead_learns_from_the_latest_weeks(db, config):
    """Planning a Tuesday three weeks ahead uses the four Tuesdays before today."""
    for day in FOUR_TUESDAYS:
        add_tuesday(db, day)

    ahead = staffing_forecast(db, config, "helsinki", date(2026, 12, 22), MONDAY_BEFORE)

    assert ahead.weeks_used == 4
    assert by_hour(ahead)[10].expected_arrivals == pytest.approx(30)
    assert ahead.last_week is None  # 15 December has not happened


def always_open_on_sundays(config):
    """The demo config with Helsinki open around the clock on Sundays."""
    point = config.service_point("helsinki")
    sunday = OpeningHours(opens=time(0), closes=time.max)
    point = dataclasses.replace(point, opening_hours={**point.opening_hours, 6: sunday})
    return dataclasses.replace(config, service_points=(point, *config.service_points[1:]))


def add_night_arrivals(db, day: date, per_real_hour=6):
    """Arrivals every 10 minutes of real time from 02:00 to 05:00 local: on 25 October 2026
    that is four real hours, the clocks going back from 04:00 to 03:00."""
    starts = datetime.combine(day, time(2), tzinfo=HELSINKI).astimezone(ZoneInfo("UTC"))
    ends = datetime.combine(day, time(5), tzinfo=HELSINKI).astimezone(ZoneInfo("UTC"))
    moment = starts
    while moment < ends:
        add_ticket(db, moment, wait_minutes=1, service_minutes=5)
        moment += timedelta(hours=1) / per_real_hour


def test_dst_sundays(db, config):
    """On 25 October 2026 the hour 03-04 happens twice: it had 12 arrivals in two real hours,
    6 an hour like its neighbours. The Sunday after expects 6; that Sunday itself (planned
    from the four before) expects 12 over its two real hours, with the counters 6 an hour
    need. On 29 March 2026 the hour 03-04 never happens and is not forecast."""
    config = always_open_on_sundays(config)
    autumn = date(2026, 10, 25)
    for week in range(5):
        add_night_arrivals(db, autumn - timedelta(days=7 * week))
    add_night_arrivals(db, date(2026, 3, 22))

    after = staffing_forecast(
        db, config, "helsinki", date(2026, 11, 1), datetime(2026, 10, 26, tzinfo=HELSINKI)
    )
    itself = staffing_forecast(
        db, config, "helsinki", autumn, datetime(2026, 10, 20, tzinfo=HELSINKI)
    )
    spring = staffing_forecast(
        db, config, "helsinki", date(2026, 3, 29), datetime(2026, 3, 23, tzinfo=HELSINKI)
    )

    assert after.weeks_used == 4
    assert len(after.hours) == 24
    assert by_hour(after)[3].expected_arrivals == pytest.approx(6)
    assert by_hour(after)[2].expected_arrivals == pytest.approx(6)
    assert len(itself.hours) == 24  # one entry for the repeated hour
    assert by_hour(itself)[3].expected_arrivals == pytest.approx(12)
    needed, _ = counters_by_hand(6, 300, 1800, 0.8)
    assert by_hour(itself)[3].counters_needed == needed
    assert by_hour(itself)[3].mean_service_seconds == pytest.approx(300)
    assert 3 not in by_hour(spring)
    assert len(spring.hours) == 23
    assert by_hour(spring)[2].expected_arrivals == pytest.approx(6)


def test_an_unknown_point_or_no_weeks_is_refused(db, config):
    """The web layer turns these into 404 and 400 answers."""
    with pytest.raises(NotFound):
        staffing_forecast(db, config, "atlantis", PLANNED_TUESDAY, MONDAY_BEFORE)
    with pytest.raises(InvalidRequest):
        staffing_forecast(db, config, "helsinki", PLANNED_TUESDAY, MONDAY_BEFORE, weeks=0)


def test_numbers_the_domain_issued_and_served(db, config, clock, issue):
    """Through the real kiosk and counter actions (no hand-written rows): last Monday a clerk
    opened counter 1 at 9:00 and served six numbers issued 9:00-9:50, 8 minutes each. This
    Monday expects 6 arrivals between 9 and 10 served in 8 minutes; the counter, never closed,
    is open at 8:30 today; last Monday had no Monday before it to be forecast from."""
    last_monday = datetime(2026, 11, 23, 9, 0, tzinfo=HELSINKI)
    clock.set(last_monday)
    open_counter(db, config, "helsinki", 1, "clerk1", clock.now())
    counter = {"service_point_id": "helsinki", "counter_number": 1, "clerk": "clerk1"}
    for _ in range(6):
        issue()
        called = call_next_ticket(db, config, now=clock.now(), **counter).ticket
        clock.advance(minutes=8)
        finish_ticket(db, config, ticket_id=called.id, now=clock.now(), **counter)
        clock.advance(minutes=2)

    now = datetime(2026, 11, 30, 8, 30, tzinfo=HELSINKI)
    forecast = staffing_forecast(db, config, "helsinki", date(2026, 11, 30), now)

    nine = by_hour(forecast)[9]
    assert forecast.weeks_used == 1
    assert nine.expected_arrivals == pytest.approx(6)
    assert nine.mean_service_seconds == pytest.approx(8 * 60)
    assert nine.counters_needed == counters_by_hand(6, 480, 1800, 0.8)[0]
    assert by_hour(forecast)[8].counters_open == 1  # still open from last Monday
    assert forecast.last_week is None
