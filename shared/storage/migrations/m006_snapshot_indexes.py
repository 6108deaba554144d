"""Migration 6: indexes for the snapshot that is built on every change.

Shipped: never edit this module; a new change needs a new migration.
"""

from __future__ import annotations

import sqlite_utils

from shared.storage.statements import run_statements


def apply(db: sqlite_utils.Database) -> None:
    """Indexes for the snapshot built on every change: the day's tickets by status and by print
    status, and the event log by type (recent calls, finished customers) without a full scan."""
    run_statements(
        db,
        """
        CREATE INDEX tickets_day_status ON tickets (service_point, day, status, queued_at);
        CREATE INDEX tickets_day_print ON tickets (service_point, day, print_status);
        CREATE INDEX events_type ON events (service_point, type, sequence);
        """,
    )
