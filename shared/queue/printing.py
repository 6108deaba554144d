"""Printed tickets as domain facts: what the slip says, what became of the print, and the
print jobs kept until they have left their printer's lane (so that a restart resumes them).

No Flask here: functions take a database, plain values and ``now``, and return events to
broadcast after the commit, like :mod:`shared.queue.tickets`. The worker that delivers slips
lives in :mod:`printers.service`; :mod:`shared.web.ticket_printing` ties the two together.
"""

from __future__ import annotations

from datetime import datetime

import sqlite_utils

from printers.escpos_render import render_escpos
from printers.layout import TicketFacts, ticket_slip
from shared.config import Config
from shared.queue.tickets import WAITING, Ticket, get_ticket, require_service_point
from shared.storage.event_log import Event, record_event
from shared.storage.timestamps import utc_text
from shared.storage.transactions import write_transaction

QUEUED, PRINTED, FAILED, SKIPPED = "queued", "printed", "failed", "skipped"
# Only these changes are worth a line in the event log; "queued" and "skipped" are not news.
EVENT_TYPES = {PRINTED: "TicketPrinted", FAILED: "TicketPrintFailed"}


def status_url(config: Config, ticket: Ticket) -> str:
    """The phone status page of a ticket: an unguessable token, so numbers cannot be tried."""
    return f"{config.public_base_url}/t/{ticket.status_token}"


def ticket_facts(
    config: Config, ticket: Ticket, people_ahead: int, estimated_wait_minutes: int | None
) -> TicketFacts:
    """Put a ticket in the words of its slip, in the customer's language and local time.

    :param people_ahead: how many wait before this ticket in its queue
    :param estimated_wait_minutes: the estimate shown on the kiosk, or None
    """
    service_point = require_service_point(config, ticket.service_point)
    language = ticket.language
    queue = config.queue(ticket.queue)
    kind = config.queue(ticket.issued_queue).kind
    return TicketFacts(
        service_point_name=service_point.name.get(language),
        number=ticket.number,
        queue_name=queue.name.get(language),
        party_size=ticket.party_size,
        issued_at=ticket.issued_at.astimezone(service_point.zone),
        people_ahead=people_ahead,
        estimated_wait_minutes=estimated_wait_minutes,
        language=language,
        status_url=status_url(config, ticket),
        kind=kind,
    )


def render_ticket(
    config: Config, ticket: Ticket, people_ahead: int, estimated_wait_minutes: int | None
) -> bytes:
    """Return the ESC/POS bytes of a ticket's slip for its service point's printer model."""
    printer = require_service_point(config, ticket.service_point).printer
    facts = ticket_facts(config, ticket, people_ahead, estimated_wait_minutes)
    return render_escpos(ticket_slip(facts), profile=printer.profile)


def is_waiting(db: sqlite_utils.Database, ticket_id: int) -> bool:
    """Whether the ticket still waits: a slip for a ticket already called is not printed."""
    row = db.execute("SELECT status FROM tickets WHERE id = ?", [ticket_id]).fetchone()
    return row is not None and row[0] == WAITING


def record_print_status(
    db: sqlite_utils.Database, ticket_id: int, status: str, detail: str, now: datetime
) -> tuple[Ticket, tuple[Event, ...]]:
    """Store what became of a ticket's print; log TicketPrinted or TicketPrintFailed on a change.

    A failure retried many times is one event, not one per attempt: only a change of
    status is logged, the detail is updated every time.

    :param status: queued, printed, failed or skipped
    :param detail: the reason in words, for the clerk and the operator
    """
    if status not in (QUEUED, PRINTED, FAILED, SKIPPED):
        raise ValueError(f"unknown print status {status!r}")
    with write_transaction(db):
        ticket = get_ticket(db, ticket_id)
        db.execute(
            "UPDATE tickets SET print_status = ?, print_detail = ? WHERE id = ?",
            [status, detail, ticket_id],
        )
        events: tuple[Event, ...] = ()
        if status in EVENT_TYPES and ticket.print_status != status:
            event = record_event(
                db,
                type=EVENT_TYPES[status],
                service_point=ticket.service_point,
                at=now,
                ticket_id=ticket_id,
                queue=ticket.queue,
            )
            events = (event,)
        return get_ticket(db, ticket_id), events


def record_printer_status(
    db: sqlite_utils.Database, service_point_id: str, status: str, detail: str, now: datetime
) -> bool:
    """Store the latest health check of a service point's printer; return True if it changed."""
    with write_transaction(db):
        row = db.execute(
            "SELECT status, detail FROM printer_status WHERE service_point = ?", [service_point_id]
        ).fetchone()
        db.execute(
            "INSERT INTO printer_status (service_point, status, detail, checked_at)"
            " VALUES (?, ?, ?, ?) ON CONFLICT (service_point) DO UPDATE SET"
            " status = excluded.status, detail = excluded.detail, checked_at = excluded.checked_at",
            [service_point_id, status, detail, utc_text(now)],
        )
    return row is None or tuple(row) != (status, detail)


def printer_status(db: sqlite_utils.Database, service_point_id: str) -> dict | None:
    """The latest health check of a service point's printer, or None if never checked."""
    rows = list(
        db.query(
            "SELECT status, detail, checked_at FROM printer_status WHERE service_point = ?",
            [service_point_id],
        )
    )
    return rows[0] if rows else None


def failed_prints(db: sqlite_utils.Database, service_point_id: str, day: str) -> list[dict]:
    """Today's tickets whose slip did not come out, oldest first, for the counter's alert."""
    return list(
        db.query(
            "SELECT id, number, queue, status, print_detail FROM tickets"
            " WHERE service_point = ? AND day = ? AND print_status = ? ORDER BY id",
            [service_point_id, day, FAILED],
        )
    )


def keep_print_job(
    db: sqlite_utils.Database,
    service_point_id: str,
    ticket_id: int | None,
    payload: bytes,
    now: datetime,
    expires_at: datetime,
) -> int:
    """Keep a print job until it has left its lane, so that a restart can resume it.

    :param ticket_id: the ticket whose slip it is, or None for a confirmation slip
    :param expires_at: when its time limit runs out; past it the job is never printed
    :returns: the job's number
    """
    with write_transaction(db):
        cursor = db.execute(
            "INSERT INTO print_jobs (service_point, ticket_id, payload, queued_at, expires_at)"
            " VALUES (?, ?, ?, ?, ?)",
            [service_point_id, ticket_id, payload, utc_text(now), utc_text(expires_at)],
        )
        return cursor.lastrowid


def forget_print_job(db: sqlite_utils.Database, job_number: int) -> None:
    """Delete a job that has left its lane, and with it the slip's bytes (a PIN, maybe)."""
    with write_transaction(db):
        db.execute("DELETE FROM print_jobs WHERE id = ?", [job_number])


def kept_print_jobs(db: sqlite_utils.Database) -> list[dict]:
    """Every kept job, oldest first: those a restart finds unfinished."""
    return list(
        db.query(
            "SELECT id, service_point, ticket_id, payload, expires_at FROM print_jobs ORDER BY id"
        )
    )


def tickets_queued_without_a_job(db: sqlite_utils.Database, service_point_id: str) -> list[int]:
    """Waiting tickets still said to be "queued" although no job is kept for their slip.

    A restart of a version before kept jobs lost them; nothing will ever print these slips.
    """
    rows = db.execute(
        "SELECT id FROM tickets WHERE service_point = ? AND status = ? AND print_status = ?"
        " AND id NOT IN (SELECT ticket_id FROM print_jobs WHERE ticket_id IS NOT NULL)"
        " ORDER BY id",
        [service_point_id, WAITING, QUEUED],
    ).fetchall()
    return [row[0] for row in rows]
