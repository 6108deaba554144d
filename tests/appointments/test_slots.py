"""Free-slot search: hours, desks per band, closed days, family length, the rolling horizon."""

from __future__ import annotations

import dataclasses
import time
from datetime import date, timedelta

import pytest

from shared.appointments import slots
from shared.appointments.booking import book_appointment, hold_slot
from shared.errors import InvalidRequest
from tests.appointment_helpers import MONDAY_EARLY, local, one_day_config


def search(db, config, now, points=("helsinki",), **options):
    """Search with the tests' defaults."""
    values = {"category": "travel_document", "party_size": 1, "days": 7} | options
    return slots.search_free_slots(db, config, service_point_ids=list(points), now=now, **values)


def book(db, config, starts_at, now, category="travel_document", party_size=1, email=None):
    """Hold and book a time at Helsinki."""
    hold = hold_slot(
        db,
        config,
        service_point_id="helsinki",
        category=category,
        party_size=party_size,
        starts_at=starts_at,
        now=now,
    )
    return book_appointment(
        db,
        config,
        hold_token=hold.token,
        email=email or "a@example.fi",
        phone=None,
        language="fi",
        now=now,
    )


def times_on(result, day):
    """The local start times (HH:MM) offered on one day."""
    return sorted(
        {
            slot.starts_at.astimezone(local(0).tzinfo).strftime("%H:%M")
            for slot in result.slots
            if slot.day == day
        }
    )


def test_times_follow_the_appointment_hours_and_skip_the_past(db, config):
    now = local(10, 5)  # Monday 10:05
    result = search(db, config, now, days=1)
    offered = times_on(result, date(2026, 11, 30))
    assert offered[0] == "10:15"  # 10:00 has begun
    assert offered[-1] == "15:45"  # a 15-minute appointment ends by 16:00
    assert len(offered) == len(set(offered))


def test_weekends_closed_days_and_the_horizon(db, config):
    now = local(7)
    result = search(db, config, now, first_day=date(2026, 12, 21), days=14)
    days = {slot.day for slot in result.slots}
    assert date(2026, 12, 24) not in days  # closed_days
    assert date(2026, 12, 26) not in days  # a Saturday, and a closed day
    assert date(2026, 12, 27) not in days  # Sunday: no hours
    assert date(2026, 12, 23) in days and date(2026, 12, 28) in days
    assert result.horizon_day == date(2026, 11, 30) + timedelta(days=92)


def test_paging_covers_the_whole_horizon_quickly(db, config):
    now = local(7)
    started = time.perf_counter()
    first_day, seen_days, pages = None, set(), 0
    while True:
        result = search(
            db, config, now, points=("helsinki", "tampere"), first_day=first_day, days=31
        )
        pages += 1
        seen_days |= {slot.day for slot in result.slots}
        if result.next_day is None:
            break
        first_day = result.next_day
    elapsed = time.perf_counter() - started
    assert pages == 3
    assert max(seen_days) == date(2027, 3, 2)  # a Tuesday, exactly 92 days after today
    assert elapsed < 2.0, f"paging through the horizon took {elapsed:.2f} s"


def test_the_horizon_rolls_forward_day_by_day(db, config):
    monday = search(db, config, local(7), first_day=date(2027, 3, 1), days=7)
    tuesday = search(
        db, config, local(7, day=30) + timedelta(days=1), first_day=date(2027, 3, 1), days=7
    )
    assert max(slot.day for slot in monday.slots) == date(2027, 3, 2)
    assert max(slot.day for slot in tuesday.slots) == date(2027, 3, 3)


def test_desks_per_band_limit_the_places(db, config):
    now = local(7)
    ten, one_pm = local(10), local(13)
    for _ in range(2):
        book(db, config, one_pm, now, email=f"{_}@example.fi")
    assert "13:00" not in times_on(search(db, config, now, days=1), date(2026, 11, 30))
    for number in range(2):
        book(db, config, ten, now, email=f"m{number}@example.fi")
    assert "10:00" in times_on(search(db, config, now, days=1), date(2026, 11, 30))
    book(db, config, ten, now, email="third@example.fi")  # the morning band has three desks
    assert "10:00" not in times_on(search(db, config, now, days=1), date(2026, 11, 30))


def test_a_family_appointment_is_longer(db, config):
    helsinki = config.service_point("helsinki")
    assert slots.appointment_length(config, helsinki, "residence_permit", 1) == 30
    assert slots.appointment_length(config, helsinki, "residence_permit", 3) == 60
    result = search(db, config, local(7), category="residence_permit", party_size=6, days=1)
    first = result.slots[0]
    assert first.end_minute - first.start_minute == 30 + 5 * 15
    assert times_on(result, date(2026, 11, 30))[-1] == "14:15"  # 105 minutes end by 16:00


def test_lengths_round_up_to_the_grid(config):
    rules = dataclasses.replace(
        config.appointments, minutes={**config.appointments.minutes, "citizenship": 20}
    )
    changed = dataclasses.replace(config, appointments=rules)
    helsinki = changed.service_point("helsinki")
    assert slots.appointment_length(changed, helsinki, "citizenship", 1) == 30


@pytest.mark.parametrize(
    ("party_size", "code"), [(7, "party_too_large_for_appointment"), (0, "invalid_party_size")]
)
def test_party_size_limits(db, config, party_size, code):
    with pytest.raises(InvalidRequest) as raised:
        search(db, config, local(7), party_size=party_size)
    assert raised.value.code == code


def test_city_search_in_any_language(config):
    assert slots.service_points_in(config, "Helsingfors") == ["helsinki"]
    assert slots.service_points_in(config, "tampere") == ["tampere"]
    assert slots.service_points_in(config, None) == ["helsinki", "tampere"]
    assert slots.service_points_in(config, "Oulu") == []


def test_a_cancelled_time_returns_at_once(db, config):
    from shared.appointments.changes import cancel_appointment

    small = one_day_config(config, desks=1)
    booking = book(db, small, local(9), MONDAY_EARLY)
    assert "09:00" not in times_on(search(db, small, MONDAY_EARLY, days=1), date(2026, 11, 30))
    cancel_appointment(
        db,
        small,
        reservation_key=booking.appointment.reservation_key,
        pin=booking.pin,
        now=MONDAY_EARLY,
    )
    assert "09:00" in times_on(search(db, small, MONDAY_EARLY, days=1), date(2026, 11, 30))
