"""The relay lease: which `jono serve` process publishes the live events, and how far it got.

Processes sharing one database take turns by a lease row: the holder renews it, and another may
take it once it has run out (the holder died or stopped). The times are the machine's wall clock,
not the app's: the lease is about processes, not about the service day.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlite_utils

from shared.storage.timestamps import utc_text
from shared.storage.transactions import write_transaction


def take_or_renew_lease(db: sqlite_utils.Database, holder: str, seconds: float) -> bool:
    """Hold the lease for `seconds` more if it is ours or has run out; True if we hold it now."""
    now = datetime.now(UTC)
    with write_transaction(db):
        db.execute(
            "INSERT INTO relay_lease (id, holder, expires_at) VALUES (1, ?, ?)"
            " ON CONFLICT (id) DO UPDATE SET holder = excluded.holder,"
            " expires_at = excluded.expires_at"
            " WHERE relay_lease.holder = excluded.holder OR relay_lease.expires_at < ?",
            [holder, utc_text(now + timedelta(seconds=seconds)), utc_text(now)],
        )
        row = db.execute("SELECT holder FROM relay_lease WHERE id = 1").fetchone()
    return row is not None and row[0] == holder


def give_up_lease(db: sqlite_utils.Database, holder: str) -> None:
    """Let the lease run out now, if it is ours, so another process takes over at once."""
    with write_transaction(db):
        db.execute(
            "UPDATE relay_lease SET expires_at = ? WHERE id = 1 AND holder = ?",
            [utc_text(datetime.now(UTC) - timedelta(seconds=1)), holder],
        )


def sent_progress(db: sqlite_utils.Database) -> dict[str, int]:
    """The last event sent per service point, as the relays recorded it."""
    return dict(db.execute("SELECT service_point, last_sent FROM relay_progress").fetchall())


def record_progress(db: sqlite_utils.Database, service_point_id: str, last_sent: int) -> None:
    """Record that every event up to `last_sent` of the service point has been sent."""
    with write_transaction(db):
        db.execute(
            "INSERT INTO relay_progress (service_point, last_sent) VALUES (?, ?)"
            " ON CONFLICT (service_point) DO UPDATE SET last_sent = excluded.last_sent"
            " WHERE excluded.last_sent > relay_progress.last_sent",
            [service_point_id, last_sent],
        )
