"""The counter's actions on a waiting number: call, recall, no-show, start, finish, return and
transfer; each moves the ticket from one status to the next.

Every function takes the database, plain values and `now`, writes inside one BEGIN IMMEDIATE
transaction, and returns the ticket and the events to broadcast after the commit.
"""

from __future__ import annotations

from datetime import datetime

import sqlite_utils

from shared.appointments.booking import write_served_status
from shared.config import Config, ServicePoint
from shared.errors import DomainError, NotFound
from shared.queue.call_order import due_appointment_tickets
from shared.queue.tickets import (
    ACTIVE_STATUSES,
    CALLED,
    FINISHED,
    NO_SHOW,
    SERVING,
    WAITING,
    Outcome,
    current_ticket,
    get_ticket,
    require_service_point,
    ticket_from_row,
)
from shared.queue.turn_near import notify_turn_near
from shared.storage.event_log import record_event
from shared.storage.timestamps import utc_text
from shared.storage.transactions import write_transaction


def call_next_ticket(
    db: sqlite_utils.Database,
    config: Config,
    *,
    service_point_id: str,
    counter_number: int,
    clerk: str,
    now: datetime,
) -> Outcome:
    """Call the next waiting ticket for a counter, in the counter's queue order.

    Runs in one IMMEDIATE transaction, so two counters pressing at once never get the same ticket.
    """
    service_point = require_service_point(config, service_point_id)
    counter = _require_counter(service_point, counter_number)
    with write_transaction(db):
        _require_counter_free(db, service_point.id, counter_number)
        placeholders = ", ".join("?" for _ in counter.queues)
        # Every waiting number, whatever its service day: a day's numbers expire when the point
        # closes (shared.queue.service_days), so only a queue open across midnight carries any.
        candidates = [
            ticket_from_row(row)
            for row in db.query(
                f"SELECT * FROM tickets WHERE service_point = ? AND status = ?"
                f" AND queue IN ({placeholders}) ORDER BY queued_at, id",
                [service_point.id, WAITING, *counter.queues],
            )
        ]
        if not candidates:
            raise DomainError("queue_empty", status=404)
        if config.rules.call_order == "priority":
            rank = {queue_id: index for index, queue_id in enumerate(counter.queues)}
            candidates.sort(key=lambda ticket: rank[ticket.queue])  # stable: keeps time order
        due = due_appointment_tickets(db, config, service_point.id, counter.queues, now)
        if due:  # checked-in appointments whose time has come go first, earliest start first
            candidates.sort(key=lambda ticket: due.get(ticket.id, "~"))
        outcome = _move(db, candidates[0], "TicketCalled", CALLED, counter_number, clerk, now)
        notify_turn_near(db, config, service_point.id, now)
        return outcome


def call_ticket(db, config, *, ticket_id, service_point_id, counter_number, clerk, now) -> Outcome:
    """Call one waiting ticket by id to a counter (for example a customer who needs help first)."""
    return _act(db, config, "call", ticket_id, service_point_id, counter_number, clerk, now)


def recall_ticket(
    db, config, *, ticket_id, service_point_id, counter_number, clerk, now
) -> Outcome:
    """Call the counter's current ticket again (the display announces it once more)."""
    return _act(db, config, "recall", ticket_id, service_point_id, counter_number, clerk, now)


def mark_no_show(db, config, *, ticket_id, service_point_id, counter_number, clerk, now) -> Outcome:
    """Close a called ticket whose holder did not come to the counter."""
    return _act(db, config, "no_show", ticket_id, service_point_id, counter_number, clerk, now)


def start_serving(
    db, config, *, ticket_id, service_point_id, counter_number, clerk, now
) -> Outcome:
    """Mark that the customer of a called ticket is now at the counter."""
    return _act(db, config, "start", ticket_id, service_point_id, counter_number, clerk, now)


def finish_ticket(
    db, config, *, ticket_id, service_point_id, counter_number, clerk, now
) -> Outcome:
    """Close a ticket whose matter was handled; a checked-in appointment's number marks the
    appointment served (`AppointmentServed` after `TicketFinished`)."""
    return _act(db, config, "finish", ticket_id, service_point_id, counter_number, clerk, now)


def return_ticket_to_queue(
    db, config, *, ticket_id, service_point_id, counter_number, clerk, now
) -> Outcome:
    """Put a called or served ticket back in its queue at its original place."""
    return _act(db, config, "return", ticket_id, service_point_id, counter_number, clerk, now)


def transfer_ticket(
    db, config, *, ticket_id, service_point_id, counter_number, clerk, to_queue, now
) -> Outcome:
    """Move a ticket to another queue; it keeps its number and its place by time of issue."""
    if config.queue(to_queue) is None:
        raise NotFound("unknown_queue", queue=to_queue)
    return _act(
        db, config, "transfer", ticket_id, service_point_id, counter_number, clerk, now, to_queue
    )


# action: (statuses it may start from, status it leads to, event type, needs the same counter)
TRANSITIONS = {
    "call": ((WAITING,), CALLED, "TicketCalled", False),
    "recall": ((CALLED,), CALLED, "TicketRecalled", True),
    "no_show": ((CALLED,), NO_SHOW, "TicketMarkedNoShow", True),
    "start": ((CALLED,), SERVING, "ServiceStarted", True),
    "finish": ((CALLED, SERVING), FINISHED, "TicketFinished", True),
    "return": ((CALLED, SERVING), WAITING, "TicketReturnedToQueue", True),
    "transfer": ((WAITING, CALLED, SERVING), WAITING, "TicketTransferred", True),
}


def _act(
    db, config, action, ticket_id, service_point_id, counter_number, clerk, now, to_queue=None
):
    """Apply one transition from TRANSITIONS, refusing illegal ones with a clear code."""
    service_point = require_service_point(config, service_point_id)
    _require_counter(service_point, counter_number)
    allowed_from, to_status, event_type, needs_same_counter = TRANSITIONS[action]
    with write_transaction(db):
        ticket = get_ticket(db, ticket_id)
        if ticket.service_point != service_point.id:
            raise NotFound("unknown_ticket", ticket=ticket_id)
        if ticket.status not in allowed_from:
            # `ticket_status`, not `status`: DomainError's own `status` is the HTTP status.
            raise DomainError(
                "illegal_transition",
                action=action,
                number=ticket.number,
                ticket_status=ticket.status,
            )
        if (
            needs_same_counter
            and ticket.status in ACTIVE_STATUSES
            and ticket.counter != counter_number
        ):
            raise DomainError(
                "ticket_at_other_counter", number=ticket.number, counter=ticket.counter
            )
        if action == "call":
            _require_counter_free(db, service_point.id, counter_number)
        outcome = _move(db, ticket, event_type, to_status, counter_number, clerk, now, to_queue)
        if to_status == FINISHED:  # a check-in's number: its appointment has been served
            served = write_served_status(db, ticket.id, now)
            if served is not None:
                outcome = Outcome(outcome.ticket, (*outcome.events, served))
        notify_turn_near(db, config, service_point.id, now)
        return outcome


def return_active_ticket(db, service_point_id: str, counter_number: int, clerk: str, now):
    """Put the ticket a closing counter has called or is serving back in its place in the queue,
    so nobody is left called to an empty counter; the caller holds the write transaction.
    Returns the events (none when the counter had no customer)."""
    ticket = current_ticket(db, service_point_id, counter_number)
    if ticket is None:
        return ()
    return _move(db, ticket, "TicketReturnedToQueue", WAITING, counter_number, clerk, now).events


def _move(db, ticket, event_type, to_status, counter_number, clerk, now, to_queue=None) -> Outcome:
    """Write the new status and its event row; the caller holds the write transaction."""
    changes = {"status": to_status, "clerk": clerk}
    if to_status == CALLED:
        changes.update(counter=counter_number, called_at=utc_text(now))
    elif to_status == WAITING:
        changes.update(counter=None, called_at=None, queue=to_queue or ticket.queue)
    elif to_status in (FINISHED, NO_SHOW):
        changes.update(finished_at=utc_text(now))
    assignments = ", ".join(f"{column} = ?" for column in changes)
    db.execute(
        f"UPDATE tickets SET {assignments} WHERE id = ? AND status = ?",
        [*changes.values(), ticket.id, ticket.status],
    )
    event = record_event(
        db,
        type=event_type,
        service_point=ticket.service_point,
        at=now,
        ticket_id=ticket.id,
        from_status=ticket.status,
        to_status=to_status,
        queue=changes.get("queue", ticket.queue),
        counter=counter_number,
        clerk=clerk,
    )
    return Outcome(get_ticket(db, ticket.id), (event,))


def _require_counter(service_point: ServicePoint, counter_number: int):
    """Return the counter or raise NotFound."""
    counter = service_point.counter(counter_number)
    if counter is None:
        raise NotFound("unknown_counter", counter=counter_number)
    return counter


def _require_counter_free(db, service_point_id: str, counter_number: int) -> None:
    """Refuse to call a new ticket while the counter still has one called or being served."""
    row = db.execute(
        "SELECT number FROM tickets WHERE service_point = ? AND counter = ? AND status IN (?, ?)",
        [service_point_id, counter_number, *ACTIVE_STATUSES],
    ).fetchone()
    if row:
        raise DomainError("counter_busy", number=row[0], counter=counter_number)
