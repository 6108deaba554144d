"""Migration 9: the lease of the one process that publishes live events, and how far it got.

Shipped: never edit this module; a new change needs a new migration.
"""

from __future__ import annotations

import sqlite_utils

from shared.storage.statements import run_statements


def apply(db: sqlite_utils.Database) -> None:
    """With several `jono serve` processes one holds the relay lease and publishes the event log
    in order; `relay_progress` is the last event it sent per service point, for the next one."""
    run_statements(
        db,
        """
        CREATE TABLE relay_lease (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            holder TEXT NOT NULL,
            expires_at TEXT NOT NULL
        );
        CREATE TABLE relay_progress (
            service_point TEXT PRIMARY KEY,
            last_sent INTEGER NOT NULL
        )
        """,
    )
