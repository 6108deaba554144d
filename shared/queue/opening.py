"""Opening hours: whether a service point is open and still gives out waiting numbers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from shared.config import Config
from shared.config.service_points import ServicePoint


@dataclass(frozen=True)
class WalkInHours:
    """Today's hours as they matter to a walk-in customer, all aware datetimes."""

    is_open: bool
    is_accepting_tickets: bool
    opens_at: datetime | None
    closes_at: datetime | None
    last_ticket_at: datetime | None


def walk_in_hours(config: Config, service_point: ServicePoint, now: datetime) -> WalkInHours:
    """Tell whether the service point is open at `now` and still issues numbers.

    Numbers stop `last_ticket_minutes_before_closing` before closing, so nobody takes a number
    that cannot be served.
    """
    local_now = now.astimezone(service_point.zone)
    hours = service_point.opening_hours.get(local_now.weekday())
    if hours is None:
        return WalkInHours(False, False, None, None, None)
    opens_at = datetime.combine(local_now.date(), hours.opens, tzinfo=service_point.zone)
    closes_at = datetime.combine(local_now.date(), hours.closes, tzinfo=service_point.zone)
    last_ticket_at = closes_at - timedelta(minutes=config.rules.last_ticket_minutes_before_closing)
    is_open = opens_at <= local_now < closes_at
    return WalkInHours(
        is_open=is_open,
        is_accepting_tickets=is_open and local_now < last_ticket_at,
        opens_at=opens_at,
        closes_at=closes_at,
        last_ticket_at=last_ticket_at,
    )
