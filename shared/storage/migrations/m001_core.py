"""Migration 1: tickets, their event log, clerks and open counters.

Shipped: never edit this module; a new change needs a new migration.
"""

from __future__ import annotations

import sqlite_utils

from shared.storage.statements import run_statements


def apply(db: sqlite_utils.Database) -> None:
    """Tickets, their event log, clerks and open counters."""
    run_statements(
        db,
        """
        CREATE TABLE tickets (
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
            triage_answers TEXT NOT NULL DEFAULT '{}',
            idempotency_key TEXT UNIQUE,
            counter INTEGER,
            clerk TEXT,
            issued_at TEXT NOT NULL,
            queued_at TEXT NOT NULL,
            called_at TEXT,
            finished_at TEXT,
            UNIQUE (service_point, day, issued_queue, sequence),
            UNIQUE (service_point, day, number)
        );
        CREATE INDEX tickets_waiting ON tickets (service_point, status, queue, queued_at);
        CREATE TABLE events (
            id INTEGER PRIMARY KEY,
            service_point TEXT NOT NULL,
            sequence INTEGER NOT NULL,
            type TEXT NOT NULL,
            ticket_id INTEGER REFERENCES tickets(id),
            from_status TEXT,
            to_status TEXT,
            queue TEXT,
            counter INTEGER,
            clerk TEXT,
            at TEXT NOT NULL,
            UNIQUE (service_point, sequence)
        );
        CREATE INDEX events_ticket ON events (ticket_id);
        CREATE TABLE users (
            username TEXT PRIMARY KEY,
            password_hash TEXT NOT NULL,
            role TEXT NOT NULL CHECK (role IN ('clerk', 'admin')),
            created_at TEXT NOT NULL
        );
        CREATE TABLE counter_sessions (
            service_point TEXT NOT NULL,
            counter INTEGER NOT NULL,
            clerk TEXT NOT NULL,
            opened_at TEXT NOT NULL,
            PRIMARY KEY (service_point, counter)
        );
        """,
    )
