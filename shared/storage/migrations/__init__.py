"""Numbered migrations, one module each, applied once in order and recorded in `migrations`.

Like sqlite-utils' `Migrations`: each runs in its own transaction (BEGIN IMMEDIATE, so two
processes starting at once do not both apply it) and is recorded with its number. A migration
that has shipped is never edited: a change of schema is a new module appended to `MIGRATIONS`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import sqlite_utils

from shared.storage.migrations import (
    m001_core,
    m002_printing,
    m003_appointments,
    m004_messages,
    m005_turn_near_phone,
    m006_snapshot_indexes,
    m007_appointment_seat_masks,
    m008_reminder_index,
    m009_event_relay,
    m010_clerk_accounts,
    m011_paired_kiosks,
    m012_print_jobs,
    m013_day_indexes,
    m014_triage_outcomes,
    m015_manager_role,
    m016_statistics_indexes,
)
from shared.storage.timestamps import utc_text
from shared.storage.transactions import write_transaction

# In order: the position is the migration's number. Append, never reorder or edit.
MIGRATIONS: list[Callable[[sqlite_utils.Database], None]] = [
    m001_core.apply,
    m002_printing.apply,
    m003_appointments.apply,
    m004_messages.apply,
    m005_turn_near_phone.apply,
    m006_snapshot_indexes.apply,
    m007_appointment_seat_masks.apply,
    m008_reminder_index.apply,
    m009_event_relay.apply,
    m010_clerk_accounts.apply,
    m011_paired_kiosks.apply,
    m012_print_jobs.apply,
    m013_day_indexes.apply,
    m014_triage_outcomes.apply,
    m015_manager_role.apply,
    m016_statistics_indexes.apply,
]


def migrate(db: sqlite_utils.Database, up_to: int | None = None) -> int:
    """Apply the migrations not yet recorded, each in its own transaction; return how many ran.

    :param up_to: stop after this migration (a test of the next one builds the schema before it)

    Foreign keys are off while they run, as SQLite's own procedure for a table rebuild asks
    (dropping a table others refer to would otherwise fail), and every reference is checked
    before each commit: a migration that leaves one dangling is rolled back.
    """
    db.execute(
        "CREATE TABLE IF NOT EXISTS migrations (number INTEGER PRIMARY KEY, applied_at TEXT)"
    )
    applied = 0
    db.execute("PRAGMA foreign_keys = OFF")
    try:
        for number, migration in enumerate(MIGRATIONS[:up_to], start=1):
            with write_transaction(db):
                if db.execute("SELECT 1 FROM migrations WHERE number = ?", [number]).fetchone():
                    continue
                migration(db)
                dangling = db.execute("PRAGMA foreign_key_check").fetchall()
                if dangling:
                    raise RuntimeError(f"migration {number} leaves broken references: {dangling}")
                db.execute(
                    "INSERT INTO migrations (number, applied_at) VALUES (?, ?)",
                    [number, utc_text(datetime.now(UTC))],
                )
                applied += 1
    finally:
        db.execute("PRAGMA foreign_keys = ON")
    return applied
