"""A service point's `opening_hours` table in config.toml: weekday -> "08:00-16:15"."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import time

from shared.config.reader import ConfigReader

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class OpeningHours:
    """Opening and closing time of one weekday, in the service point's local time."""

    opens: time
    closes: time


def parse_opening_hours(reader: ConfigReader, item: dict, where: str) -> dict[int, OpeningHours]:
    """Read a service point's opening hours, keyed by weekday (0 = Monday); "24:00" closes at
    midnight, so "00:00-24:00" is open all day.

    :param reader: the reader that names the key in every error
    :param item: the [[service_points]] entry
    :param where: the service point's key, for messages (``service_points[0]``)
    """
    hours_table = reader.get(item, f"{where}.opening_hours", dict, {})
    reader.only_keys(hours_table, f"{where}.opening_hours", set(WEEKDAYS))
    opening_hours = {}
    for day, text in hours_table.items():
        key = f"{where}.opening_hours.{day}"
        match = re.fullmatch(
            r"(\d{2}):(\d{2})-(\d{2}):(\d{2})", text if isinstance(text, str) else ""
        )
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
        opening_hours[WEEKDAYS.index(day)] = OpeningHours(time(h1, m1), closes)
    return opening_hours
