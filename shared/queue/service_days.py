"""Service days with clear edges: each ticket belongs to one, and a day's numbers end with it.

A ticket's `day` is its service day: the local date at the service point, shifted by the
point's `day_starts_at` (numbering restarts then). A waiting number lasts until the point first
closes after it was issued: then it is closed as `expired`, with a TicketExpired event. A point
open across midnight (a day until "24:00" and the next from "00:00") does not close there, so
its queue carries on into the next service day, numbers and all. A number still called or being
served when its service day is over is closed as `expired` too, so no counter starts a day held
by yesterday's number.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlite_utils

from shared.config import Config, ServicePoint
from shared.queue.opening import first_closing_after, local_time
from shared.queue.tickets import local_day
from shared.storage.event_log import Event, record_event
from shared.storage.timestamps import parse_utc, utc_text
from shared.storage.transactions import write_transaction

EXPIRED = "expired"


def expire_ended_numbers(
    db: sqlite_utils.Database, config: Config, point: ServicePoint, now: datetime
) -> tuple[Event, ...]:
    """Close as `expired` every waiting number of the point whose day has ended (the point closed
    after it was issued), and every number of an earlier service day still called or being served;
    one TicketExpired event each, for the caller to publish."""
    with write_transaction(db):
        waiting = db.execute(
            "SELECT id, queue, issued_at, status, counter FROM tickets"
            " WHERE service_point = ? AND status = 'waiting' ORDER BY id",
            [point.id],
        ).fetchall()
        ended = []
        closings: dict[str, datetime | None] = {}
        for ticket_id, queue, issued_at, status, counter in waiting:
            if issued_at not in closings:
                closings[issued_at] = first_closing_after(config, point, parse_utc(issued_at))
            closes = closings[issued_at]
            if closes is not None and closes <= now:
                ended.append((ticket_id, queue, status, counter))
        # Called before this service day began: a number carried across midnight and called
        # since is today's work, whatever day it was issued on.
        ended += db.execute(
            "SELECT id, queue, status, counter FROM tickets WHERE service_point = ?"
            " AND status IN ('called', 'serving') AND called_at < ? ORDER BY id",
            [point.id, utc_text(service_day_start(point, now))],
        ).fetchall()
        return tuple(_expire(db, point, now, *row) for row in ended)


def service_day_start(point: ServicePoint, now: datetime) -> datetime:
    """When the service day of `now` began (its `day_starts_at`), in UTC."""
    day = date.fromisoformat(local_day(point, now))
    return local_time(point, day, point.day_starts_minute)


def _expire(
    db: sqlite_utils.Database,
    point: ServicePoint,
    now: datetime,
    ticket_id: int,
    queue: str,
    status: str,
    counter: int | None,
) -> Event:
    """Close one number as expired and record it; call inside `write_transaction`."""
    db.execute(
        "UPDATE tickets SET status = ?, finished_at = ?, notify_phone = NULL WHERE id = ?",
        [EXPIRED, utc_text(now), ticket_id],
    )
    return record_event(
        db,
        type="TicketExpired",
        service_point=point.id,
        at=now,
        ticket_id=ticket_id,
        from_status=status,
        to_status=EXPIRED,
        queue=queue,
        counter=counter,
    )


def expire_ended_numbers_everywhere(
    db: sqlite_utils.Database, config: Config, now: datetime
) -> tuple[Event, ...]:
    """`expire_ended_numbers` at every service point."""
    events: list[Event] = []
    for point in config.service_points:
        events.extend(expire_ended_numbers(db, config, point, now))
    return tuple(events)


def expired_numbers(db: sqlite_utils.Database, service_point_id: str, day: str) -> list[dict]:
    """The numbers of one service day that expired, in their order (one look-up in the
    tickets' (service point, day, status) index): for the clerk who asks the next morning."""
    rows = db.execute(
        "SELECT id, number, queue, party_size, language, issued_at, finished_at FROM tickets"
        " WHERE service_point = ? AND day = ? AND status = ? ORDER BY queued_at, id",
        [service_point_id, day, EXPIRED],
    ).fetchall()
    keys = ("id", "number", "queue", "party_size", "language", "issued_at", "expired_at")
    return [dict(zip(keys, row, strict=True)) for row in rows]
