"""SQLite connections: WAL, a busy timeout, foreign keys, and one connection per server thread."""

from __future__ import annotations

import os
import sqlite3
import threading

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
