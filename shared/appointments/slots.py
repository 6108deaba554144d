"""Free appointment times: computed per day from the settings and the seats already taken.

A day at a service point is a grid of `slot_minutes` steps per desk. An appointment needs
as many consecutive steps on one desk as its length (category, plus extra minutes per person
after the first) rounded up to the grid. Taken steps are rows in `slot_seats` (appointments, and
holds that have not expired), so one query per search and simple arithmetic per day suffice.

The grid counts wall-clock minutes after local midnight. On the days the clock changes an
appointment is offered only where that grid and real time agree (`is_clear_of_clock_changes`):
it starts at a local time that exists, in a repeated hour at its first pass, and the clock does
not change while it runs; so its wall-clock and real minutes are the same
(docs/appointments.md, "Daylight saving").
"""

from __future__ import annotations

import functools
import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlite_utils

from shared.appointments import seat_masks
from shared.config import Config, ServicePoint
from shared.config.calendar import appointment_hours_on
from shared.errors import InvalidRequest, NotFound
from shared.storage.timestamps import utc_text

MAX_DAYS_PER_SEARCH = 62


@dataclass(frozen=True)
class Slot:
    """A free appointment time at a service point; moments are aware, in UTC."""

    service_point: str
    day: date
    start_minute: int
    end_minute: int
    starts_at: datetime
    ends_at: datetime


@dataclass(frozen=True)
class SlotSearch:
    """One page of free times, and where the next page starts (None at the horizon)."""

    slots: tuple[Slot, ...]
    first_day: date
    last_day: date
    next_day: date | None
    horizon_day: date


def check_party_size(config: Config, party_size: int) -> None:
    """Refuse a party larger than one appointment takes (they book more appointments)."""
    if party_size < 1:
        raise InvalidRequest("invalid_party_size")
    if party_size > config.rules.max_party_size:
        raise InvalidRequest("party_too_large_for_appointment", limit=config.rules.max_party_size)


def check_category(config: Config, category: str) -> None:
    """Refuse an unknown category."""
    if config.category(category) is None:
        raise InvalidRequest("unknown_category", category=category)


def appointment_length(
    config: Config, service_point: ServicePoint, category: str, party_size: int
) -> int:
    """Minutes the appointment takes, rounded up to whole `slot_minutes` steps."""
    rules = config.appointments
    base = service_point.appointments.minutes.get(category) or rules.minutes[category]
    minutes = base + (party_size - 1) * rules.family_extra_minutes_per_person
    return math.ceil(minutes / rules.slot_minutes) * rules.slot_minutes


def local_today(service_point: ServicePoint, now: datetime) -> date:
    """Today's date at the service point."""
    return now.astimezone(service_point.zone).date()


def horizon_day(config: Config, service_point: ServicePoint, now: datetime) -> date:
    """The last bookable day: rolling, so each day one more day opens."""
    return local_today(service_point, now) + timedelta(days=config.appointments.horizon_days)


def is_open_for_appointments(config: Config, service_point: ServicePoint, day: date) -> bool:
    """True when appointments are taken on that day (the point's one calendar: weekday hours,
    holidays, closed days and per-date exceptions)."""
    return appointment_hours_on(config, service_point, day) is not None


def is_on_grid(
    config: Config, service_point: ServicePoint, day: date, start_minute: int, length: int
) -> bool:
    """True when an appointment of `length` may start then: on the grid, inside the hours, and
    clear of a clock change."""
    hours = appointment_hours_on(config, service_point, day)
    return (
        hours is not None
        and hours[0] <= start_minute
        and start_minute + length <= hours[1]
        and (start_minute - hours[0]) % config.appointments.slot_minutes == 0
        and is_clear_of_clock_changes(service_point, day, start_minute, length)
    )


def local_moment(service_point: ServicePoint, day: date, minute: int) -> datetime:
    """The UTC moment of `minute` after local midnight on `day` at the service point.

    A wall time that comes twice (the hour the clock falls back) gives its first moment
    (fold 0). One that does not exist (the hour skipped in spring) gives the moment it would
    have been at the old offset; `is_clear_of_clock_changes` keeps such times from being offered.
    """
    naive = datetime.combine(day, time(0)) + timedelta(minutes=minute)
    return naive.replace(tzinfo=service_point.zone).astimezone(UTC)


@functools.lru_cache(maxsize=1024)
def is_clock_change_day(timezone: str, day: date) -> bool:
    """Whether the UTC offset at local midnight of `day` differs from the next midnight's: the
    clock is changed during the day (remembered: the search asks for every day of a page)."""
    zone = ZoneInfo(timezone)
    midnight = datetime.combine(day, time(0), tzinfo=zone)
    next_midnight = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)
    return midnight.utcoffset() != next_midnight.utcoffset()


def is_clear_of_clock_changes(
    service_point: ServicePoint, day: date, start_minute: int, length: int
) -> bool:
    """Whether an appointment of `length` minutes from `start_minute` on `day` keeps to the
    wall clock: its start exists (in the repeated hour, at its first pass, as `local_moment`
    gives it) and the clock does not change while it runs. It may end just as the clock changes.

    Seats are wall-clock minutes, so an appointment that ran across a change would take seats
    of times that do not exist or that belong to the other pass of the repeated hour.
    """
    if not is_clock_change_day(service_point.timezone, day):
        return True
    zone = service_point.zone
    starts_at = local_moment(service_point, day, start_minute)
    local = starts_at.astimezone(zone)
    if local.date() != day or local.hour * 60 + local.minute != start_minute:
        return False  # a time the clock skipped: it reads an hour later
    last_instant = starts_at + timedelta(minutes=length) - timedelta(microseconds=1)
    return local.utcoffset() == last_instant.astimezone(zone).utcoffset()


def taken_seats(
    db: sqlite_utils.Database,
    service_point_ids: list[str],
    first: date,
    last: date,
    now: datetime,
    minutes: range | None = None,
) -> dict[tuple[str, str], set[tuple[int, int]]]:
    """The (desk, minute) seats taken per (service point, day): appointments and live holds.

    :param minutes: only seats in these minutes (one appointment's: all that `free_desk` needs)
    """
    marks = ",".join("?" for _ in service_point_ids)
    within = (minutes.start, minutes.stop) if minutes else (0, 24 * 60 * 2)
    rows = db.execute(
        f"SELECT service_point, day, desk, minute FROM slot_seats WHERE service_point IN ({marks})"
        " AND day BETWEEN ? AND ? AND minute >= ? AND minute < ?"
        " AND (expires_at IS NULL OR expires_at > ?)",
        [*service_point_ids, first.isoformat(), last.isoformat(), *within, utc_text(now)],
    ).fetchall()
    taken: dict[tuple[str, str], set[tuple[int, int]]] = defaultdict(set)
    for point, day, desk, minute in rows:
        taken[(point, day)].add((desk, minute))
    return taken


def free_desk(
    config: Config,
    service_point: ServicePoint,
    day: date,
    start_minute: int,
    length: int,
    taken: set[tuple[int, int]],
) -> int | None:
    """The lowest desk free for the whole appointment from `start_minute`, or None.

    :param taken: the day's taken (desk, minute) seats
    """
    settings = service_point.appointments
    step = config.appointments.slot_minutes
    if not is_on_grid(config, service_point, day, start_minute, length):
        return None
    minutes = range(start_minute, start_minute + length, step)
    desks = min(settings.desks_at(minute) for minute in minutes)
    for desk in range(1, desks + 1):
        if all((desk, minute) not in taken for minute in minutes):
            return desk
    return None


def search_free_slots(
    db: sqlite_utils.Database,
    config: Config,
    *,
    service_point_ids: list[str],
    category: str,
    party_size: int,
    now: datetime,
    first_day: date | None = None,
    days: int = 7,
) -> SlotSearch:
    """Free times at the given service points from `first_day` for `days` days (one page).

    Times in the past, on closed days and beyond the rolling horizon are left out.

    :param service_point_ids: one service point, all of a city, or all
    :param first_day: the page's first day (default: today at the first service point)
    :param days: the page's length, 1 to 62 days
    """
    points, first, last, horizon = search_page(
        config, service_point_ids, category, party_size, now, first_day, days
    )
    slots: list[Slot] = []
    if first <= last:
        taken = taken_masks(db, [p.id for p in points], first, last, now)
        for point in points:
            slots.extend(
                _free_slots_of(config, point, first, last, category, party_size, now, taken)
            )
    slots.sort(key=lambda slot: (slot.starts_at, slot.service_point))
    next_day = last + timedelta(days=1)
    return SlotSearch(
        slots=tuple(slots),
        first_day=first,
        last_day=max(first, last) if first <= last else first,
        next_day=next_day if next_day <= horizon else None,
        horizon_day=horizon,
    )


def search_page(
    config: Config,
    service_point_ids: list[str],
    category: str,
    party_size: int,
    now: datetime,
    first_day: date | None,
    days: int,
    max_days: int = MAX_DAYS_PER_SEARCH,
) -> tuple[list[ServicePoint], date, date, date]:
    """Check a search and find its page: (points, first day, last day, horizon day).

    The last day is before the first when the page lies wholly beyond the horizon.
    """
    check_category(config, category)
    check_party_size(config, party_size)
    points = [require_point(config, point_id) for point_id in service_point_ids]
    if not points:
        raise NotFound("unknown_service_point", service_point="")
    if not 1 <= days <= max_days:
        raise InvalidRequest("invalid_request")
    today = min(local_today(point, now) for point in points)
    horizon = max(horizon_day(config, point, now) for point in points)
    asked = first_day or today
    first = max(asked, today)
    # Compared before adding: a day near date.max must not overflow.
    last = horizon if asked > horizon else min(asked + timedelta(days=days - 1), horizon)
    return points, first, last, horizon


def taken_masks(
    db: sqlite_utils.Database, service_point_ids: list[str], first: date, last: date, now: datetime
) -> dict[tuple[str, str], int]:
    """The taken seats per (service point, ISO day) as one bit mask of all desks: the bit of
    minute n at desk d is (d - 1) * 1440 + n (`seat_masks.seat_bit`).

    Appointments' seats come as masks already (`shared.appointments.seat_masks`, one row per day
    instead of one per seat: a busy calendar has a hundred thousand seats), live holds' seats one
    by one.
    """
    taken = seat_masks.appointment_masks(db, service_point_ids, first, last)
    for point, day, desk, minute in seat_masks.held_seats(db, service_point_ids, first, last, now):
        taken[(point, day)] = taken.get((point, day), 0) | 1 << seat_masks.seat_bit(desk, minute)
    return taken


def _free_slots_of(config, point, first, last, category, party_size, now, taken) -> list[Slot]:
    """Free times at one service point between two days (the same answer as `free_desk` for
    each start, worked out once per opening hours: the search looks at thousands of starts).

    :param taken: `taken_masks` of the days
    """
    length = appointment_length(config, point, category, party_size)
    step = config.appointments.slot_minutes
    last = min(last, horizon_day(config, point, now))
    # Later local days start after now; up to tomorrow the clock is asked (DST, time zones).
    checked_until = local_today(point, now) + timedelta(days=1)
    plans: dict[tuple[int, int], list[tuple[int, int, int]]] = {}
    found = []
    day = first
    while day <= last:
        if is_open_for_appointments(config, point, day):
            hours = appointment_hours_on(config, point, day)
            if hours not in plans:
                plans[hours] = _starts_of(point, hours, length, step)
            seats = taken.get((point.id, day.isoformat()), 0)
            masks = [
                seats >> (desk * seat_masks.DESK_BITS) & seat_masks.DAY_MINUTES
                for desk in range(max((desks for _, _, desks in plans[hours]), default=0))
            ]
            clock_changes = is_clock_change_day(point.timezone, day)
            for start, needed, desks in plans[hours]:
                if not any(not masks[desk] & needed for desk in range(desks)):
                    continue
                if clock_changes and not is_clear_of_clock_changes(point, day, start, length):
                    continue
                starts_at = local_moment(point, day, start)
                if day <= checked_until and starts_at <= now:
                    continue
                # Real minutes: the same as the wall clock's, as no change falls inside it.
                ends_at = starts_at + timedelta(minutes=length)
                found.append(Slot(point.id, day, start, start + length, starts_at, ends_at))
        day += timedelta(days=1)
    return found


def _starts_of(point, hours, length, step) -> list[tuple[int, int, int]]:
    """(start, mask of its seats' minutes, desks taking appointments all along) per start."""
    opens, closes = hours
    starts = []
    for start in range(opens, closes - length + 1, step):
        minutes = range(start, start + length, step)
        desks = min(point.appointments.desks_at(minute) for minute in minutes)
        if desks:
            starts.append((start, sum(1 << minute for minute in minutes), desks))
    return starts


def require_point(config: Config, service_point_id: str) -> ServicePoint:
    """The service point, or NotFound."""
    point = config.service_point(service_point_id)
    if point is None:
        raise NotFound("unknown_service_point", service_point=service_point_id)
    return point


def service_points_in(config: Config, city: str | None) -> list[str]:
    """The ids of the service points in a city (matched in any language), or of all of them."""
    if not city:
        return [point.id for point in config.service_points]
    wanted = city.strip().casefold()
    return [
        point.id
        for point in config.service_points
        if wanted in {name.casefold() for name in point.city_name.as_dict().values()}
    ]
