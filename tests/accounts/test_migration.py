"""Migration 10 on a database made before it: the accounts keep working, at every point."""

from __future__ import annotations

from datetime import UTC, datetime

from werkzeug.security import generate_password_hash

from shared.accounts.users import authenticate, get_user
from shared.storage.connections import connect
from shared.storage.migrations import MIGRATIONS, migrate
from shared.storage.timestamps import utc_text
from shared.storage.transactions import write_transaction


def test_accounts_made_before_it_keep_their_password_and_every_point(tmp_path):
    db = connect(str(tmp_path / "old.db"))
    try:
        db.execute("CREATE TABLE migrations (number INTEGER PRIMARY KEY, applied_at TEXT)")
        db.execute("PRAGMA foreign_keys = OFF")
        for number, migration in enumerate(MIGRATIONS[:9], start=1):  # the schema of before
            with write_transaction(db):
                migration(db)
                db.execute("INSERT INTO migrations VALUES (?, ?)", [number, "2026-11-01"])
        db.execute("PRAGMA foreign_keys = ON")
        db.execute(
            "INSERT INTO users (username, password_hash, role, created_at) VALUES (?, ?, ?, ?)",
            ["maija", generate_password_hash("old-password"), "clerk", utc_text(datetime.now(UTC))],
        )
        assert migrate(db) == len(MIGRATIONS) - 9
        user = get_user(db, "maija")
        assert (user.service_points, user.is_disabled) == (None, False)
        assert authenticate(db, "maija", "old-password") == user
        assert db.execute("SELECT COUNT(*) FROM clerk_sessions").fetchone()[0] == 0
    finally:
        db.close()
