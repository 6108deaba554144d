"""Migration 12: print jobs kept until they have left their printer's lane.

Shipped: never edit this module; a new change needs a new migration.

Until now a print job lived in the print worker's memory only: a restart lost it and its ticket
stayed "queued". Each job is now a row from the moment it is queued until it is printed,
skipped, given up or past its time limit, when the row (and with it the slip's bytes, which for
a confirmation slip include the appointment's PIN) is deleted. After a restart the rows still
within their limit are printed and the others are shown as failed.
"""

from __future__ import annotations

import sqlite_utils

from shared.storage.statements import run_statements


def apply(db: sqlite_utils.Database) -> None:
    """The print_jobs table: a job's service point, ticket (none for a confirmation slip),
    bytes and the moment its time limit runs out."""
    run_statements(
        db,
        """
        CREATE TABLE print_jobs (
            id INTEGER PRIMARY KEY,
            service_point TEXT NOT NULL,
            ticket_id INTEGER REFERENCES tickets(id),
            payload BLOB NOT NULL,
            queued_at TEXT NOT NULL,
            expires_at TEXT NOT NULL
        );
        CREATE INDEX print_jobs_ticket ON print_jobs (ticket_id)
        """,
    )
