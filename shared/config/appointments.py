"""Appointment settings from config.toml: the [appointments] table and each service point's own.

`shared.config` and `shared.config.service_points` call the two parse functions with their
key-naming reader (`shared.config.reader.ConfigReader`), so a bad key here stops start-up with its
full name just like everywhere else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

WEEKDAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MINUTES_PER_DAY = 24 * 60
DEFAULT_MINUTES = 30  # a category missing from `minutes` gets this appointment length


@dataclass(frozen=True)
class DeskBand:
    """From `starts` to `ends` (minutes after local midnight) this many desks take appointments."""

    starts: int
    ends: int
    desks: int


@dataclass(frozen=True)
class AppointmentRules:
    """Deployment-wide appointment rules (the [appointments] table)."""

    slot_minutes: int = 15
    horizon_days: int = 92
    hold_minutes: int = 10
    max_future_appointments_per_contact: int = 2
    check_in_window_minutes: int = 60
    family_extra_minutes_per_person: int = 15
    wrong_pins_before_lock: int = 5
    lock_minutes: int = 30
    pin_attempts_per_client_per_hour: int = 30
    bookings_per_client_per_hour: int = 20
    check_ins_per_client_per_hour: int = 240
    urgent_offer_days: int = 3
    minutes: dict[str, int] = field(default_factory=dict)
    closed_days: frozenset[date] = frozenset()


# name: help, for the messages that name a bad key; the defaults are AppointmentRules'.
RULE_HELP = {
    "slot_minutes": "the grid appointments start on, in minutes",
    "horizon_days": "how many days ahead appointments can be booked (rolling)",
    "hold_minutes": "how long a chosen time is kept while the form is filled in",
    "max_future_appointments_per_contact": "future appointments one e-mail or phone may hold",
    "check_in_window_minutes": "how long before the start the kiosk check-in opens",
    "family_extra_minutes_per_person": "minutes added per person after the first",
    "wrong_pins_before_lock": "wrong PIN codes before a reservation key is locked",
    "lock_minutes": "how long a reservation key stays locked",
    "pin_attempts_per_client_per_hour": "reservation key + PIN tries per client address per hour",
    "bookings_per_client_per_hour": "holds and bookings per client address per hour",
    "check_ins_per_client_per_hour": "kiosk check-ins and on-the-spot bookings per kiosk per hour",
    "urgent_offer_days": "days, today included, in which an urgent walk-in is offered a free"
    " appointment (0: never)",
}
MINIMUM_ONE = {"slot_minutes", "horizon_days", "hold_minutes", "wrong_pins_before_lock"}


@dataclass(frozen=True)
class ServicePointAppointments:
    """When and how many appointments one service point takes.

    `hours` maps weekday (0 = Monday) to (opens, closes) in minutes after local midnight.
    `minutes` overrides the deployment's appointment length per category.
    """

    hours: dict[int, tuple[int, int]]
    desk_bands: tuple[DeskBand, ...]
    closed_days: frozenset[date] = frozenset()
    minutes: dict[str, int] = field(default_factory=dict)

    def desks_at(self, minute: int) -> int:
        """How many desks take appointments at this minute of the day."""
        return next((b.desks for b in self.desk_bands if b.starts <= minute < b.ends), 0)


def parse_rules(reader: Any, table: dict, category_ids: set[str]) -> AppointmentRules:
    """Read the [appointments] table.

    :param reader: the ConfigReader, which names the key in every error
    :param table: the [appointments] table
    :param category_ids: the configured categories; `minutes` must cover each of them
    """
    allowed = set(RULE_HELP) | {"minutes", "closed_days"}
    reader.only_keys(table, "appointments", allowed)
    defaults = AppointmentRules()
    values: dict[str, Any] = {}
    for name, help_text in RULE_HELP.items():
        key = f"appointments.{name}"
        values[name] = reader.get(table, key, int, getattr(defaults, name))
        lowest = 1 if name in MINIMUM_ONE else 0
        if values[name] < lowest:
            reader.fail(key, f"must be at least {lowest} ({help_text})")
    if values["horizon_days"] > 366:
        reader.fail("appointments.horizon_days", "must be at most 366")
    minutes = _minutes(reader, table, "appointments.minutes", category_ids)
    minutes = {category_id: DEFAULT_MINUTES for category_id in category_ids} | minutes
    return AppointmentRules(
        **values,
        minutes=minutes,
        closed_days=parse_closed_days(reader, table, "appointments.closed_days"),
    )


def parse_service_point(
    reader: Any,
    item: dict,
    where: str,
    opening_hours: dict,
    appointment_counters: int,
    category_ids: set[str],
) -> ServicePointAppointments:
    """Read the `appointments` table of a service point entry; what it leaves out is derived.

    Without `hours` the opening hours apply; without `desks` every counter that calls the
    appointment queue takes appointments all day.

    :param where: the service point's key, for messages (``service_points[0]``)
    :param opening_hours: the service point's parsed opening hours (weekday -> OpeningHours)
    :param appointment_counters: how many counters call an appointment queue
    """
    key = f"{where}.appointments"
    table = reader.get(item, key, dict, {})
    reader.only_keys(table, key, {"hours", "desks", "closed_days", "minutes"})
    if "hours" in table:
        hours_table = reader.get(table, f"{key}.hours", dict)
        reader.only_keys(hours_table, f"{key}.hours", set(WEEKDAY_NAMES))
        hours = {
            WEEKDAY_NAMES.index(day): _time_range(reader, text, f"{key}.hours.{day}")
            for day, text in hours_table.items()
        }
    else:
        hours = {
            weekday: (_minute_of(opening.opens), _minute_of(opening.closes))
            for weekday, opening in opening_hours.items()
        }
    desks = table.get("desks", appointment_counters)
    if isinstance(desks, list):
        bands = _desk_bands(reader, desks, f"{key}.desks")
    else:
        count = reader.get(table, f"{key}.desks", int, appointment_counters)
        if count < 0:
            reader.fail(f"{key}.desks", "must not be negative")
        bands = (DeskBand(0, MINUTES_PER_DAY, count),) if count else ()
    return ServicePointAppointments(
        hours=hours,
        desk_bands=bands,
        closed_days=parse_closed_days(reader, table, f"{key}.closed_days"),
        minutes=_minutes(reader, table, f"{key}.minutes", category_ids),
    )


def _minute_of(moment) -> int:
    """Minutes after midnight; time.max (open until midnight) counts as 24:00."""
    if moment.hour == 23 and moment.minute == 59 and moment.second == 59:
        return MINUTES_PER_DAY
    return moment.hour * 60 + moment.minute


def _clock(reader: Any, text: str, key: str) -> int:
    """Read "HH:MM" (24:00 allowed) as minutes after midnight."""
    match = re.fullmatch(r"(\d{2}):(\d{2})", text)
    if not match or int(match[2]) > 59 or int(match[1]) * 60 + int(match[2]) > MINUTES_PER_DAY:
        reader.fail(key, "must be a time like '08:00'")
    return int(match[1]) * 60 + int(match[2])


def _time_range(reader: Any, text: Any, key: str) -> tuple[int, int]:
    """Read "08:00-16:00" as (opens, closes) in minutes."""
    if not isinstance(text, str) or text.count("-") != 1:
        reader.fail(key, "must look like '08:00-16:00'")
    opens, closes = (_clock(reader, part, key) for part in text.split("-"))
    if opens >= closes:
        reader.fail(key, "must open before it closes")
    return opens, closes


def _desk_bands(reader: Any, items: list, key: str) -> tuple[DeskBand, ...]:
    """Read `desks = [{ from = "08:00", to = "12:00", desks = 3 }, ...]` (no overlaps)."""
    bands = []
    for index, item in enumerate(items):
        where = f"{key}[{index}]"
        if not isinstance(item, dict):
            reader.fail(where, 'must be a table like { from = "08:00", to = "12:00", desks = 2 }')
        reader.only_keys(item, where, {"from", "to", "desks"})
        starts = _clock(reader, reader.get(item, f"{where}.from", str), f"{where}.from")
        ends = _clock(reader, reader.get(item, f"{where}.to", str), f"{where}.to")
        if starts >= ends:
            reader.fail(f"{where}.to", "must be after 'from'")
        desks = reader.get(item, f"{where}.desks", int)
        if desks < 0:
            reader.fail(f"{where}.desks", "must not be negative")
        bands.append(DeskBand(starts, ends, desks))
    bands.sort(key=lambda band: band.starts)
    for earlier, later in zip(bands, bands[1:], strict=False):
        if later.starts < earlier.ends:
            reader.fail(key, "time bands must not overlap")
    return tuple(bands)


def parse_closed_days(reader: Any, table: dict, key: str) -> frozenset[date]:
    """Read a list of closed days ("2026-12-24"); TOML dates are accepted too."""
    days = set()
    for index, value in enumerate(reader.get(table, key, list, [])):
        if isinstance(value, date):
            days.add(value)
            continue
        try:
            days.add(date.fromisoformat(value))
        except (TypeError, ValueError):
            reader.fail(f"{key}[{index}]", "must be a date like '2026-12-24'")
    return frozenset(days)


def _minutes(reader: Any, table: dict, key: str, category_ids: set[str]) -> dict[str, int]:
    """Read { category = minutes } for known categories."""
    values = reader.get(table, key, dict, {})
    reader.only_keys(values, key, category_ids)
    for category_id in values:
        if reader.get(values, f"{key}.{category_id}", int) < 1:
            reader.fail(f"{key}.{category_id}", "must be at least 1 minute")
    return dict(values)
