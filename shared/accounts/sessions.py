"""Clerk sessions kept in the database, so they hold across processes and restarts.

A session id is 32 random bytes, given to the browser once (in its cookie) and stored only as
its SHA-256: a copy of the database logs nobody in. A session ends at logout, when its user's
password changes, when the user is disabled or removed, after `idle_minutes` unused, and
`lifetime_hours` after its login whatever happens.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlite_utils

from shared.config.accounts import AccountSettings
from shared.storage.timestamps import parse_utc, utc_text
from shared.storage.transactions import write_transaction

SESSION_ID_BYTES = 32
# A session's last use is written at most this often: a clerk's every click need not be a write.
TOUCH_INTERVAL = timedelta(minutes=1)


@dataclass(frozen=True)
class ClerkSession:
    """A live session: who it belongs to and when it was made and last used."""

    id_hash: str
    username: str
    created_at: datetime
    last_seen_at: datetime
    expires_at: datetime


def new_secret() -> str:
    """A fresh random secret of SESSION_ID_BYTES bytes, URL-safe: a session id, a login cookie."""
    return secrets.token_urlsafe(SESSION_ID_BYTES)


def hash_of(session_id: str) -> str:
    """How a session id is stored (and looked up)."""
    return hashlib.sha256(session_id.encode()).hexdigest()


def start_session(
    db: sqlite_utils.Database, username: str, settings: AccountSettings, now: datetime
) -> str:
    """Open a session for the user; return its id, the only time it exists in clear."""
    session_id = new_secret()
    with write_transaction(db):
        db.execute(
            "INSERT INTO clerk_sessions (id_hash, username, created_at, last_seen_at, expires_at)"
            " VALUES (?, ?, ?, ?, ?)",
            [
                hash_of(session_id),
                username,
                utc_text(now),
                utc_text(now),
                utc_text(now + settings.lifetime),
            ],
        )
    return session_id


def find_session(
    db: sqlite_utils.Database, session_id: str, settings: AccountSettings, now: datetime
) -> ClerkSession | None:
    """The live session with this id, or None: unknown, ended, idle too long, past its lifetime,
    or of a user who is disabled or gone."""
    row = db.execute(
        "SELECT s.id_hash, s.username, s.created_at, s.last_seen_at, s.expires_at"
        " FROM clerk_sessions s JOIN users u ON u.username = s.username"
        " WHERE s.id_hash = ? AND u.disabled_at IS NULL",
        [hash_of(session_id)],
    ).fetchone()
    if row is None:
        return None
    session = ClerkSession(row[0], row[1], *(parse_utc(value) for value in row[2:]))
    if now >= session.expires_at or now >= session.last_seen_at + settings.idle_timeout:
        return None
    return session


def touch_session(db: sqlite_utils.Database, session: ClerkSession, now: datetime) -> None:
    """Record that the session was used now (at most once per TOUCH_INTERVAL)."""
    if now - session.last_seen_at < TOUCH_INTERVAL:
        return
    with write_transaction(db):
        db.execute(
            "UPDATE clerk_sessions SET last_seen_at = ? WHERE id_hash = ?",
            [utc_text(now), session.id_hash],
        )


def end_session(db: sqlite_utils.Database, session_id: str) -> None:
    """End one session (logout): its cookie is worth nothing from now on."""
    with write_transaction(db):
        db.execute("DELETE FROM clerk_sessions WHERE id_hash = ?", [hash_of(session_id)])


def end_sessions_of(db: sqlite_utils.Database, username: str) -> None:
    """End every session of a user; the caller holds the write transaction."""
    db.execute("DELETE FROM clerk_sessions WHERE username = ?", [username])


def end_expired_sessions(
    db: sqlite_utils.Database, settings: AccountSettings, now: datetime
) -> int:
    """Delete the sessions that are idle too long or past their lifetime; return how many."""
    with write_transaction(db):
        return db.execute(
            "DELETE FROM clerk_sessions WHERE expires_at <= ? OR last_seen_at <= ?",
            [utc_text(now), utc_text(now - settings.idle_timeout)],
        ).rowcount


def users_with_live_session(
    db: sqlite_utils.Database,
    usernames: Collection[str],
    settings: AccountSettings,
    now: datetime,
) -> set[str]:
    """Those of `usernames` who are enabled and have at least one live session."""
    if not usernames:
        return set()
    rows = db.execute(
        "SELECT DISTINCT s.username FROM clerk_sessions s JOIN users u ON u.username = s.username"
        f" WHERE s.username IN ({', '.join('?' * len(usernames))}) AND u.disabled_at IS NULL"
        " AND s.expires_at > ? AND s.last_seen_at > ?",
        [*usernames, utc_text(now), utc_text(now - settings.idle_timeout)],
    ).fetchall()
    return {row[0] for row in rows}
