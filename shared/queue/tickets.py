"""Waiting numbers: the ticket itself, reading it, and issuing the next number.

The counter's actions that move a ticket along live in :mod:`shared.queue.ticket_actions`. Writing
functions take the database, plain values and `now`, write inside one BEGIN IMMEDIATE
transaction, and return the ticket and the events to broadcast after the commit.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlite_utils

from shared.config import Config, ServicePoint
from shared.errors import DomainError, InvalidRequest, NotFound
from shared.queue.kiosk_pace import KioskPace, take_kiosk_allowance
from shared.queue.opening import walk_in_hours
from shared.storage.event_log import Event, record_event
from shared.storage.timestamps import parse_utc, utc_text
from shared.storage.transactions import write_transaction

WAITING, CALLED, SERVING, FINISHED, NO_SHOW = "waiting", "called", "serving", "finished", "no_show"
ACTIVE_STATUSES = (CALLED, SERVING)


@dataclass(frozen=True)
class Ticket:
    """A waiting number. It holds no name: only what the queue and the clerk need."""

    id: int
    service_point: str
    number: str
    queue: str
    issued_queue: str
    status: str
    party_size: int
    language: str
    category: str | None
    triage_answers: dict = field(default_factory=dict)
    counter: int | None = None
    clerk: str | None = None
    issued_at: datetime | None = None
    queued_at: datetime | None = None
    called_at: datetime | None = None
    finished_at: datetime | None = None
    day: str = ""
    print_status: str | None = None
    print_detail: str | None = None
    status_token: str | None = None


@dataclass(frozen=True)
class Outcome:
    """What a domain action returns: the ticket as it is now, and the events to broadcast."""

    ticket: Ticket
    events: tuple[Event, ...]


def ticket_from_row(row: dict) -> Ticket:
    """Build a Ticket from a `tickets` row."""
    return Ticket(
        id=row["id"],
        service_point=row["service_point"],
        number=row["number"],
        queue=row["queue"],
        issued_queue=row["issued_queue"],
        status=row["status"],
        party_size=row["party_size"],
        language=row["language"],
        category=row["category"],
        triage_answers=json.loads(row["triage_answers"] or "{}"),
        counter=row["counter"],
        clerk=row["clerk"],
        issued_at=parse_utc(row["issued_at"]),
        queued_at=parse_utc(row["queued_at"]),
        called_at=parse_utc(row["called_at"]),
        finished_at=parse_utc(row["finished_at"]),
        day=row["day"],
        print_status=row.get("print_status"),
        print_detail=row.get("print_detail"),
        status_token=row.get("status_token"),
    )


def local_day(service_point: ServicePoint, now: datetime) -> str:
    """The service day at `now`, as YYYY-MM-DD: the point's local date, shifted by its
    `day_starts_at` (numbering restarts when a service day starts)."""
    local = now.astimezone(service_point.zone)
    return (local - timedelta(minutes=service_point.day_starts_minute)).date().isoformat()


def require_service_point(config: Config, service_point_id: str) -> ServicePoint:
    """Return the service point or raise NotFound."""
    service_point = config.service_point(service_point_id)
    if service_point is None:
        raise NotFound("unknown_service_point", service_point=service_point_id)
    return service_point


def get_ticket(db: sqlite_utils.Database, ticket_id: int) -> Ticket:
    """Return one ticket or raise NotFound."""
    rows = list(db.query("SELECT * FROM tickets WHERE id = ?", [ticket_id]))
    if not rows:
        raise NotFound("unknown_ticket", ticket=ticket_id)
    return ticket_from_row(rows[0])


def issue_ticket(
    db: sqlite_utils.Database,
    config: Config,
    *,
    service_point_id: str,
    queue_id: str,
    party_size: int,
    language: str,
    category: str | None,
    triage_answers: dict,
    idempotency_key: str | None,
    now: datetime,
    enforce_opening_hours: bool = True,
    kiosk: str | None = None,
    pace: KioskPace | None = None,
) -> Outcome:
    """Give out the next number of a queue; a repeated idempotency key of the same kiosk returns
    the same ticket.

    :param triage_answers: the answers that led to the number, for the clerk to verify
    :param idempotency_key: one per kiosk interaction, so a double tap makes one ticket; only
        looked up among the tickets of the same `kiosk`
    :param enforce_opening_hours: refuse outside opening hours and after the last-ticket cutoff
    :param kiosk: the kiosk that asks (`Kiosk.scope`); needed with an idempotency key
    :param pace: the kiosk's allowance to take the number from (a replay takes none)
    """
    if idempotency_key and not kiosk:
        raise ValueError("an idempotency key belongs to a kiosk")
    service_point = require_service_point(config, service_point_id)
    queue = config.queue(queue_id)
    if queue is None:
        raise NotFound("unknown_queue", queue=queue_id)
    if not 1 <= party_size <= config.rules.max_party_size:
        raise InvalidRequest(
            "party_too_large", party_size=party_size, limit=config.rules.max_party_size
        )
    with write_transaction(db):
        if idempotency_key:
            existing = list(
                db.query(
                    "SELECT * FROM tickets WHERE kiosk = ? AND idempotency_key = ?",
                    [kiosk, idempotency_key],
                )
            )
            if existing:
                return Outcome(ticket_from_row(existing[0]), ())
        # Checked after the idempotency key, so a retry just after the cutoff (the kiosk never saw
        # the first answer) returns the number that exists rather than saying none is given out.
        if enforce_opening_hours:
            hours = walk_in_hours(config, service_point, now)
            if not hours.is_accepting_tickets:
                raise DomainError("not_issuing", status=409, last_ticket_at=hours.last_ticket_at)
        if pace is not None and kiosk:
            take_kiosk_allowance(db, kiosk, pace, now)
        return insert_ticket(
            db,
            service_point,
            queue,
            party_size=party_size,
            language=language,
            category=category,
            triage_answers=triage_answers,
            idempotency_key=idempotency_key,
            now=now,
            kiosk=kiosk,
        )


def insert_ticket(
    db: sqlite_utils.Database,
    service_point: ServicePoint,
    queue,
    *,
    party_size: int,
    language: str,
    category: str | None,
    triage_answers: dict,
    idempotency_key: str | None,
    now: datetime,
    kiosk: str | None = None,
    appointment_id: int | None = None,
) -> Outcome:
    """Write the queue's next number and its TicketIssued event; call inside `write_transaction`.

    For callers that must write something else in the same transaction (an appointment check-in).

    :param kiosk: the kiosk that asked for it, if one did
    :param appointment_id: the appointment a check-in's number is for (one number each)
    """
    day = local_day(service_point, now)
    sequence = db.execute(
        "SELECT COALESCE(MAX(sequence), 0) + 1 FROM tickets"
        " WHERE service_point = ? AND day = ? AND issued_queue = ?",
        [service_point.id, day, queue.id],
    ).fetchone()[0]
    number = f"{queue.prefix}{sequence:03d}"
    try:
        cursor = db.execute(
            "INSERT INTO tickets (service_point, day, issued_queue, sequence, number, queue,"
            " status, category, party_size, language, triage_answers, idempotency_key,"
            " issued_at, queued_at, status_token, kiosk, appointment_id)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                service_point.id,
                day,
                queue.id,
                sequence,
                number,
                queue.id,
                WAITING,
                category,
                party_size,
                language,
                json.dumps(triage_answers, sort_keys=True),
                idempotency_key,
                utc_text(now),
                utc_text(now),
                # The phone status page's address: a number alone must not reveal a ticket.
                secrets.token_urlsafe(16),
                kiosk,
                appointment_id,
            ],
        )
    except sqlite3.IntegrityError as error:  # the UNIQUE backstop; BEGIN IMMEDIATE prevents it
        raise DomainError("number_conflict", status=503) from error
    ticket = get_ticket(db, cursor.lastrowid)
    event = record_event(
        db,
        type="TicketIssued",
        service_point=service_point.id,
        at=now,
        ticket_id=ticket.id,
        to_status=WAITING,
        queue=queue.id,
    )
    return Outcome(ticket, (event,))


def current_ticket(db, service_point_id: str, counter_number: int) -> Ticket | None:
    """The ticket a counter has called or is serving, if any."""
    rows = list(
        db.query(
            "SELECT * FROM tickets WHERE service_point = ? AND counter = ? AND status IN (?, ?)",
            [service_point_id, counter_number, *ACTIVE_STATUSES],
        )
    )
    return ticket_from_row(rows[0]) if rows else None
