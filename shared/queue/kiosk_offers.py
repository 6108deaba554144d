"""Each appointment a kiosk offers can be taken once: the offer is claimed before it is booked.

The claim and the kiosk's pace allowance are taken in one transaction; if the booking then
fails (the time was just taken), the claim is given back so the person can be offered another.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime

import sqlite_utils

from shared.errors import DomainError
from shared.queue.kiosk_pace import KioskPace, take_kiosk_allowance
from shared.storage.timestamps import utc_text
from shared.storage.transactions import write_transaction


def claim_offer(
    db: sqlite_utils.Database, offer: str, kiosk: str, pace: KioskPace, now: datetime
) -> None:
    """Claim the offer for booking, and take one from the kiosk's allowance.

    :param offer: the offer's own id (from its signed token)
    :raises DomainError: ``offer_taken`` (409) when it was claimed before; ``kiosk_too_fast``
    """
    with write_transaction(db):
        try:
            db.execute(
                "INSERT INTO kiosk_offers_taken (offer, kiosk, taken_at) VALUES (?, ?, ?)",
                [offer, kiosk, utc_text(now)],
            )
        except sqlite3.IntegrityError as error:
            raise DomainError("offer_taken", status=409) from error
        take_kiosk_allowance(db, kiosk, pace, now)


def release_offer(db: sqlite_utils.Database, offer: str) -> None:
    """Give a claim back after its booking failed."""
    with write_transaction(db):
        db.execute("DELETE FROM kiosk_offers_taken WHERE offer = ?", [offer])
