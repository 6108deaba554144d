"""A human pace for each kiosk: a family's burst of numbers, then a few per minute.

A token bucket per kiosk, kept in the database so that every server process counts the same
allowance: it holds at most `kiosk_ticket_burst` numbers and refills at
`kiosk_tickets_per_minute`. Taking one runs inside the transaction that issues the number, so
two taps at once cannot both take the last one, and a refused tap writes nothing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

import sqlite_utils

from shared.config import Config
from shared.errors import DomainError
from shared.storage.timestamps import parse_utc, utc_text


@dataclass(frozen=True)
class KioskPace:
    """How fast one kiosk may give out numbers."""

    burst: int
    per_minute: float

    @classmethod
    def of(cls, config: Config) -> KioskPace:
        """The pace the rules set (`kiosk_ticket_burst`, `kiosk_tickets_per_minute`)."""
        return cls(config.rules.kiosk_ticket_burst, config.rules.kiosk_tickets_per_minute)


def take_kiosk_allowance(
    db: sqlite_utils.Database, kiosk: str, pace: KioskPace, now: datetime
) -> None:
    """Take one number from the kiosk's allowance; call inside `write_transaction`.

    :param kiosk: the kiosk's scope (`Kiosk.scope`, or a kiosk network's address)
    :raises DomainError: ``kiosk_too_fast`` (429) with ``retry_after_seconds``
    """
    row = db.execute(
        "SELECT tokens, updated_at FROM kiosk_allowances WHERE kiosk = ?", [kiosk]
    ).fetchone()
    tokens = float(pace.burst)
    if row is not None:
        elapsed = max(0.0, (now - parse_utc(row[1])).total_seconds())
        tokens = min(float(pace.burst), row[0] + elapsed * pace.per_minute / 60)
    if tokens < 1:
        wait = math.ceil((1 - tokens) * 60 / pace.per_minute)
        raise DomainError("kiosk_too_fast", status=429, retry_after_seconds=wait)
    db.execute(
        "INSERT INTO kiosk_allowances (kiosk, tokens, updated_at) VALUES (?, ?, ?)"
        " ON CONFLICT (kiosk) DO UPDATE SET tokens = excluded.tokens,"
        " updated_at = excluded.updated_at",
        [kiosk, tokens - 1, utc_text(now)],
    )
