"""The periods the statistics cover: runs of a service point's local service days.

A period is a first and a last day, both included, in the service point's own calendar: the
same days as `tickets.day` (a service day starts at the point's `day_starts_at`, midnight by
default). Moments are stored in UTC, so a period is turned into its UTC bounds once, with the
point's time zone: a week with a clock change is 167 or 169 hours long, not 168.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from shared.config import Config, ServicePoint
from shared.errors import InvalidRequest, NotFound

MAX_PERIOD_DAYS = 366


@dataclass(frozen=True)
class Period:
    """Local service days from `first_day` to `last_day`, both included."""

    first_day: date
    last_day: date

    @classmethod
    def day(cls, day: date) -> Period:
        """One service day."""
        return cls(day, day)

    @classmethod
    def week(cls, day: date) -> Period:
        """The week (Monday to Sunday) that holds `day`."""
        monday = day - timedelta(days=day.weekday())
        return cls(monday, monday + timedelta(days=6))

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        """A calendar month.

        :raises InvalidRequest: ``invalid_period`` for a month outside 1-12
        """
        if not 1 <= month <= 12 or not 1 <= year <= 9998:
            raise InvalidRequest("invalid_period", year=year, month=month)
        last = calendar.monthrange(year, month)[1]
        return cls(date(year, month, 1), date(year, month, last))

    @classmethod
    def custom(cls, first: date, last: date) -> Period:
        """The days from `first` to `last`, both included.

        :raises InvalidRequest: ``invalid_period`` when `last` is before `first` or the period
            is longer than MAX_PERIOD_DAYS days
        """
        if last < first:
            raise InvalidRequest("invalid_period", first=first.isoformat(), last=last.isoformat())
        if (last - first).days + 1 > MAX_PERIOD_DAYS:
            raise InvalidRequest(
                "invalid_period",
                first=first.isoformat(),
                last=last.isoformat(),
                max_days=MAX_PERIOD_DAYS,
            )
        return cls(first, last)

    def days(self) -> list[date]:
        """Every day of the period, in order."""
        count = (self.last_day - self.first_day).days + 1
        return [self.first_day + timedelta(days=offset) for offset in range(count)]


def require_point(config: Config, service_point: str) -> ServicePoint:
    """The configured service point, or NotFound ``unknown_service_point``."""
    point = config.service_point(service_point)
    if point is None:
        raise NotFound("unknown_service_point", service_point=service_point)
    return point


def day_start(point: ServicePoint, day: date) -> datetime:
    """When the service day `day` of the point begins (its `day_starts_at`), in UTC.

    In UTC so that subtracting and comparing count real time across a clock change.
    """
    naive = datetime.combine(day, time(0)) + timedelta(minutes=point.day_starts_minute)
    return naive.replace(tzinfo=point.zone).astimezone(UTC)


def utc_bounds(config: Config, service_point: str, period: Period) -> tuple[datetime, datetime]:
    """The period as UTC moments: from the start of its first service day (included) to the
    start of the day after its last one (excluded).

    :param service_point: the id of the point whose time zone and day start apply
    """
    point = require_point(config, service_point)
    return day_start(point, period.first_day), day_start(point, period.last_day + timedelta(days=1))


def service_day(point: ServicePoint, moment: datetime) -> date:
    """The service day a moment falls in (as `tickets.day` is given)."""
    local = moment.astimezone(point.zone)
    return (local - timedelta(minutes=point.day_starts_minute)).date()
