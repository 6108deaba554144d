"""Migration 5: the phone number for a waiting number's "your turn is near" text.

Shipped: never edit this module; a new change needs a new migration.
"""

from __future__ import annotations

import sqlite_utils

from shared.storage.statements import run_statements


def apply(db: sqlite_utils.Database) -> None:
    """The phone number a waiting person gave for the "your turn is near" text (until it ends)."""
    run_statements(db, "ALTER TABLE tickets ADD COLUMN notify_phone TEXT")
