"""Migration 14: what the kiosk told each walk-in, and the wait estimate each slip showed.

Shipped: never edit this module; a new change needs a new migration.

The statistics count who was sent away, not only who got a number: every verdict the kiosk
shows is one row of `triage_outcomes`, with no personal data (the matter, the outcome, the
party's size, the screen's language and the kiosk). A ticket keeps the wait the kiosk showed
when it was issued, so the estimates can be checked against the waits that followed.
"""

from __future__ import annotations

import sqlite_utils

from shared.storage.statements import run_statements


def apply(db: sqlite_utils.Database) -> None:
    """The outcomes table with its index by time per service point, and the estimate column."""
    run_statements(
        db,
        """
        CREATE TABLE triage_outcomes (
            id INTEGER PRIMARY KEY,
            service_point TEXT NOT NULL,
            kiosk TEXT NOT NULL,  -- the kiosk's scope, as in tickets.kiosk
            at TEXT NOT NULL,
            matter TEXT NOT NULL,
            outcome TEXT NOT NULL,
            party_size INTEGER NOT NULL CHECK (party_size BETWEEN 1 AND 99),
            language TEXT NOT NULL
        );
        CREATE INDEX triage_outcomes_point_time ON triage_outcomes (service_point, at);
        ALTER TABLE tickets ADD COLUMN estimated_wait_seconds INTEGER
        """,
    )
