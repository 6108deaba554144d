"""Migration 13: indexes that keep the hot paths' work to the day, whatever the history.

Shipped: never edit this module; a new change needs a new migration.

Every action at a counter forgets the phone numbers of tickets that ended ("your turn is near"),
inside the write lock: it looked through every ticket a point ever had with a phone, and then
through every message for each one it forgot. Only the few tickets whose number is still kept
are now in an index, and messages are found by their ticket. The snapshot finds the day's first
event by time, so its recent calls start there instead of walking back through every past call.
"""

from __future__ import annotations

import sqlite_utils

from shared.storage.statements import run_statements


def apply(db: sqlite_utils.Database) -> None:
    """The tickets that still keep a phone number, per service point (a partial index: a
    number is forgotten when its ticket ends, so it stays small), messages by ticket, and events
    by time per service point."""
    run_statements(
        db,
        """
        CREATE INDEX tickets_with_phone ON tickets (service_point, status)
            WHERE notify_phone IS NOT NULL;
        CREATE INDEX messages_ticket ON messages (ticket_id);
        CREATE INDEX events_point_time ON events (service_point, at)
        """,
    )
