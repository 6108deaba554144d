"""Migration 15: the manager role.

Shipped: never edit this module; a new change needs a new migration.

The `users` table's CHECK allowed only the roles clerk and admin; a manager runs the service
points of their account (docs/managers.md). SQLite cannot change a CHECK in place, so the table
is rebuilt, as migration 11 rebuilt the tickets: every account is kept with its password hash,
points and state. No table refers to `users` by a foreign key (sessions, tickets and events keep
the user name as text), so nothing else changes.
"""

from __future__ import annotations

import sqlite_utils

from shared.storage.statements import run_statements

USER_COLUMNS = "username, password_hash, role, created_at, service_points, disabled_at"


def apply(db: sqlite_utils.Database) -> None:
    """Rebuild `users` with the roles clerk, manager and admin (see the module)."""
    run_statements(
        db,
        f"""
        CREATE TABLE users_rebuilt (
            username TEXT PRIMARY KEY,
            password_hash TEXT NOT NULL,
            role TEXT NOT NULL CHECK (role IN ('clerk', 'manager', 'admin')),
            created_at TEXT NOT NULL,
            service_points TEXT,
            disabled_at TEXT
        );
        INSERT INTO users_rebuilt ({USER_COLUMNS})
            SELECT {USER_COLUMNS} FROM users ORDER BY username;
        DROP TABLE users;
        ALTER TABLE users_rebuilt RENAME TO users
        """,
    )
