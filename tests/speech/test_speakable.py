"""The closed set of what may be spoken: numbers issued today, real counters, values in steps."""

from __future__ import annotations

import pytest

from shared.errors import NotFound
from shared.queue.tickets import local_day
from shared.speech.speakable import (
    bounded_people_ahead,
    bounded_wait_minutes,
    require_counter,
    require_issued_on,
)


@pytest.mark.parametrize(
    ("count", "spoken"),
    [
        (0, (0, False)),
        (1, (1, False)),
        (10, (10, False)),
        (11, (10, True)),
        (20, (10, True)),
        (21, (20, True)),
        (37, (30, True)),
        (50, (40, True)),
        (51, (50, True)),
        (9999, (50, True)),
    ],
)
def test_people_ahead_are_exact_up_to_ten_then_more_than_a_ten(count, spoken):
    assert bounded_people_ahead(count) == spoken


@pytest.mark.parametrize(
    ("minutes", "spoken"),
    [
        (0, (0, False)),
        (1, (5, False)),
        (5, (5, False)),
        (12, (15, False)),
        (60, (60, False)),
        (61, (75, False)),
        (239, (240, False)),
        (240, (240, False)),
        (241, (240, True)),
        (100000, (240, True)),
    ],
)
def test_waits_are_rounded_up_and_capped_at_four_hours(minutes, spoken):
    assert bounded_wait_minutes(minutes) == spoken


def test_every_value_falls_into_a_small_closed_set():
    people = {bounded_people_ahead(count) for count in range(10000)}
    waits = {bounded_wait_minutes(minutes) for minutes in range(100001)}
    assert len(people) == 16 and len(waits) == 26
    # A spoken value never says fewer people or a shorter wait than there are.
    for count in range(300):
        value, is_more_than = bounded_people_ahead(count)
        assert value < count if is_more_than else value == count
    for minutes in range(300):
        value, is_more_than = bounded_wait_minutes(minutes)
        assert value < minutes if is_more_than else value >= minutes


def test_only_counters_of_the_service_point_are_spoken(config):
    tampere = config.service_point("tampere")
    require_counter(tampere, 3)
    with pytest.raises(NotFound) as refused:
        require_counter(tampere, 6)  # Helsinki has a counter 6, Tampere does not
    assert refused.value.code == "unknown_counter" and refused.value.params == {"counter": 6}


def test_only_numbers_issued_today_at_the_service_point_are_spoken(db, config, clock, issue):
    number = issue(service_point="helsinki").ticket.number
    helsinki, tampere = config.service_point("helsinki"), config.service_point("tampere")
    today = local_day(helsinki, clock.now())
    require_issued_on(db, "helsinki", today, number)
    refusals = [
        ("helsinki", today, "A999"),  # never issued
        ("tampere", local_day(tampere, clock.now()), number),  # issued, but in Helsinki
        ("helsinki", local_day(helsinki, clock.advance(days=1)), number),  # yesterday's
    ]
    for service_point, day, asked in refusals:
        with pytest.raises(NotFound) as refused:
            require_issued_on(db, service_point, day, asked)
        assert refused.value.code == "number_not_issued_today"
        assert refused.value.params == {"number": asked}
