"""Login throttling: a few wrong passwords lock a user name, more lock the address they came from.

A try is counted *before* its password is checked, in one write transaction with the lock
check, so concurrent guesses cannot check more passwords than the limit allows: with
`failed_logins_before_lock` = 5, at most 5 passwords of one name are ever checked per lock
period, however many requests arrive at once. A try that turns out right gives its count back
(the name's count starts again; the address's loses that one try). Failures are counted over
`lock_minutes` from the first; reaching the limit locks for `lock_minutes`. A lock is never
cleared before its time, not even by the right password.

Rows are keyed ``user:NAME`` (whether or not the account exists, so a lock says nothing about
which names are real) and ``address:KEY`` (the client's address, an IPv6 one by its /64).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlite_utils

from shared.config.accounts import AccountSettings
from shared.storage.timestamps import parse_utc, utc_text
from shared.storage.transactions import write_transaction


@dataclass(frozen=True)
class LoginKeys:
    """Who is trying: the user name asked for and the client's address key."""

    username: str
    address: str

    def rows(self, settings: AccountSettings) -> tuple[tuple[str, str, int], ...]:
        """(kind, row key, limit) for the name and the address."""
        return (
            ("user", f"user:{self.username}", settings.failed_logins_before_lock),
            ("address", f"address:{self.address}", settings.failed_logins_per_address),
        )


@dataclass(frozen=True)
class Lock:
    """Logging in is refused until `until`, because of the user name or of the address.

    :param kind: ``user`` or ``address``
    """

    kind: str
    until: datetime


@dataclass(frozen=True)
class Failure:
    """What a wrong password left: tries before a lock, or the lock it caused."""

    tries_left: int
    lock: Lock | None


@dataclass
class _Row:
    failures: int
    window_started_at: datetime
    locked_until: datetime | None


def _read(db: sqlite_utils.Database, key: str, settings: AccountSettings, now: datetime) -> _Row:
    """The row as it stands now: a lock that ran out, or failures older than the window,
    count as nothing. The caller holds the write transaction."""
    row = db.execute(
        "SELECT failures, window_started_at, locked_until FROM login_throttle WHERE key = ?",
        [key],
    ).fetchone()
    if row is None:
        return _Row(0, now, None)
    state = _Row(row[0], parse_utc(row[1]), parse_utc(row[2]))
    if state.locked_until is not None:
        if state.locked_until <= now:
            return _Row(0, now, None)
        return state
    if now >= state.window_started_at + settings.lock_duration:
        return _Row(0, now, None)
    return state


def _write(db: sqlite_utils.Database, key: str, state: _Row) -> None:
    db.execute(
        "INSERT INTO login_throttle (key, failures, window_started_at, locked_until)"
        " VALUES (?, ?, ?, ?) ON CONFLICT (key) DO UPDATE SET failures = excluded.failures,"
        " window_started_at = excluded.window_started_at, locked_until = excluded.locked_until",
        [
            key,
            state.failures,
            utc_text(state.window_started_at),
            state.locked_until and utc_text(state.locked_until),
        ],
    )


def reserve_try(
    db: sqlite_utils.Database, keys: LoginKeys, settings: AccountSettings, now: datetime
) -> Lock | None:
    """Count a login try before its password is checked; return the lock that refuses it
    instead (nothing counted then).

    Tries still being checked count as failures, so when they fill the limit the next try
    locks at once rather than checking one password too many.
    """
    with write_transaction(db):
        states = [
            (kind, key, limit, _read(db, key, settings, now))
            for kind, key, limit in keys.rows(settings)
        ]
        for kind, _, _, state in states:
            if state.locked_until is not None:
                return Lock(kind, state.locked_until)
        for kind, key, limit, state in states:
            if state.failures >= limit:
                state.locked_until = now + settings.lock_duration
                _write(db, key, state)
                return Lock(kind, state.locked_until)
        for _, key, _, state in states:
            state.failures += 1
            _write(db, key, state)
    return None


def record_failure(
    db: sqlite_utils.Database, keys: LoginKeys, settings: AccountSettings, now: datetime
) -> Failure:
    """The reserved try was a wrong password: lock what reached its limit; say what is left."""
    with write_transaction(db):
        lock = None
        tries_left = []
        for (
            kind,
            key,
            limit,
        ) in keys.rows(settings):
            state = _read(db, key, settings, now)
            if state.locked_until is None and state.failures >= limit:
                state.locked_until = now + settings.lock_duration
                _write(db, key, state)
            if state.locked_until is not None:
                lock = lock or Lock(kind, state.locked_until)
            tries_left.append(max(0, limit - state.failures))
        return Failure(min(tries_left), lock)


def record_success(
    db: sqlite_utils.Database, keys: LoginKeys, settings: AccountSettings, now: datetime
) -> None:
    """The reserved try was right: the name's failures are forgotten and the address gets its
    try back, unless either is locked meanwhile (a lock stays until its time)."""
    with write_transaction(db):
        user_key, address_key = (key for _, key, _ in keys.rows(settings))
        if _read(db, user_key, settings, now).locked_until is None:
            db.execute("DELETE FROM login_throttle WHERE key = ?", [user_key])
        _give_back(db, address_key, settings, now)


def release_try(
    db: sqlite_utils.Database, keys: LoginKeys, settings: AccountSettings, now: datetime
) -> None:
    """The reserved try was never made (the server was too busy to check it): give it back."""
    with write_transaction(db):
        for _, key, _ in keys.rows(settings):
            _give_back(db, key, settings, now)


def _give_back(db: sqlite_utils.Database, key: str, settings: AccountSettings, now: datetime):
    """Uncount one try of an unlocked row; the caller holds the write transaction."""
    state = _read(db, key, settings, now)
    if state.locked_until is None and state.failures > 0:
        state.failures -= 1
        _write(db, key, state)


def forget_old_tries(db: sqlite_utils.Database, settings: AccountSettings, now: datetime) -> int:
    """Delete the rows whose lock and window are over (a flood of made-up names leaves many)."""
    with write_transaction(db):
        return db.execute(
            "DELETE FROM login_throttle WHERE (locked_until IS NULL OR locked_until <= ?)"
            " AND window_started_at <= ?",
            [utc_text(now), utc_text(now - settings.lock_duration)],
        ).rowcount
