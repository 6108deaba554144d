"""Which clerk sits at which counter: open counters make the wait estimates."""

from __future__ import annotations

from datetime import datetime

import sqlite_utils

from shared.config import Config
from shared.errors import DomainError, NotFound
from shared.queue.ticket_actions import return_active_ticket
from shared.queue.tickets import current_ticket, require_service_point
from shared.storage.event_log import Event, record_event
from shared.storage.timestamps import utc_text
from shared.storage.transactions import write_transaction


def open_counter(
    db: sqlite_utils.Database,
    config: Config,
    service_point_id: str,
    counter_number: int,
    clerk: str,
    now: datetime,
) -> tuple[Event, ...]:
    """Seat a clerk at a counter; refuse a counter another clerk holds. Returns the events."""
    service_point = require_service_point(config, service_point_id)
    if service_point.counter(counter_number) is None:
        raise NotFound("unknown_counter", counter=counter_number)
    with write_transaction(db):
        row = db.execute(
            "SELECT clerk FROM counter_sessions WHERE service_point = ? AND counter = ?",
            [service_point.id, counter_number],
        ).fetchone()
        if row and row[0] != clerk:
            raise DomainError("counter_taken", counter=counter_number, clerk=row[0])
        if row:
            return ()
        # The clerk's previous counter closes; its service point's displays must hear that too.
        events = list(_close_counters(db, clerk, now))
        db.execute(
            "INSERT INTO counter_sessions (service_point, counter, clerk, opened_at)"
            " VALUES (?, ?, ?, ?)",
            [service_point.id, counter_number, clerk, utc_text(now)],
        )
        events.append(
            record_event(
                db,
                type="CounterOpened",
                service_point=service_point.id,
                at=now,
                counter=counter_number,
                clerk=clerk,
            )
        )
    return tuple(events)


def close_counters_of(db: sqlite_utils.Database, clerk: str, now: datetime) -> tuple[Event, ...]:
    """Free every counter the clerk holds (on logout, or when their session ended); a customer
    called there goes back to their place in the queue. Returns the events."""
    with write_transaction(db):
        return _close_counters(db, clerk, now)


def free_counter(
    db: sqlite_utils.Database,
    config: Config,
    service_point_id: str,
    counter_number: int,
    now: datetime,
) -> tuple[Event, ...]:
    """Free a counter whoever holds it (an admin's doing): as at the clerk's logout, the number
    called there goes back to its place in the queue. Returns the events."""
    service_point = require_service_point(config, service_point_id)
    if service_point.counter(counter_number) is None:
        raise NotFound("unknown_counter", counter=counter_number)
    with write_transaction(db):
        rows = db.execute(
            "SELECT service_point, counter, clerk FROM counter_sessions"
            " WHERE service_point = ? AND counter = ?",
            [service_point.id, counter_number],
        ).fetchall()
        if not rows:
            raise DomainError("counter_not_in_use", counter=counter_number)
        return _close_rows(db, rows, now)


def counter_clerks(db: sqlite_utils.Database, service_point_id: str) -> dict[int, str]:
    """Who holds each counter of a service point now: {counter number: clerk's user name}."""
    return dict(
        db.execute(
            "SELECT counter, clerk FROM counter_sessions WHERE service_point = ?",
            [service_point_id],
        ).fetchall()
    )


def seated_clerks(db: sqlite_utils.Database) -> set[str]:
    """The user names of the clerks who hold a counter now."""
    return {row[0] for row in db.execute("SELECT DISTINCT clerk FROM counter_sessions")}


def _close_counters(db: sqlite_utils.Database, clerk: str, now: datetime) -> tuple[Event, ...]:
    """Close the clerk's counters; the caller holds the write transaction."""
    rows = db.execute(
        "SELECT service_point, counter, clerk FROM counter_sessions WHERE clerk = ?", [clerk]
    ).fetchall()
    return _close_rows(db, rows, now)


def _close_rows(db: sqlite_utils.Database, rows, now: datetime) -> tuple[Event, ...]:
    """Delete these (service point, counter, clerk) counter sessions with a CounterClosed event
    each, after returning the customer called there to the queue; the caller holds the write
    transaction."""
    events = []
    for service_point_id, counter_number, clerk in rows:
        events += return_active_ticket(db, service_point_id, counter_number, clerk, now)
        db.execute(
            "DELETE FROM counter_sessions WHERE service_point = ? AND counter = ?",
            [service_point_id, counter_number],
        )
        events.append(
            record_event(
                db,
                type="CounterClosed",
                service_point=service_point_id,
                at=now,
                counter=counter_number,
                clerk=clerk,
            )
        )
    return tuple(events)


def counter_of(db: sqlite_utils.Database, clerk: str) -> tuple[str, int] | None:
    """The (service point, counter) a clerk holds, if any."""
    row = db.execute(
        "SELECT service_point, counter FROM counter_sessions WHERE clerk = ?", [clerk]
    ).fetchone()
    return (row[0], row[1]) if row else None


def counter_state(db: sqlite_utils.Database, service_point_id: str, counter_number: int):
    """The ticket this counter is handling now (called or serving), or None."""
    return current_ticket(db, service_point_id, counter_number)
