"""Today's overview equals the figures the Monday after the constructed week was built with."""

from __future__ import annotations

import dataclasses

import pytest

from shared.statistics.today import today_overview
from tests.statistics.constructed_week import NOW, TODAY_FIGURES


@pytest.fixture
def today(week_db, config):
    """Helsinki's overview on the Monday at 10:00."""
    return today_overview(week_db, config, "helsinki", NOW)


def test_the_queues_now_and_their_calls_today(today):
    assert tuple(dataclasses.astuple(queue) for queue in today.queues) == TODAY_FIGURES["queues"]


def test_the_open_counters_and_who_is_at_them(today):
    assert (
        tuple(dataclasses.astuple(counter) for counter in today.counters)
        == TODAY_FIGURES["counters"]
    )


def test_the_days_totals_and_service_level(today):
    for name in ("served", "no_shows", "called", "called_within_target"):
        assert getattr(today, name) == TODAY_FIGURES[name], name
    assert today.service_level == pytest.approx(4 / 5)
    assert today.at == NOW and today.service_point == "helsinki"


def test_failed_prints_and_messages_of_the_day(today):
    assert (today.failed_prints, today.failed_messages) == (
        TODAY_FIGURES["failed_prints"],
        TODAY_FIGURES["failed_messages"],
    )


def test_the_days_appointments(today):
    assert dataclasses.astuple(today.appointments) == TODAY_FIGURES["appointments"]


def test_a_quiet_point(week_db, config):
    quiet = today_overview(week_db, config, "tampere", NOW)
    assert quiet.counters == () and quiet.called == 0 and quiet.service_level is None
    assert all(queue.waiting == 0 and queue.longest_wait_seconds is None for queue in quiet.queues)
