"""Helpers for the appointment tests: a config with a small, exactly known number of places."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from zoneinfo import ZoneInfo

from shared.config.appointments import DeskBand

HELSINKI = ZoneInfo("Europe/Helsinki")
# Monday 30 November 2026, before the service points open: all of the day's times are ahead.
MONDAY_EARLY = datetime(2026, 11, 30, 7, 0, tzinfo=HELSINKI)


def one_day_config(config, desks: int = 4, closes: str = "14:15", **rules):
    """Only today is bookable at Helsinki, 08:00 until `closes` on every weekday, `desks` desks.

    With the default values and 15-minute travel-document appointments that is 25 start times
    times 4 desks: exactly 100 places on Monday 30 November 2026.
    """
    hours, minutes = (int(part) for part in closes.split(":"))
    helsinki = config.service_point("helsinki")
    settings = dataclasses.replace(
        helsinki.appointments,
        hours={weekday: (8 * 60, hours * 60 + minutes) for weekday in range(7)},
        desk_bands=(DeskBand(0, 24 * 60, desks),),
        closed_days=frozenset(),
    )
    points = tuple(
        dataclasses.replace(point, appointments=settings) if point.id == "helsinki" else point
        for point in config.service_points
    )
    appointment_rules = dataclasses.replace(config.appointments, horizon_days=0, **rules)
    return dataclasses.replace(config, service_points=points, appointments=appointment_rules)


def local(hour: int, minute: int = 0, day: int = 30) -> datetime:
    """A moment in Helsinki in November 2026 (day 30 is the Monday of the tests)."""
    return datetime(2026, 11, day, hour, minute, tzinfo=HELSINKI)


def count_booking_rows(db) -> dict[str, int]:
    """Rows of every booking table and the event log: a refused request must not change them."""
    return {
        table: db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
        for table in ("appointments", "appointment_holds", "slot_seats", "pin_failures", "events")
    }
