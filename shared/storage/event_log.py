"""What changed: one small event per state change, logged in the same transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlite_utils

from shared.storage.timestamps import utc_text


@dataclass(frozen=True)
class Event:
    """A state change at a service point, numbered in order per service point.

    `type` is past tense (TicketIssued, TicketCalled, ...). Broadcast only after commit.
    """

    type: str
    service_point: str
    sequence: int
    at: datetime
    ticket_id: int | None = None
    from_status: str | None = None
    to_status: str | None = None
    queue: str | None = None
    counter: int | None = None
    clerk: str | None = None
    appointment_id: int | None = None


def record_event(
    db: sqlite_utils.Database,
    *,
    type: str,
    service_point: str,
    at: datetime,
    ticket_id: int | None = None,
    from_status: str | None = None,
    to_status: str | None = None,
    queue: str | None = None,
    counter: int | None = None,
    clerk: str | None = None,
    appointment_id: int | None = None,
) -> Event:
    """Append an event to the log; call inside `write_transaction`, which makes the number safe.

    The sequence number is the service point's last one plus one, so live clients can spot gaps.
    """
    row = db.execute(
        "SELECT COALESCE(MAX(sequence), 0) + 1 FROM events WHERE service_point = ?", [service_point]
    ).fetchone()
    event = Event(
        type=type,
        service_point=service_point,
        sequence=row[0],
        at=at,
        ticket_id=ticket_id,
        from_status=from_status,
        to_status=to_status,
        queue=queue,
        counter=counter,
        clerk=clerk,
        appointment_id=appointment_id,
    )
    db.execute(
        "INSERT INTO events (service_point, sequence, type, ticket_id, from_status, to_status,"
        " queue, counter, clerk, at, appointment_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            service_point,
            event.sequence,
            type,
            ticket_id,
            from_status,
            to_status,
            queue,
            counter,
            clerk,
            utc_text(at),
            appointment_id,
        ],
    )
    return event


def last_sequence(db: sqlite_utils.Database, service_point: str) -> int:
    """Return the newest event number of a service point (0 when nothing happened yet)."""
    row = db.execute(
        "SELECT COALESCE(MAX(sequence), 0) FROM events WHERE service_point = ?", [service_point]
    ).fetchone()
    return row[0]
