"""The phone status page's view of one ticket, found by the unguessable token on its slip.

Public and without login, so it tells only what the lobby display shows anyway for that number:
the number, its queue and state, how many wait before it, the estimate and the counter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

import sqlite_utils

from shared.config import Config
from shared.errors import NotFound
from shared.queue.snapshot import build_snapshot, place_in_queue
from shared.queue.tickets import WAITING, local_day, ticket_from_row

STATUS_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,128}")


@dataclass(frozen=True)
class TicketStatus:
    """What the holder of a ticket's token may see about it."""

    service_point: str
    number: str
    queue: str
    status: str
    people_ahead: int
    estimated_wait_minutes: int
    counter: int | None
    language: str = "fi"  # the language chosen at the kiosk; the phone page starts in it


def ticket_status(
    db: sqlite_utils.Database, config: Config, token: str, now: datetime
) -> TicketStatus:
    """Look a ticket up by its status token; valid until the end of the ticket's day.

    :param token: the token from the slip's QR code
    :param now: the moment asked about (a token from yesterday is no longer valid)
    :raises NotFound: for an unknown, malformed or expired token
    """
    if not isinstance(token, str) or not STATUS_TOKEN.fullmatch(token):
        raise NotFound("unknown_ticket")
    rows = list(db.query("SELECT * FROM tickets WHERE status_token = ?", [token]))
    if not rows:
        raise NotFound("unknown_ticket")
    ticket = ticket_from_row(rows[0])
    service_point = config.service_point(ticket.service_point)
    # Valid for its service day, and while it still waits (a queue open across midnight).
    if service_point is None or (
        ticket.day != local_day(service_point, now) and ticket.status != WAITING
    ):
        raise NotFound("unknown_ticket")
    people_ahead, estimate = 0, 0
    if ticket.status == WAITING:
        snapshot = build_snapshot(db, config, service_point.id, now)
        people_ahead, estimate = place_in_queue(snapshot, ticket.id, ticket.queue)
    return TicketStatus(
        service_point=service_point.id,
        number=ticket.number,
        queue=ticket.queue,
        status=ticket.status,
        people_ahead=people_ahead,
        estimated_wait_minutes=estimate,
        counter=ticket.counter if ticket.status != WAITING else None,
        language=ticket.language,
    )
