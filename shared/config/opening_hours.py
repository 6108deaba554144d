"""A service point's `opening_hours` table in config.toml (weekday -> "08:00-16:15"), and its
`closed_days` and `opening_exceptions` (date -> "08:00-12:00" or "closed")."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, time

from shared.config.reader import ConfigReader

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MINUTES_PER_DAY = 24 * 60
CLOSED = "closed"


@dataclass(frozen=True)
class OpeningHours:
    """Opening and closing time of one day, in the service point's local time (closing at
    "24:00" is kept as `time.max`: `closes_minute` is then 1440, the end of the day exactly)."""

    opens: time
    closes: time

    @property
    def opens_minute(self) -> int:
        """Minutes after local midnight when it opens."""
        return self.opens.hour * 60 + self.opens.minute

    @property
    def closes_minute(self) -> int:
        """Minutes after local midnight when it closes; 1440 for "24:00"."""
        if self.closes == time.max:
            return MINUTES_PER_DAY
        return self.closes.hour * 60 + self.closes.minute


def parse_opening_hours(reader: ConfigReader, item: dict, where: str) -> dict[int, OpeningHours]:
    """Read a service point's opening hours, keyed by weekday (0 = Monday); "24:00" closes at
    midnight, so "00:00-24:00" is open all day.

    :param reader: the reader that names the key in every error
    :param item: the [[service_points]] entry
    :param where: the service point's key, for messages (``service_points[0]``)
    """
    hours_table = reader.get(item, f"{where}.opening_hours", dict, {})
    reader.only_keys(hours_table, f"{where}.opening_hours", set(WEEKDAYS))
    return {
        WEEKDAYS.index(day): _parse_range(reader, text, f"{where}.opening_hours.{day}")
        for day, text in hours_table.items()
    }


def _parse_range(reader: ConfigReader, text, key: str) -> OpeningHours:
    """Read "08:00-16:15" ("24:00" closes at the end of the day)."""
    match = re.fullmatch(r"(\d{2}):(\d{2})-(\d{2}):(\d{2})", text if isinstance(text, str) else "")
    if not match:
        reader.fail(key, "must look like '08:00-16:15'")
    h1, m1, h2, m2 = (int(part) for part in match.groups())
    closes_at_midnight = (h2, m2) == (24, 0)  # "00:00-24:00": open all day
    if (
        h1 > 23
        or (h2 > 23 and not closes_at_midnight)
        or m1 > 59
        or m2 > 59
        or (h1, m1) >= (h2, m2)
    ):
        reader.fail(key, "must be a valid time range that opens before it closes")
    closes = time.max if closes_at_midnight else time(h2, m2)
    return OpeningHours(time(h1, m1), closes)


def parse_opening_exceptions(
    reader: ConfigReader, item: dict, where: str
) -> dict[date, OpeningHours | None]:
    """Read `opening_exceptions = { "2026-12-23" = "08:00-12:00", "2027-04-30" = "closed" }`:
    the hours of one date instead of its weekday's (None: closed that day)."""
    key = f"{where}.opening_exceptions"
    exceptions: dict[date, OpeningHours | None] = {}
    for text, hours in reader.get(item, key, dict, {}).items():
        try:
            day = date.fromisoformat(str(text))
        except ValueError:
            reader.fail(f"{key}.{text}", "must be a date like '2026-12-23'")
        exceptions[day] = None if hours == CLOSED else _parse_range(reader, hours, f"{key}.{text}")
    return exceptions
