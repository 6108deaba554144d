"""Clerk, manager and admin accounts: passwords are stored hashed, never in clear.

The roles (docs/managers.md): a clerk works at the counters of their points; a manager also
runs their points (the manager pages: people, devices, statistics); an admin may do everything
everywhere. Each account has the service points it may work at: a list of point ids, or every
point (None), which is what admins get unless told otherwise and what the accounts made before
migration 10 kept. Changing a password, disabling or removing an account ends its sessions in
the same transaction (`shared.accounts.sessions`).
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from datetime import datetime

import sqlite_utils
from werkzeug.security import check_password_hash, generate_password_hash

from shared.accounts.sessions import end_sessions_of
from shared.errors import DomainError, InvalidRequest, NotFound
from shared.storage.timestamps import utc_text
from shared.storage.transactions import write_transaction

ROLES = ("clerk", "manager", "admin")
# The roles that may use the manager pages (of their own service points).
MANAGING_ROLES = ("manager", "admin")
MINIMUM_PASSWORD_LENGTH = 8
# Compared against when the user does not exist, so a wrong name takes as long as a wrong password.
_DUMMY_HASH = generate_password_hash("not-a-real-password")
_COLUMNS = "username, role, service_points, disabled_at"


@dataclass(frozen=True)
class User:
    """An account that may use the counter screens.

    :param service_points: the ids of the points the user may work at; None: every point
    """

    username: str
    role: str
    service_points: tuple[str, ...] | None = None
    is_disabled: bool = False

    @property
    def is_admin(self) -> bool:
        """Whether the user may do what only admins may (free another clerk's counter)."""
        return self.role == "admin"

    @property
    def is_manager(self) -> bool:
        """Whether the user may use the manager pages (managers and admins, at their points)."""
        return self.role in MANAGING_ROLES

    def may_manage(self, service_point_id: str) -> bool:
        """Whether the user runs this service point: a manager or admin who may work there."""
        return self.is_manager and self.may_work_at(service_point_id)

    def may_work_at(self, service_point_id: str) -> bool:
        """Whether the user may open a counter or act at this service point."""
        return self.service_points is None or service_point_id in self.service_points


@dataclass(frozen=True)
class Credentials:
    """An account with its stored password hash, read before the (slow) password check."""

    user: User
    password_hash: str


def _user_from_row(row) -> User:
    points = None if row[2] is None else tuple(json.loads(row[2]))
    return User(row[0], row[1], points, row[3] is not None)


def checked_service_points(
    service_points: Iterable[str] | None, known: Collection[str]
) -> tuple[str, ...] | None:
    """The service point ids in order without repeats, or None for every point; refuse ids
    that are not in `known` (the configured points) and an empty list.

    :param service_points: the ids asked for, or None for every point
    :param known: the ids of the configured service points
    """
    if service_points is None:
        return None
    points = tuple(dict.fromkeys(point.strip() for point in service_points if point.strip()))
    if not points:
        raise InvalidRequest("service_points_required")
    unknown = [point for point in points if point not in known]
    if unknown:
        raise InvalidRequest(
            "unknown_service_points", service_points=", ".join(unknown), known=", ".join(known)
        )
    return points


def _points_column(points: tuple[str, ...] | None) -> str | None:
    return None if points is None else json.dumps(list(points))


# A one-time password: 12 characters without look-alikes (0/O, 1/l/I), about 70 bits.
ONE_TIME_PASSWORD_ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
ONE_TIME_PASSWORD_LENGTH = 12


def new_one_time_password() -> str:
    """A random password for a new account or a reset, shown once and handed over in person."""
    return "".join(
        secrets.choice(ONE_TIME_PASSWORD_ALPHABET) for _ in range(ONE_TIME_PASSWORD_LENGTH)
    )


def _check_password(password: str) -> None:
    if len(password) < MINIMUM_PASSWORD_LENGTH:
        raise InvalidRequest("password_too_short", minimum=MINIMUM_PASSWORD_LENGTH)


def add_user(
    db: sqlite_utils.Database,
    username: str,
    password: str,
    role: str,
    now: datetime,
    service_points: Iterable[str] | None = None,
    known_service_points: Collection[str] | None = None,
) -> User:
    """Create an account; refuse a taken name, an unknown role or a short password.

    :param service_points: the points the user may work at; None: every point
    :param known_service_points: the configured point ids the list is checked against
        (None: not checked, for callers that pass ids they took from the config)
    """
    if not re.fullmatch(r"[a-zA-Z0-9._-]{2,40}", username):
        raise InvalidRequest("invalid_username")
    if role not in ROLES:
        raise InvalidRequest("invalid_role", role=role)
    _check_password(password)
    if service_points is not None:
        points = tuple(service_points)
        service_points = checked_service_points(
            points, points if known_service_points is None else known_service_points
        )
    with write_transaction(db):
        if db.execute("SELECT 1 FROM users WHERE username = ?", [username]).fetchone():
            raise DomainError("username_taken", username=username)
        db.execute(
            "INSERT INTO users (username, password_hash, role, created_at, service_points)"
            " VALUES (?, ?, ?, ?, ?)",
            [
                username,
                generate_password_hash(password),
                role,
                utc_text(now),
                _points_column(service_points),
            ],
        )
    return User(username, role, service_points)


def get_user(db: sqlite_utils.Database, username: str) -> User | None:
    """The account with this name, or None."""
    row = db.execute(f"SELECT {_COLUMNS} FROM users WHERE username = ?", [username]).fetchone()
    return _user_from_row(row) if row else None


def require_user(db: sqlite_utils.Database, username: str) -> User:
    """The account with this name, or NotFound (``unknown_user``)."""
    user = get_user(db, username)
    if user is None:
        raise NotFound("unknown_user", username=username)
    return user


def load_credentials(db: sqlite_utils.Database, username: str) -> Credentials | None:
    """The account and its password hash, or None: a quick read, before the slow check."""
    row = db.execute(
        f"SELECT {_COLUMNS}, password_hash FROM users WHERE username = ?", [username]
    ).fetchone()
    return Credentials(_user_from_row(row), row[4]) if row else None


def password_matches(credentials: Credentials | None, password: str) -> bool:
    """Whether the password is the account's; the same work when there is no such account.

    This is the slow part of a login (a deliberately costly hash): the web layer runs it off
    the event loop, within a small limit of its own.
    """
    if credentials is None:
        check_password_hash(_DUMMY_HASH, password)
        return False
    return check_password_hash(credentials.password_hash, password)


def authenticate(db: sqlite_utils.Database, username: str, password: str) -> User | None:
    """Return the user if the password is right, else None (same work either way).

    A disabled account is returned too, marked `is_disabled`: the caller decides what to say.
    """
    credentials = load_credentials(db, username)
    return credentials.user if password_matches(credentials, password) else None


# A check of the account as it is, run inside the change's own transaction before the change
# (the manager pages pass one: may this manager change this account?); it raises to refuse.
AccountGuard = Callable[[User], None]


def set_password(
    db: sqlite_utils.Database,
    username: str,
    password: str,
    now: datetime,
    guard: AccountGuard | None = None,
) -> None:
    """Give the account a new password and end every session it has.

    :param guard: checks the account inside the transaction, before the change (raises to refuse)
    """
    _check_password(password)
    password_hash = generate_password_hash(password)
    with write_transaction(db):
        _require_row(db, username, guard)
        db.execute(
            "UPDATE users SET password_hash = ? WHERE username = ?", [password_hash, username]
        )
        end_sessions_of(db, username)


def set_disabled(
    db: sqlite_utils.Database,
    username: str,
    disabled: bool,
    now: datetime,
    guard: AccountGuard | None = None,
) -> User:
    """Disable an account (its sessions end; it cannot log in) or enable it again; return it.

    Disabling a disabled account keeps the time it was first disabled.

    :param guard: checks the account inside the transaction, before the change (raises to refuse)
    """
    with write_transaction(db):
        _require_row(db, username, guard)
        if disabled:
            db.execute(
                "UPDATE users SET disabled_at = coalesce(disabled_at, ?) WHERE username = ?",
                [utc_text(now), username],
            )
            end_sessions_of(db, username)
        else:
            db.execute("UPDATE users SET disabled_at = NULL WHERE username = ?", [username])
        return get_user(db, username)


def set_service_points(
    db: sqlite_utils.Database,
    username: str,
    service_points: Iterable[str] | None,
    known_service_points: Collection[str],
    guard: AccountGuard | None = None,
) -> User:
    """Change the points the user may work at (None: every point); return the account.

    A counter the user holds at a point no longer theirs is refused at their next action.

    :param guard: checks the account inside the transaction, before the change (raises to refuse)
    """
    points = checked_service_points(service_points, known_service_points)
    with write_transaction(db):
        _require_row(db, username, guard)
        db.execute(
            "UPDATE users SET service_points = ? WHERE username = ?",
            [_points_column(points), username],
        )
        return get_user(db, username)


def remove_user(db: sqlite_utils.Database, username: str) -> None:
    """Delete the account and its sessions. Tickets and events keep its name as history."""
    with write_transaction(db):
        _require_row(db, username)
        end_sessions_of(db, username)
        db.execute("DELETE FROM users WHERE username = ?", [username])


def _require_row(
    db: sqlite_utils.Database, username: str, guard: AccountGuard | None = None
) -> None:
    """Refuse an unknown user name, then let the guard check the account as it is now; the
    caller holds the write transaction."""
    user = get_user(db, username)
    if user is None:
        raise NotFound("unknown_user", username=username)
    if guard is not None:
        guard(user)


def list_users(db: sqlite_utils.Database) -> list[User]:
    """All accounts, by name."""
    return [
        _user_from_row(row) for row in db.execute(f"SELECT {_COLUMNS} FROM users ORDER BY username")
    ]


def accounts_with_password(
    db: sqlite_utils.Database, accounts: Iterable[tuple[str, str]]
) -> list[str]:
    """The names, of the (name, password) pairs given, whose enabled account still has that
    password: used to refuse serving a public address while a published demo password works."""
    names = []
    for username, password in accounts:
        credentials = load_credentials(db, username)
        if credentials and not credentials.user.is_disabled:
            if check_password_hash(credentials.password_hash, password):
                names.append(username)
    return names
