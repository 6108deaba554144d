"""Migration 15 rebuilds the users table for the manager role: every account is kept as it was."""

from __future__ import annotations

import sqlite3

import pytest
from werkzeug.security import generate_password_hash

from shared.accounts.users import add_user, authenticate, get_user
from shared.storage.connections import connect
from shared.storage.migrations import MIGRATIONS, migrate
from tests.conftest import MONDAY_MORNING

BEFORE_MANAGERS = 14
USER_COLUMNS = "username, password_hash, role, created_at, service_points, disabled_at"


def test_every_account_is_kept_and_managers_become_possible(tmp_path):
    assert len(MIGRATIONS) > BEFORE_MANAGERS
    db = connect(str(tmp_path / "old.db"))
    try:
        assert migrate(db, up_to=BEFORE_MANAGERS) == BEFORE_MANAGERS
        rows = [
            ("anna", generate_password_hash("admin-password"), "admin",
             "2026-11-01T08:00:00.000000+00:00", None, None),
            ("hanna", generate_password_hash("clerk-password"), "clerk",
             "2026-11-02T08:00:00.000000+00:00", '["helsinki"]', None),
            ("vanha", generate_password_hash("gone-password"), "clerk",
             "2026-11-03T08:00:00.000000+00:00", '["helsinki", "tampere"]',
             "2026-11-20T08:00:00.000000+00:00"),
        ]  # fmt: skip
        for row in rows:
            db.execute(f"INSERT INTO users ({USER_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)", row)
        db.execute(
            "INSERT INTO clerk_sessions VALUES ('hash', 'hanna', 'x', 'x', '2099-01-01T00:00:00')"
        )
        with pytest.raises(sqlite3.IntegrityError):  # the old CHECK: no managers
            db.execute(
                f"INSERT INTO users ({USER_COLUMNS}) VALUES ('m', 'h', 'manager', 'x', NULL, NULL)"
            )

        assert migrate(db) == len(MIGRATIONS) - BEFORE_MANAGERS

        assert db.execute(f"SELECT {USER_COLUMNS} FROM users ORDER BY username").fetchall() == rows
        assert authenticate(db, "hanna", "clerk-password") == get_user(db, "hanna")
        assert get_user(db, "vanha").is_disabled
        assert db.execute("SELECT username FROM clerk_sessions").fetchall() == [("hanna",)]
        manager = add_user(db, "tuula", "manager-password", "manager", MONDAY_MORNING, ["tampere"])
        assert get_user(db, "tuula") == manager and manager.may_manage("tampere")
        with pytest.raises(sqlite3.IntegrityError):  # still no made-up roles
            db.execute(
                f"INSERT INTO users ({USER_COLUMNS}) VALUES ('x', 'h', 'boss', 'x', NULL, NULL)"
            )
    finally:
        db.close()
