"""Migration 4: the outbox of e-mails and text messages.

Shipped: never edit this module; a new change needs a new migration.
"""

from __future__ import annotations

import sqlite_utils

from shared.storage.statements import run_statements


def apply(db: sqlite_utils.Database) -> None:
    """The outbox of e-mails and text messages, written in the transaction that causes them.

    `dedupe_key` is UNIQUE: one message per appointment, kind, channel, recipient and time.
    """
    run_statements(
        db,
        """
        CREATE TABLE messages (
            id INTEGER PRIMARY KEY,
            appointment_id INTEGER REFERENCES appointments(id),
            ticket_id INTEGER REFERENCES tickets(id),
            channel TEXT NOT NULL CHECK (channel IN ('email', 'sms')),
            recipient TEXT NOT NULL,
            kind TEXT NOT NULL,
            language TEXT NOT NULL,
            subject TEXT NOT NULL DEFAULT '',
            body_text TEXT,
            body_html TEXT,
            attachments TEXT NOT NULL DEFAULT '[]',
            secret TEXT,
            status TEXT NOT NULL
                CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'skipped')),
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at TEXT NOT NULL,
            lease_until TEXT,
            last_error TEXT,
            created_at TEXT NOT NULL,
            sent_at TEXT,
            dedupe_key TEXT NOT NULL UNIQUE
        );
        CREATE INDEX messages_due ON messages (status, next_attempt_at, id);
        CREATE INDEX messages_appointment ON messages (appointment_id, id);
        """,
    )
