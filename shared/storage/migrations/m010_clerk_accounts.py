"""Migration 10: clerk accounts worth the name: server-side sessions, login throttling, the
service points a user may work at, and disabled accounts.

Shipped: never edit this module; a new change needs a new migration.
"""

from __future__ import annotations

import sqlite_utils

from shared.storage.statements import run_statements


def apply(db: sqlite_utils.Database) -> None:
    """Sessions are stored by the hash of their id, so a copy of the database logs nobody in.
    `users.service_points` is a JSON list of point ids; NULL means every point, which is what the
    accounts made before this migration keep until an admin narrows them."""
    run_statements(
        db,
        """
        ALTER TABLE users ADD COLUMN service_points TEXT;
        ALTER TABLE users ADD COLUMN disabled_at TEXT;
        CREATE TABLE clerk_sessions (
            id_hash TEXT PRIMARY KEY,
            username TEXT NOT NULL,
            created_at TEXT NOT NULL,
            last_seen_at TEXT NOT NULL,
            expires_at TEXT NOT NULL
        );
        CREATE INDEX clerk_sessions_user ON clerk_sessions (username);
        CREATE INDEX clerk_sessions_seen ON clerk_sessions (last_seen_at);
        CREATE TABLE login_throttle (
            key TEXT PRIMARY KEY,
            failures INTEGER NOT NULL,
            window_started_at TEXT NOT NULL,
            locked_until TEXT
        )
        """,
    )
