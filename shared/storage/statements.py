"""Running a script of SQL statements inside a transaction that is already open."""

from __future__ import annotations

import sqlite_utils


def run_statements(db: sqlite_utils.Database, script: str) -> None:
    """Run `;`-separated statements one by one: executescript would COMMIT our transaction."""
    for statement in script.split(";"):
        if statement.strip():
            db.execute(statement)
