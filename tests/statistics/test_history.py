"""A period's statistics equal the figures the constructed week was built to have."""

from __future__ import annotations

import dataclasses

import pytest

from shared.errors import NotFound
from shared.statistics.distributions import Distribution
from shared.statistics.history import DayServiceLevel, statistics
from shared.statistics.periods import Period
from tests.statistics.constructed_week import MON, WEEK, WEEK_MONDAY


@pytest.fixture
def week(week_db, config):
    """The statistics of the constructed week at Helsinki, every queue."""
    return statistics(week_db, config, "helsinki", Period.week(WEEK_MONDAY))


def test_the_numbers_issued_and_their_arrival_hours(week):
    assert week.tickets_issued == WEEK["tickets_issued"]
    expected = [[0] * 24 for _ in range(7)]
    for (weekday, hour), count in WEEK["arrivals"].items():
        expected[weekday][hour] = count
    assert week.arrivals_by_weekday_hour == tuple(tuple(row) for row in expected)


def test_waits_from_issue_to_first_call_overall_and_per_queue(week):
    assert week.waits == Distribution(*WEEK["waits"])
    assert week.waits_by_queue == tuple(
        (queue, Distribution(*figures)) for queue, figures in WEEK["waits_by_queue"].items()
    )


def test_service_times_per_category_from_the_last_call(week):
    assert week.service_times_by_category == tuple(
        (category, Distribution(*figures)) for category, figures in WEEK["service_times"]
    )


def test_the_service_level_per_day_and_queue_and_in_all(week):
    assert week.service_level_by_day == tuple(
        DayServiceLevel(*row) for row in WEEK["service_level_by_day"]
    )
    assert (week.called, week.called_within_target) == (7, 6)
    assert week.service_level == pytest.approx(6 / 7)


def test_no_shows_transfers_and_counters(week):
    assert (week.no_shows, week.no_show_rate) == (1, pytest.approx(1 / 7))
    assert (week.transfers, week.transfer_rate) == (1, pytest.approx(1 / 8))
    assert week.served_per_counter == WEEK["served_per_counter"]


def test_kiosk_outcomes_every_one_in_order_with_zeros(week):
    assert week.kiosk_outcomes == WEEK["kiosk_outcomes"]


def test_appointments_by_channel_and_fate(week):
    assert dataclasses.astuple(week.appointments) == WEEK["appointments"]


def test_estimates_against_the_waits_that_followed(week):
    assert dataclasses.astuple(week.estimates) == WEEK["estimates"]


def test_one_queue_only(week_db, config):
    urgent = statistics(week_db, config, "helsinki", Period.week(WEEK_MONDAY), queue="urgent")
    # A001, A002, A003 on Monday and A001, A002 on Friday (A001 of Tuesday left for booking help).
    assert urgent.tickets_issued == 5
    assert urgent.waits == Distribution(*WEEK["waits_by_queue"]["urgent"])
    assert urgent.waits_by_queue == (("urgent", Distribution(*WEEK["waits_by_queue"]["urgent"])),)
    assert (urgent.called, urgent.called_within_target, urgent.no_shows) == (4, 3, 0)
    assert urgent.served_per_counter == ((1, 2), (2, 2))
    assert urgent.kiosk_outcomes == WEEK["kiosk_outcomes"]  # verdicts belong to no queue


def test_one_day_and_an_empty_day(week_db, config):
    monday = statistics(week_db, config, "helsinki", Period.day(MON))
    assert (monday.tickets_issued, monday.called, monday.called_within_target) == (4, 3, 2)
    empty = statistics(week_db, config, "helsinki", Period.day(MON.replace(year=2025)))
    assert empty.tickets_issued == 0
    assert empty.waits == Distribution(0, None, None, None)
    assert (empty.service_level, empty.no_show_rate, empty.transfer_rate) == (None, None, None)
    assert empty.estimates.mean_absolute_error_seconds is None
    assert all(count == 0 for _, count in empty.kiosk_outcomes)


def test_another_point_sees_only_its_own(week_db, config):
    tampere = statistics(week_db, config, "tampere", Period.week(WEEK_MONDAY))
    assert tampere.tickets_issued == 1
    assert tampere.waits == Distribution(1, 3000, 3000, 3000)
    assert dict(tampere.kiosk_outcomes)["book_online"] == 1
    assert tampere.appointments.lost == 1 and tampere.appointments.moved == 1


def test_an_unknown_point_is_not_found(db, config):
    with pytest.raises(NotFound):
        statistics(db, config, "atlantis", Period.week(WEEK_MONDAY))
