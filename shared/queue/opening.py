"""Opening hours: whether a service point is open and still gives out waiting numbers, and when
it opens next (from its one calendar: `shared.config.calendar`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from shared.config import Config
from shared.config.calendar import walk_in_hours_on
from shared.config.opening_hours import MINUTES_PER_DAY
from shared.config.service_points import ServicePoint

# How far ahead "next open" is looked for (a long holiday is shorter than this).
NEXT_OPENING_DAYS = 31
# How far a point may stay open without a break before it counts as never closing (an
# always-open point: its numbers never expire by closing).
LONGEST_OPEN_STRETCH_DAYS = 14


@dataclass(frozen=True)
class WalkInHours:
    """Today's hours as they matter to a walk-in customer, all aware datetimes."""

    is_open: bool
    is_accepting_tickets: bool
    opens_at: datetime | None
    closes_at: datetime | None
    last_ticket_at: datetime | None
    next_opens_at: datetime | None = None  # when closed now: the next opening, if within a month


def local_time(service_point: ServicePoint, day: date, minute: int) -> datetime:
    """The moment (in UTC) of the local wall time `minute` minutes after midnight of `day`
    (1440: the next midnight, exactly: a day open until "24:00" closes then, not at 23:59:59).

    In UTC, so that comparing and subtracting counts real time: Python compares two datetimes of
    one zone by their wall clocks, which is wrong in the hour a clock change repeats.
    """
    naive = datetime.combine(day, time(0)) + timedelta(minutes=minute)
    return naive.replace(tzinfo=service_point.zone).astimezone(UTC)


def walk_in_hours(config: Config, service_point: ServicePoint, now: datetime) -> WalkInHours:
    """Tell whether the service point is open at `now` and still issues numbers.

    Numbers stop `last_ticket_minutes_before_closing` before closing, so nobody takes a number
    that cannot be served. Holidays and per-date exceptions count (`walk_in_hours_on`).
    """
    local_now = now.astimezone(service_point.zone)
    today = local_now.date()
    hours = walk_in_hours_on(config, service_point, today)
    if hours is None:
        return WalkInHours(False, False, None, None, None, next_opening(config, service_point, now))
    opens_at = local_time(service_point, today, hours.opens_minute)
    closes_at = local_time(service_point, today, hours.closes_minute)
    is_open = opens_at <= local_now < closes_at
    if is_open:  # open through midnight into the next day: it closes only when it really does
        closes_at = first_closing_after(config, service_point, now)
    cutoff = timedelta(minutes=config.rules.last_ticket_minutes_before_closing)
    last_ticket_at = closes_at and closes_at - cutoff
    return WalkInHours(
        is_open=is_open,
        is_accepting_tickets=is_open and (last_ticket_at is None or local_now < last_ticket_at),
        opens_at=opens_at,
        closes_at=closes_at,
        last_ticket_at=last_ticket_at,
        next_opens_at=None if is_open else next_opening(config, service_point, now),
    )


def first_closing_after(config: Config, point: ServicePoint, moment: datetime) -> datetime | None:
    """The first moment after `moment` that the service point closes (None: open for the next
    LONGEST_OPEN_STRETCH_DAYS days without a break)."""
    day = moment.astimezone(point.zone).date() - timedelta(days=1)
    for _ in range(LONGEST_OPEN_STRETCH_DAYS + 2):
        day += timedelta(days=1)
        hours = walk_in_hours_on(config, point, day)
        if hours is None:
            closes = local_time(point, day, 0)  # closed all day: it was closed from midnight
        else:
            if hours.closes_minute == MINUTES_PER_DAY and _opens_at_midnight(config, point, day):
                continue  # open through midnight into the next day
            closes = local_time(point, day, hours.closes_minute)
        if closes > moment:
            return closes
    return None


def _opens_at_midnight(config: Config, point: ServicePoint, day: date) -> bool:
    """Whether the day after `day` opens at 00:00 (so closing at 24:00 is no break)."""
    following = walk_in_hours_on(config, point, day + timedelta(days=1))
    return following is not None and following.opens_minute == 0


def next_opening(config: Config, service_point: ServicePoint, now: datetime) -> datetime | None:
    """The next moment after `now` the service point opens, within NEXT_OPENING_DAYS."""
    today = now.astimezone(service_point.zone).date()
    for offset in range(NEXT_OPENING_DAYS + 1):
        day = today + timedelta(days=offset)
        hours = walk_in_hours_on(config, service_point, day)
        if hours is not None:
            opens_at = local_time(service_point, day, hours.opens_minute)
            if opens_at > now:
                return opens_at
    return None
