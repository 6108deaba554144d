"""What the kiosk told each walk-in, and the wait it showed: the facts of the kiosk statistics.

Every verdict a kiosk shows is one row of `triage_outcomes` (migration 14): the matter, the
outcome, the party's size, the screen's language, the kiosk and the time. Never a name, a
contact detail, an expiry date or a reservation key: the statistics count who was sent where,
not who was there. A ticket keeps the estimate its kiosk showed (`tickets.estimated_wait_seconds`),
so the estimates can later be checked against the waits that followed.
"""

from __future__ import annotations

from datetime import datetime

import sqlite_utils

from shared.queue.triage import MATTERS
from shared.storage.timestamps import utc_text
from shared.storage.transactions import write_transaction

URGENT_TICKET_SHOWN = "urgent_ticket"
BOOKING_HELP_TICKET_SHOWN = "booking_help_ticket"
APPOINTMENT_OFFERED = "appointment_offered"
NOT_SERVED_TODAY = "not_served_today"
# Every verdict a kiosk can show, in this order (the statistics list them so).
TRIAGE_OUTCOMES = (
    URGENT_TICKET_SHOWN,
    BOOKING_HELP_TICKET_SHOWN,
    "book_online",
    "postbox",
    "asylum_invitation",
    APPOINTMENT_OFFERED,
    NOT_SERVED_TODAY,
)


def shown_outcome(outcome: str, *, has_offer: bool, is_accepting_tickets: bool) -> str:
    """The verdict the kiosk shows for a triage outcome (one of TRIAGE_OUTCOMES).

    A number's verdict becomes ``appointment_offered`` when a free appointment is offered
    first (the kiosk shows the offer, whatever the hour), and ``not_served_today`` when no
    numbers are given out now (closed, or past the last ticket time) and nothing is offered.

    :param outcome: the triage's outcome (`shared.queue.triage.OUTCOMES`)
    :param has_offer: whether the answer carries an appointment offer
    :param is_accepting_tickets: whether the service point gives out numbers now
    """
    if outcome not in (URGENT_TICKET_SHOWN, BOOKING_HELP_TICKET_SHOWN):
        return outcome
    if has_offer:
        return APPOINTMENT_OFFERED
    if not is_accepting_tickets:
        return NOT_SERVED_TODAY
    return outcome


def record_triage_outcome(
    db: sqlite_utils.Database,
    *,
    service_point: str,
    kiosk: str,
    at: datetime,
    matter: str,
    outcome: str,
    party_size: int,
    language: str,
) -> int:
    """Record one verdict a kiosk showed, in its own write transaction; returns the row's id.

    :param service_point: the kiosk's service point
    :param kiosk: the kiosk's scope (`KioskIdentity.scope`, as in `tickets.kiosk`)
    :param at: when the verdict was shown
    :param matter: one of `shared.queue.triage.MATTERS`
    :param outcome: one of TRIAGE_OUTCOMES
    :param party_size: persons who came together, 1-99
    :param language: the kiosk screen's language
    :raises ValueError: for a value outside these sets (callers pass validated answers)
    """
    if outcome not in TRIAGE_OUTCOMES or matter not in MATTERS or not 1 <= party_size <= 99:
        raise ValueError(f"not a triage outcome: {outcome!r}, {matter!r}, {party_size!r}")
    with write_transaction(db):
        cursor = db.execute(
            "INSERT INTO triage_outcomes"
            " (service_point, kiosk, at, matter, outcome, party_size, language)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            [service_point, kiosk, utc_text(at), matter, outcome, party_size, language],
        )
    return cursor.lastrowid


def record_shown_estimate(
    db: sqlite_utils.Database, ticket_id: int, estimated_wait_minutes: int | None
) -> None:
    """Keep the wait a ticket's kiosk showed when it was issued (NULL: it showed none).

    Written once, right after the issuing transaction: a replay of the same idempotency key
    (or a second check-in showing the number again) leaves the first estimate as it was.
    """
    if estimated_wait_minutes is None:
        return
    with write_transaction(db):
        db.execute(
            "UPDATE tickets SET estimated_wait_seconds = ? WHERE id = ?"
            " AND estimated_wait_seconds IS NULL",
            [estimated_wait_minutes * 60, ticket_id],
        )
