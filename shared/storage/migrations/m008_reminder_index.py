"""Migration 8: an index for the reminder scan.

Shipped: never edit this module; a new change needs a new migration.
"""

from __future__ import annotations

import sqlite_utils

from shared.storage.statements import run_statements


def apply(db: sqlite_utils.Database) -> None:
    """The reminder scan (every few seconds: booked appointments starting in the next days)."""
    run_statements(db, "CREATE INDEX appointments_starts ON appointments (status, starts_at)")
