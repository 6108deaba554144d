"""Clerk and admin accounts: passwords are stored hashed, never in clear."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

import sqlite_utils
from werkzeug.security import check_password_hash, generate_password_hash

from shared.errors import DomainError, InvalidRequest
from shared.storage.timestamps import utc_text
from shared.storage.transactions import write_transaction

ROLES = ("clerk", "admin")
MINIMUM_PASSWORD_LENGTH = 8
# Compared against when the user does not exist, so a wrong name takes as long as a wrong password.
_DUMMY_HASH = generate_password_hash("not-a-real-password")


@dataclass(frozen=True)
class User:
    """An account that may use the counter screens."""

    username: str
    role: str


def add_user(
    db: sqlite_utils.Database, username: str, password: str, role: str, now: datetime
) -> User:
    """Create an account; refuse a taken name, an unknown role or a short password."""
    if not re.fullmatch(r"[a-zA-Z0-9._-]{2,40}", username):
        raise InvalidRequest("invalid_username")
    if role not in ROLES:
        raise InvalidRequest("invalid_role", role=role)
    if len(password) < MINIMUM_PASSWORD_LENGTH:
        raise InvalidRequest("password_too_short", minimum=MINIMUM_PASSWORD_LENGTH)
    with write_transaction(db):
        if db.execute("SELECT 1 FROM users WHERE username = ?", [username]).fetchone():
            raise DomainError("username_taken", username=username)
        db.execute(
            "INSERT INTO users (username, password_hash, role, created_at) VALUES (?, ?, ?, ?)",
            [username, generate_password_hash(password), role, utc_text(now)],
        )
    return User(username, role)


def authenticate(db: sqlite_utils.Database, username: str, password: str) -> User | None:
    """Return the user if the password is right, else None (same work either way)."""
    row = db.execute(
        "SELECT password_hash, role FROM users WHERE username = ?", [username]
    ).fetchone()
    if row is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    return User(username, row[1]) if check_password_hash(row[0], password) else None


def list_users(db: sqlite_utils.Database) -> list[User]:
    """All accounts, by name."""
    return [
        User(row[0], row[1])
        for row in db.execute("SELECT username, role FROM users ORDER BY username")
    ]
