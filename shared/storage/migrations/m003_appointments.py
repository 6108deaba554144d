"""Migration 3: appointments, holds on chosen times, their seats, wrong-PIN counts.

Shipped: never edit this module; a new change needs a new migration.
"""

from __future__ import annotations

import sqlite_utils

from shared.storage.statements import run_statements


def apply(db: sqlite_utils.Database) -> None:
    """Appointments, short holds on chosen times, the seats they occupy, and wrong-PIN counts.

    A seat is one `slot_minutes` step of one desk on one day; UNIQUE on it means no two
    appointments (or holds) ever share a desk at the same time, whatever the code above does.
    """
    run_statements(
        db,
        """
        CREATE TABLE appointments (
            id INTEGER PRIMARY KEY,
            service_point TEXT NOT NULL,
            reservation_key TEXT NOT NULL UNIQUE,
            pin_hash TEXT NOT NULL,
            category TEXT NOT NULL,
            party_size INTEGER NOT NULL CHECK (party_size BETWEEN 1 AND 50),
            day TEXT NOT NULL,
            start_minute INTEGER NOT NULL,
            end_minute INTEGER NOT NULL,
            desk INTEGER NOT NULL,
            starts_at TEXT NOT NULL,
            ends_at TEXT NOT NULL,
            status TEXT NOT NULL,
            email TEXT,
            phone TEXT,
            language TEXT NOT NULL,
            booked_by TEXT,
            ticket_id INTEGER REFERENCES tickets(id),
            booked_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            checked_in_at TEXT,
            CHECK (email IS NOT NULL OR phone IS NOT NULL OR booked_by IS NOT NULL)
        );
        CREATE INDEX appointments_day ON appointments (service_point, day, status);
        CREATE INDEX appointments_email ON appointments (email, status, starts_at);
        CREATE INDEX appointments_phone ON appointments (phone, status, starts_at);
        CREATE TABLE appointment_holds (
            id INTEGER PRIMARY KEY,
            token TEXT NOT NULL UNIQUE,
            service_point TEXT NOT NULL,
            category TEXT NOT NULL,
            party_size INTEGER NOT NULL,
            day TEXT NOT NULL,
            start_minute INTEGER NOT NULL,
            end_minute INTEGER NOT NULL,
            desk INTEGER NOT NULL,
            starts_at TEXT NOT NULL,
            ends_at TEXT NOT NULL,
            created_at TEXT NOT NULL,
            expires_at TEXT NOT NULL
        );
        CREATE INDEX appointment_holds_expiry ON appointment_holds (expires_at);
        CREATE TABLE slot_seats (
            service_point TEXT NOT NULL,
            day TEXT NOT NULL,
            desk INTEGER NOT NULL,
            minute INTEGER NOT NULL,
            appointment_id INTEGER REFERENCES appointments(id),
            hold_id INTEGER REFERENCES appointment_holds(id),
            expires_at TEXT,
            UNIQUE (service_point, day, desk, minute),
            CHECK ((appointment_id IS NULL) <> (hold_id IS NULL))
        );
        CREATE INDEX slot_seats_appointment ON slot_seats (appointment_id);
        CREATE INDEX slot_seats_hold ON slot_seats (hold_id);
        CREATE TABLE pin_failures (
            reservation_key TEXT PRIMARY KEY,
            failures INTEGER NOT NULL,
            locked_until TEXT,
            last_failure_at TEXT NOT NULL
        );
        ALTER TABLE events ADD COLUMN appointment_id INTEGER REFERENCES appointments(id);
        CREATE INDEX events_appointment ON events (appointment_id);
        """,
    )
