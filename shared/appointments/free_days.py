"""Free days: how many free appointment times each day has, counted with bit masks.

The booking calendar asks which days of a month have free times. Building every free time only
to count them is slow across many service points, so here a day's taken seats at a service point
are one int (desk after desk, 1440 bits each, see `slots.taken_masks`) and the free starts of an
appointment of k grid steps are worked out for the whole day and all desks at once::

    free = starts & ~(taken | taken >> step | ... | taken >> (k - 1) * step)

then united over the desks; `int.bit_count()` counts them. The counts are those of
`slots.search_free_slots` per day (the same rules: hours, desks per band, closed days, the
horizon, no time that has begun, and on the days the clock changes none across the change).
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlite_utils

from shared.appointments import seat_masks, slots
from shared.config import Config, ServicePoint
from shared.config.appointments import DeskBand
from shared.config.calendar import appointment_hours_on

MAX_DAYS_PER_COUNT = 92


@dataclass(frozen=True)
class FreeDays:
    """The days with free times in one page, each with its count, and where the next page
    starts (None at the horizon)."""

    days: tuple[tuple[date, int], ...]
    first_day: date
    last_day: date
    next_day: date | None
    horizon_day: date


def count_free_days(
    db: sqlite_utils.Database,
    config: Config,
    *,
    service_point_ids: list[str],
    category: str,
    party_size: int,
    now: datetime,
    first_day: date | None = None,
    days: int = 31,
) -> FreeDays:
    """Free times per day at the given service points from `first_day` for `days` days.

    Takes the same arguments as `slots.search_free_slots` (but up to 92 days) and counts what
    it would list, day by day (a day is the local date at each service point).
    """
    points, first, last, horizon = slots.search_page(
        config,
        service_point_ids,
        category,
        party_size,
        now,
        first_day,
        days,
        max_days=MAX_DAYS_PER_COUNT,
    )
    counts: Counter[date] = Counter()
    if first <= last:
        taken = slots.taken_masks(db, [point.id for point in points], first, last, now)
        for point in points:
            length = slots.appointment_length(config, point, category, party_size)
            for day, free in free_start_masks(config, point, first, last, length, now, taken):
                counts[day] += free.bit_count()
    next_day = last + timedelta(days=1)
    return FreeDays(
        days=tuple(sorted(counts.items())),
        first_day=first,
        last_day=last if first <= last else first,
        next_day=next_day if next_day <= horizon else None,
        horizon_day=horizon,
    )


def free_start_masks(
    config: Config,
    point: ServicePoint,
    first: date,
    last: date,
    length: int,
    now: datetime,
    taken: dict[tuple[str, str], int],
) -> Iterator[tuple[date, int]]:
    """(day, mask of the free start minutes) for each day with any at one service point.

    :param length: the appointment's minutes, a whole number of grid steps
    :param taken: `slots.taken_masks` of the days
    """
    step = config.appointments.slot_minutes
    shifts = range(step, length, step)
    last = min(last, slots.horizon_day(config, point, now))
    # Later local days start after now; up to tomorrow the clock is asked (DST, time zones).
    checked_until = slots.local_today(point, now) + timedelta(days=1)
    settings = point.appointments
    closed = config.appointments.closed_days | settings.closed_days | point.closed_days
    plans = {
        weekday: day_plan(start_masks(settings.desk_bands, hours, length, step))
        for weekday, hours in settings.hours.items()
    }
    exceptional_plans = {}  # a date with other hours (`opening_exceptions`): its own plan
    for day, _ in point.opening_exceptions.items():
        hours = appointment_hours_on(config, point, day)
        exceptional_plans[day] = hours and day_plan(
            start_masks(settings.desk_bands, hours, length, step)
        )
    point_id = point.id
    one_desk = seat_masks.DAY_MINUTES
    for day, iso_day, weekday in calendar(first, last):
        plan = exceptional_plans[day] if day in exceptional_plans else plans.get(weekday)
        if plan is not None and day not in closed:
            starts, any_desk, offsets = plan
            seats = taken.get((point_id, iso_day))
            if seats:
                # All desks at once: a desk's shifted seats never reach the starts of the desk
                # below it (a start ends by midnight, so its seats lie below 1440).
                blocked = seats
                for shift in shifts:
                    blocked |= seats >> shift
                open_starts = starts & ~blocked
                free = 0
                for offset in offsets:
                    free |= open_starts >> offset
                free &= one_desk
            else:
                free = any_desk
            if free and slots.is_clock_change_day(point.timezone, day):
                free = without_clock_changes(point, day, free, length)
            if free and day <= checked_until:
                free = without_past(point, day, free, now)
            if free:
                yield day, free


@functools.lru_cache(maxsize=32)
def calendar(first: date, last: date) -> tuple[tuple[date, str, int], ...]:
    """(day, ISO day, weekday) from `first` to `last` (remembered: every point walks them)."""
    count = max(0, (last - first).days + 1)
    days = [first + timedelta(days=number) for number in range(count)]
    return tuple((day, day.isoformat(), day.weekday()) for day in days)


def day_plan(per_desk: tuple[int, ...]) -> tuple[int, int, range]:
    """(every desk's start mask in one, as `slots.taken_masks` lays out desks; their union;
    the offsets of the desks)."""
    starts = 0
    any_desk = 0
    for desk, mask in enumerate(per_desk):
        starts |= mask << desk * seat_masks.DESK_BITS
        any_desk |= mask
    return starts, any_desk, range(0, len(per_desk) * seat_masks.DESK_BITS, seat_masks.DESK_BITS)


@functools.cache
def start_masks(
    desk_bands: tuple[DeskBand, ...], hours: tuple[int, int], length: int, step: int
) -> tuple[int, ...]:
    """Per desk (desk 1 first), the mask of the grid starts whose whole appointment fits in the
    opening hours while that desk takes appointments (remembered: few settings, many days)."""
    opens, closes = hours
    masks: list[int] = []
    for start in range(opens, closes - length + 1, step):
        desks = min(
            next((band.desks for band in desk_bands if band.starts <= minute < band.ends), 0)
            for minute in range(start, start + length, step)
        )
        masks += [0] * (desks - len(masks))
        for desk in range(desks):
            masks[desk] |= 1 << start
    return tuple(masks)


def without_clock_changes(point: ServicePoint, day: date, free: int, length: int) -> int:
    """The free starts of `day` clear of its clock change (`slots.is_clear_of_clock_changes`):
    none the clock skips, none in the repeated hour's second pass, none running across it."""
    kept = free
    rest = free
    while rest:
        lowest = rest & -rest
        rest ^= lowest
        if not slots.is_clear_of_clock_changes(point, day, lowest.bit_length() - 1, length):
            kept ^= lowest
    return kept


def without_past(point: ServicePoint, day: date, free: int, now: datetime) -> int:
    """The free starts of `day` that begin after `now`."""
    kept = free
    rest = free
    while rest:
        lowest = rest & -rest
        rest ^= lowest
        if slots.local_moment(point, day, lowest.bit_length() - 1) <= now:
            kept ^= lowest
    return kept
