"""Migration 16: the events of a ticket by type and time, for the manager's statistics.

Shipped: never edit this module; a new change needs a new migration.

A number's wait runs to its first call, the earliest `TicketCalled` event of the ticket; the
statistics look it up (and whether the number was transferred) for every number of a period.
By ticket alone the lookup read each of the ticket's events; by ticket, type and time it is one
step into the index, which holds the time itself. The index by ticket alone is its first column,
so it goes: every lookup by ticket uses the new one.
"""

from __future__ import annotations

import sqlite_utils

from shared.storage.statements import run_statements


def apply(db: sqlite_utils.Database) -> None:
    """Events by (ticket, type, time), in place of the index by ticket alone."""
    run_statements(
        db,
        """
        CREATE INDEX events_ticket_type ON events (ticket_id, type, at);
        DROP INDEX events_ticket
        """,
    )
