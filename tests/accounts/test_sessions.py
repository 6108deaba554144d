"""Clerk sessions in the database: stored hashed, ended when idle or too old, or by a logout."""

from __future__ import annotations

import pytest

from shared.accounts.sessions import (
    end_expired_sessions,
    end_session,
    find_session,
    start_session,
    touch_session,
    users_with_live_session,
)
from shared.accounts.users import add_user, set_disabled
from shared.config.accounts import AccountSettings

SETTINGS = AccountSettings(idle_minutes=60, lifetime_hours=8)


@pytest.fixture
def tiina(db, clock):
    """A clerk account."""
    return add_user(db, "tiina", "long-password", "clerk", clock.now())


def test_the_id_is_never_stored(db, clock, tiina):
    session_id = start_session(db, "tiina", SETTINGS, clock.now())
    stored = db.execute("SELECT * FROM clerk_sessions").fetchall()
    assert len(stored) == 1
    assert all(session_id not in str(value) for value in stored[0])
    assert find_session(db, session_id, SETTINGS, clock.now()).username == "tiina"
    assert find_session(db, session_id[:-1] + "x", SETTINGS, clock.now()) is None


def test_every_login_gets_its_own_session(db, clock, tiina):
    first = start_session(db, "tiina", SETTINGS, clock.now())
    second = start_session(db, "tiina", SETTINGS, clock.now())
    assert first != second
    end_session(db, first)
    assert find_session(db, first, SETTINGS, clock.now()) is None
    assert find_session(db, second, SETTINGS, clock.now()) is not None


def test_an_unused_session_ends_after_the_idle_time(db, clock, tiina):
    session_id = start_session(db, "tiina", SETTINGS, clock.now())
    clock.advance(minutes=59)
    assert find_session(db, session_id, SETTINGS, clock.now()) is not None
    clock.advance(minutes=1)
    assert find_session(db, session_id, SETTINGS, clock.now()) is None


def test_use_keeps_a_session_until_its_lifetime(db, clock, tiina):
    session_id = start_session(db, "tiina", SETTINGS, clock.now())
    for _ in range(8 * 2 - 1):  # every half hour for a working day
        clock.advance(minutes=30)
        session = find_session(db, session_id, SETTINGS, clock.now())
        assert session is not None
        touch_session(db, session, clock.now())
    clock.advance(minutes=30)  # eight hours after the login
    assert find_session(db, session_id, SETTINGS, clock.now()) is None


def test_a_use_is_written_at_most_once_a_minute(db, clock, tiina):
    session_id = start_session(db, "tiina", SETTINGS, clock.now())
    started = db.execute("SELECT last_seen_at FROM clerk_sessions").fetchone()[0]
    clock.advance(seconds=30)
    touch_session(db, find_session(db, session_id, SETTINGS, clock.now()), clock.now())
    assert db.execute("SELECT last_seen_at FROM clerk_sessions").fetchone()[0] == started
    clock.advance(seconds=31)
    touch_session(db, find_session(db, session_id, SETTINGS, clock.now()), clock.now())
    assert db.execute("SELECT last_seen_at FROM clerk_sessions").fetchone()[0] != started


def test_a_disabled_users_session_is_not_live(db, clock, tiina):
    session_id = start_session(db, "tiina", SETTINGS, clock.now())
    db.execute("UPDATE users SET disabled_at = '2026-11-30T08:00:00.000000+00:00'")
    assert find_session(db, session_id, SETTINGS, clock.now()) is None
    assert users_with_live_session(db, {"tiina"}, SETTINGS, clock.now()) == set()


def test_the_sweep_deletes_only_ended_sessions(db, clock, tiina):
    add_user(db, "ville", "long-password", "clerk", clock.now())
    start_session(db, "tiina", SETTINGS, clock.now())
    clock.advance(minutes=30)
    ville = start_session(db, "ville", SETTINGS, clock.now())
    clock.advance(minutes=31)  # tiina idle for 61 minutes, ville for 31
    assert users_with_live_session(db, {"tiina", "ville"}, SETTINGS, clock.now()) == {"ville"}
    assert end_expired_sessions(db, SETTINGS, clock.now()) == 1
    assert find_session(db, ville, SETTINGS, clock.now()) is not None
    set_disabled(db, "ville", True, clock.now())
    assert users_with_live_session(db, {"tiina", "ville"}, SETTINGS, clock.now()) == set()
