"""Migration 11: paired kiosks, their pace and offers, and tickets keyed per kiosk.

Shipped: never edit this module; a new change needs a new migration.

Until now an idempotency key was unique across every service point and a check-in was found by
the key ``appointment-<id>``: anyone could send that key first and block the check-in, or replay
another kiosk's key and get its ticket. The tickets table is rebuilt (SQLite cannot drop a UNIQUE
constraint in place) with the key unique per kiosk, and a check-in linked to its appointment by
the appointment's id in a column of its own. Every ticket is kept, with its id.
"""

from __future__ import annotations

import sqlite_utils

from shared.storage.statements import run_statements

# The tickets table as it now is: the old columns in their order, then the new ones.
TICKET_COLUMNS = (
    "id, service_point, day, issued_queue, sequence, number, queue, status, category,"
    " party_size, language, triage_answers, idempotency_key, counter, clerk, issued_at,"
    " queued_at, called_at, finished_at, print_status, print_detail, status_token, notify_phone"
)


def apply(db: sqlite_utils.Database) -> None:
    """Kiosks and pairing codes (stored hashed), a pace allowance per kiosk, the kiosk offers
    taken, the site's own signing secrets, and the tickets table rebuilt (see the module)."""
    # The old table is dropped while events, appointments and messages still refer to it by
    # name: `migrate` runs this with foreign keys off and checks them all before the commit.
    run_statements(
        db,
        f"""
        CREATE TABLE kiosks (
            id INTEGER PRIMARY KEY,
            service_point TEXT NOT NULL,
            name TEXT NOT NULL,
            pairing_code_hash TEXT UNIQUE,
            pairing_expires_at TEXT,
            device_token_hash TEXT UNIQUE,
            created_at TEXT NOT NULL,
            paired_at TEXT,
            revoked_at TEXT
        );
        CREATE TABLE kiosk_allowances (
            kiosk TEXT PRIMARY KEY,
            tokens REAL NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE TABLE kiosk_offers_taken (
            offer TEXT PRIMARY KEY,
            kiosk TEXT NOT NULL,
            taken_at TEXT NOT NULL
        );
        CREATE TABLE site_secrets (
            name TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );
        CREATE TABLE tickets_rebuilt (
            id INTEGER PRIMARY KEY,
            service_point TEXT NOT NULL,
            day TEXT NOT NULL,
            issued_queue TEXT NOT NULL,
            sequence INTEGER NOT NULL,
            number TEXT NOT NULL,
            queue TEXT NOT NULL,
            status TEXT NOT NULL,
            category TEXT,
            party_size INTEGER NOT NULL CHECK (party_size BETWEEN 1 AND 50),
            language TEXT NOT NULL,
            triage_answers TEXT NOT NULL DEFAULT '{{}}',
            idempotency_key TEXT,
            counter INTEGER,
            clerk TEXT,
            issued_at TEXT NOT NULL,
            queued_at TEXT NOT NULL,
            called_at TEXT,
            finished_at TEXT,
            print_status TEXT
                CHECK (print_status IN ('queued', 'printed', 'failed', 'skipped')),
            print_detail TEXT,
            status_token TEXT,
            notify_phone TEXT,
            kiosk TEXT,
            appointment_id INTEGER UNIQUE REFERENCES appointments(id),
            phone_changes INTEGER NOT NULL DEFAULT 0,
            UNIQUE (service_point, day, issued_queue, sequence),
            UNIQUE (service_point, day, number),
            UNIQUE (kiosk, idempotency_key)
        );
        INSERT INTO tickets_rebuilt ({TICKET_COLUMNS}, kiosk, appointment_id)
            SELECT {TICKET_COLUMNS},
                CASE WHEN idempotency_key IS NULL OR idempotency_key LIKE 'appointment-%'
                    THEN NULL ELSE 'point:' || service_point END,
                (SELECT appointments.id FROM appointments
                    WHERE appointments.ticket_id = tickets.id)
            FROM tickets ORDER BY id;
        UPDATE tickets_rebuilt SET idempotency_key = NULL WHERE kiosk IS NULL;
        DROP TABLE tickets;
        ALTER TABLE tickets_rebuilt RENAME TO tickets;
        CREATE INDEX tickets_waiting ON tickets (service_point, status, queue, queued_at);
        CREATE UNIQUE INDEX tickets_status_token ON tickets (status_token);
        CREATE INDEX tickets_day_status ON tickets (service_point, day, status, queued_at);
        CREATE INDEX tickets_day_print ON tickets (service_point, day, print_status)
        """,
    )
