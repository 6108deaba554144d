"""Secrets this site makes for itself and keeps in its database, shared by all its processes.

Each is made once, at random, the first time it is asked for; every `jono serve` process and
`jono worker` then reads the same one. (An operator's JONO_SECRET_KEY stays in the environment:
these are for what Jono signs on its own, such as the appointment it offers at a kiosk.)
"""

from __future__ import annotations

import secrets

import sqlite_utils

from shared.storage.transactions import write_transaction


def site_secret(db: sqlite_utils.Database, name: str) -> str:
    """The secret called `name`, made on first use (two processes asking at once get one)."""
    row = db.execute("SELECT value FROM site_secrets WHERE name = ?", [name]).fetchone()
    if row:
        return row[0]
    with write_transaction(db):
        db.execute(
            "INSERT OR IGNORE INTO site_secrets (name, value) VALUES (?, ?)",
            [name, secrets.token_urlsafe(32)],
        )
        return db.execute("SELECT value FROM site_secrets WHERE name = ?", [name]).fetchone()[0]
