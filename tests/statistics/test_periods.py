"""Periods: days, weeks, months and custom runs of days, and their UTC bounds across clock
changes in Helsinki (2027-03-28 is 23 hours long, 2027-10-31 is 25)."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta

import pytest

from shared.errors import InvalidRequest, NotFound
from shared.statistics.history import statistics
from shared.statistics.periods import MAX_PERIOD_DAYS, Period, utc_bounds
from shared.storage.transactions import write_transaction
from tests.statistics.constructed_week import Ticket, write_ticket


def test_a_week_runs_monday_to_sunday():
    assert Period.week(date(2027, 3, 24)) == Period(date(2027, 3, 22), date(2027, 3, 28))
    assert Period.week(date(2027, 3, 22)) == Period.week(date(2027, 3, 28))
    assert len(Period.week(date(2027, 1, 1)).days()) == 7


@pytest.mark.parametrize(
    ("year", "month", "last"),
    [(2027, 2, date(2027, 2, 28)), (2028, 2, date(2028, 2, 29)), (2026, 12, date(2026, 12, 31))],
)
def test_a_month_holds_its_days(year, month, last):
    period = Period.month(year, month)
    assert (period.first_day, period.last_day) == (date(year, month, 1), last)
    assert period.days()[-1] == last and len(period.days()) == last.day


def test_a_day_is_one_day():
    assert Period.day(date(2027, 5, 5)).days() == [date(2027, 5, 5)]


def test_a_custom_period_is_checked():
    assert Period.custom(date(2027, 1, 1), date(2027, 1, 1)).days() == [date(2027, 1, 1)]
    longest = Period.custom(date(2027, 1, 1), date(2027, 1, 1) + timedelta(MAX_PERIOD_DAYS - 1))
    assert len(longest.days()) == MAX_PERIOD_DAYS
    with pytest.raises(InvalidRequest) as backwards:
        Period.custom(date(2027, 1, 2), date(2027, 1, 1))
    assert backwards.value.code == "invalid_period"
    with pytest.raises(InvalidRequest) as too_long:
        Period.custom(date(2027, 1, 1), date(2027, 1, 1) + timedelta(MAX_PERIOD_DAYS))
    assert too_long.value.code == "invalid_period"
    with pytest.raises(InvalidRequest):
        Period.month(2027, 13)


def test_utc_bounds_of_an_ordinary_week(config):
    start, end = utc_bounds(config, "helsinki", Period.week(date(2026, 11, 25)))
    assert start == datetime(2026, 11, 22, 22, 0, tzinfo=UTC)
    assert end - start == timedelta(days=7)


def test_the_week_the_clocks_go_forward_is_an_hour_short(config):
    start, end = utc_bounds(config, "helsinki", Period.week(date(2027, 3, 28)))
    assert start == datetime(2027, 3, 21, 22, 0, tzinfo=UTC)  # Monday 00:00 at +02:00
    assert end == datetime(2027, 3, 28, 21, 0, tzinfo=UTC)  # the next Monday 00:00 at +03:00
    assert end - start == timedelta(hours=167)


def test_the_week_the_clocks_go_back_is_an_hour_long(config):
    start, end = utc_bounds(config, "helsinki", Period.week(date(2027, 10, 31)))
    assert start == datetime(2027, 10, 24, 21, 0, tzinfo=UTC)
    assert end == datetime(2027, 10, 31, 22, 0, tzinfo=UTC)
    assert end - start == timedelta(hours=169)


def test_bounds_follow_the_points_day_start(config):
    point = config.service_point("helsinki")
    late = dataclasses.replace(point, day_starts_minute=2 * 60)
    moved = dataclasses.replace(config, service_points=(late,))
    start, end = utc_bounds(moved, "helsinki", Period.day(date(2027, 10, 31)))
    assert start == datetime(2027, 10, 30, 23, 0, tzinfo=UTC)  # 02:00 at +03:00
    assert end == datetime(2027, 11, 1, 0, 0, tzinfo=UTC)  # 02:00 at +02:00: 25 hours
    with pytest.raises(NotFound):
        utc_bounds(config, "atlantis", Period.day(date(2027, 10, 31)))


def test_arrival_hours_are_local_on_both_sides_of_a_clock_change(db, config):
    """A number at 02:30 and one at 04:30 on the night the clocks go forward (03:00 → 04:00),
    and two at 03:30 on the night they go back (03:30 happens twice): each in its local hour."""
    sunday_spring, sunday_autumn = date(2027, 3, 28), date(2027, 10, 31)
    with write_transaction(db):
        for index, (day, clock) in enumerate(
            [(sunday_spring, "02:30"), (sunday_spring, "04:30"), (sunday_autumn, "03:30")],
            start=1,
        ):
            write_ticket(db, index, Ticket(f"A00{index}", day, "urgent", clock, 5, 5,
                                            "finished", 1))  # fmt: skip
        # The second 03:30 of the autumn night, an hour of real time after the first.
        db.execute(
            "INSERT INTO tickets (id, service_point, day, issued_queue, sequence, number, queue,"
            " status, party_size, language, issued_at, queued_at) VALUES (4, 'helsinki',"
            " '2027-10-31', 'urgent', 4, 'A004', 'urgent', 'expired', 1, 'fi',"
            " '2027-10-31T01:30:00.000000+00:00', '2027-10-31T01:30:00.000000+00:00')"
        )
    spring = statistics(db, config, "helsinki", Period.week(sunday_spring))
    assert spring.arrivals_by_weekday_hour[6][2] == 1
    assert spring.arrivals_by_weekday_hour[6][3] == 0  # that hour did not happen
    assert spring.arrivals_by_weekday_hour[6][4] == 1
    autumn = statistics(db, config, "helsinki", Period.week(sunday_autumn))
    assert autumn.arrivals_by_weekday_hour[6][3] == 2
    assert autumn.tickets_issued == 2
