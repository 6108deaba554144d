"""The SQLite database: connections, the one write-transaction helper, and migrations."""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import sqlite_utils

BUSY_TIMEOUT_MILLISECONDS = 30_000

# One lock per database file for the writers of this process (see write_transaction).
_write_locks: dict[str, threading.RLock] = {}
_write_locks_guard = threading.Lock()


def _write_lock_of(path: str) -> threading.RLock:
    """The lock this process's writers of one database file queue at."""
    with _write_locks_guard:
        return _write_locks.setdefault(os.path.realpath(path), threading.RLock())


def connect(path: str) -> sqlite_utils.Database:
    """Open the database in autocommit mode with WAL, a busy timeout and foreign keys.

    Autocommit (isolation_level=None) means Python's sqlite3 never opens a transaction
    behind our back: every write goes through `write_transaction`, which opens BEGIN IMMEDIATE.

    :param path: the SQLite file
    """
    connection = sqlite3.connect(
        path,
        isolation_level=None,
        check_same_thread=False,
        timeout=BUSY_TIMEOUT_MILLISECONDS / 1000,
    )
    connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MILLISECONDS}")
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("PRAGMA synchronous = NORMAL")
    connection.execute("PRAGMA foreign_keys = ON")
    database = sqlite_utils.Database(connection)
    database.write_lock = _write_lock_of(path)
    return database


class ThreadConnections:
    """One open connection per thread, kept between requests.

    Opening a connection per request is costly in WAL mode: the last connection to close
    checkpoints and removes the WAL file, and the next request sets it up again. Server threads
    are long-lived, so each keeps its connection; `release` only ends a forgotten transaction.
    """

    def __init__(self, path: str):
        self.path = path
        self._local = threading.local()
        self._all: list[sqlite_utils.Database] = []
        self._lock = threading.Lock()

    def get(self) -> sqlite_utils.Database:
        """This thread's connection, opened on first use."""
        connection = getattr(self._local, "db", None)
        if connection is None:
            connection = self._local.db = connect(self.path)
            with self._lock:
                self._all.append(connection)
        return connection

    def release(self) -> None:
        """End of a request: roll back a transaction a failed request left open."""
        connection = getattr(self._local, "db", None)
        if connection is not None and connection.conn.in_transaction:
            connection.execute("ROLLBACK")

    def close_all(self) -> None:
        """Close every thread's connection (at shutdown, and after each test)."""
        with self._lock:
            connections, self._all = self._all, []
        for connection in connections:
            connection.close()
        self._local = threading.local()


@contextmanager
def write_transaction(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
    """Run the block in BEGIN IMMEDIATE: the write lock is taken before anything is read.

    sqlite-utils' `atomic()` opens a deferred transaction, which fails with "database is
    locked" when two writers upgrade from read to write at once; IMMEDIATE waits instead.
    Writers of the same process first queue at a lock: SQLite's own wait polls with sleeps of
    up to 100 ms, so under load a writer could lose the race again and again. Other processes
    (the notification worker, the CLI) still meet SQLite's busy timeout.
    """
    with db.write_lock:
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")


def utc_text(moment: datetime) -> str:
    """Store a moment as ISO-8601 text in UTC."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def parse_utc(text: str | None) -> datetime | None:
    """Read a moment stored by `utc_text`."""
    return datetime.fromisoformat(text) if text else None


def _create_core_tables(db: sqlite_utils.Database) -> None:
    """Tickets, their event log, clerks and open counters."""
    _run_statements(
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


def _add_printing(db: sqlite_utils.Database) -> None:
    """Print status per ticket, the unguessable token of its phone status page, printer health."""
    _run_statements(
        db,
        """
        ALTER TABLE tickets ADD COLUMN print_status TEXT
            CHECK (print_status IN ('queued', 'printed', 'failed', 'skipped'));
        ALTER TABLE tickets ADD COLUMN print_detail TEXT;
        ALTER TABLE tickets ADD COLUMN status_token TEXT;
        CREATE UNIQUE INDEX tickets_status_token ON tickets (status_token);
        CREATE TABLE printer_status (
            service_point TEXT PRIMARY KEY,
            status TEXT NOT NULL,
            detail TEXT NOT NULL DEFAULT '',
            checked_at TEXT NOT NULL
        );
        """,
    )


def _add_appointments(db: sqlite_utils.Database) -> None:
    """Appointments, short holds on chosen times, the seats they occupy, and wrong-PIN counts.

    A seat is one `slot_minutes` step of one desk on one day; UNIQUE on it means no two
    appointments (or holds) ever share a desk at the same time, whatever the code above does.
    """
    _run_statements(
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


def _add_messages(db: sqlite_utils.Database) -> None:
    """The outbox of e-mails and text messages, written in the transaction that causes them.

    `dedupe_key` is UNIQUE: one message per appointment, kind, channel, recipient and time.
    """
    _run_statements(
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


def _add_turn_near_phone(db: sqlite_utils.Database) -> None:
    """The phone number a waiting person gave for the "your turn is near" text (until it ends)."""
    _run_statements(db, "ALTER TABLE tickets ADD COLUMN notify_phone TEXT")


def _add_snapshot_indexes(db: sqlite_utils.Database) -> None:
    """Indexes for the snapshot built on every change: the day's tickets by status and by print
    status, and the event log by type (recent calls, finished customers) without a full scan."""
    _run_statements(
        db,
        """
        CREATE INDEX tickets_day_status ON tickets (service_point, day, status, queued_at);
        CREATE INDEX tickets_day_print ON tickets (service_point, day, print_status);
        CREATE INDEX events_type ON events (service_point, type, sequence);
        """,
    )


def _add_appointment_seat_masks(db: sqlite_utils.Database) -> None:
    """Appointment seats per desk and day as bit masks, kept by triggers (shared.seat_masks)."""
    from shared.seat_masks import create_appointment_seat_masks

    create_appointment_seat_masks(db)


def _add_reminder_index(db: sqlite_utils.Database) -> None:
    """The reminder scan (every few seconds: booked appointments starting in the next days)."""
    _run_statements(db, "CREATE INDEX appointments_starts ON appointments (status, starts_at)")


def _run_statements(db: sqlite_utils.Database, script: str) -> None:
    """Run `;`-separated statements one by one: executescript would COMMIT our transaction."""
    for statement in script.split(";"):
        if statement.strip():
            db.execute(statement)


# Numbered migrations: append new ones, never edit one that has shipped.
MIGRATIONS: list[Callable[[sqlite_utils.Database], None]] = [
    _create_core_tables,
    _add_printing,
    _add_appointments,
    _add_messages,
    _add_turn_near_phone,
    _add_snapshot_indexes,
    _add_appointment_seat_masks,
    _add_reminder_index,
]


def migrate(db: sqlite_utils.Database) -> int:
    """Apply the migrations not yet recorded, each in its own transaction; return how many ran."""
    db.execute(
        "CREATE TABLE IF NOT EXISTS migrations (number INTEGER PRIMARY KEY, applied_at TEXT)"
    )
    applied = 0
    for number, migration in enumerate(MIGRATIONS, start=1):
        with write_transaction(db):
            if db.execute("SELECT 1 FROM migrations WHERE number = ?", [number]).fetchone():
                continue
            migration(db)
            db.execute(
                "INSERT INTO migrations (number, applied_at) VALUES (?, ?)",
                [number, utc_text(datetime.now(UTC))],
            )
            applied += 1
    return applied
