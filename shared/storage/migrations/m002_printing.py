"""Migration 2: print status per ticket, its phone page's token, printer health.

Shipped: never edit this module; a new change needs a new migration.
"""

from __future__ import annotations

import sqlite_utils

from shared.storage.statements import run_statements


def apply(db: sqlite_utils.Database) -> None:
    """Print status per ticket, the unguessable token of its phone status page, printer health."""
    run_statements(
        db,
        """
        ALTER TABLE tickets ADD COLUMN print_status TEXT
            CHECK (print_status IN ('queued', 'printed', 'failed', 'skipped'));
        ALTER TABLE tickets ADD COLUMN print_detail TEXT;
        ALTER TABLE tickets ADD COLUMN status_token TEXT;
        CREATE UNIQUE INDEX tickets_status_token ON tickets (status_token);
        CREATE TABLE printer_status (
            service_point TEXT PRIMARY KEY,
            status TEXT NOT NULL,
            detail TEXT NOT NULL DEFAULT '',
            checked_at TEXT NOT NULL
        );
        """,
    )
