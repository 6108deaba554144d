"""SQLite connections: WAL, a busy timeout, foreign keys, and a bounded pool of them."""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import sqlite_utils

BUSY_TIMEOUT_MILLISECONDS = 30_000
# Enough for the admission limit's requests, the Socket.IO events and the background work of one
# process at once; each connection is one open file (three with WAL).
POOL_SIZE = 32
POOL_WAIT_SECONDS = 30

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
    # FULL, not NORMAL: in WAL mode NORMAL syncs the log only at checkpoints, so a power cut can
    # roll back tickets whose slips were printed and give their numbers out again. FULL syncs the
    # log before every COMMIT returns (its cost is in docs/benchmarks.md, benchmark 1).
    connection.execute("PRAGMA synchronous = FULL")
    connection.execute("PRAGMA foreign_keys = ON")
    database = sqlite_utils.Database(connection)
    database.write_lock = _write_lock_of(path)
    return database


class PoolExhausted(RuntimeError):
    """No connection came free in time: every one of the pool's connections is in use."""


class ConnectionPool:
    """At most `size` open connections to one database file, checked out and given back.

    Under the event-driven server every request and every Socket.IO event runs in its own
    greenlet; a connection per greenlet would be opened for each event and never closed, and an
    anonymous client sending events could run the process out of file descriptors. The pool
    keeps its idle connections open between uses: the last connection to close a WAL database
    checkpoints and removes the WAL file, and the next one would set it up again.

    :param path: the SQLite file
    :param size: the most connections open at once; a checkout beyond waits for a free one
    :param wait_seconds: how long a checkout waits before `PoolExhausted`
    """

    def __init__(
        self, path: str, size: int = POOL_SIZE, wait_seconds: float = POOL_WAIT_SECONDS
    ) -> None:
        self.path = path
        self.size = size
        self.wait_seconds = wait_seconds
        self._idle: list[sqlite_utils.Database] = []
        self._open = 0
        self._changed = threading.Condition()

    @property
    def open_count(self) -> int:
        """How many connections are open now, idle or checked out."""
        with self._changed:
            return self._open

    def checkout(self) -> sqlite_utils.Database:
        """An idle connection, or a new one while fewer than `size` are open; else wait."""
        with self._changed:
            if not self._changed.wait_for(
                lambda: self._idle or self._open < self.size, timeout=self.wait_seconds
            ):
                raise PoolExhausted(f"all {self.size} database connections are in use")
            if self._idle:
                return self._idle.pop()
            self._open += 1
        try:
            return connect(self.path)
        except BaseException:
            with self._changed:
                self._open -= 1
                self._changed.notify()
            raise

    def give_back(self, connection: sqlite_utils.Database) -> None:
        """Return a checked-out connection; a transaction left open is rolled back first."""
        try:
            if connection.conn.in_transaction:
                connection.execute("ROLLBACK")
        except sqlite3.Error:  # a broken connection is closed rather than handed out again
            connection.close()
            with self._changed:
                self._open -= 1
                self._changed.notify()
            return
        with self._changed:
            self._idle.append(connection)
            self._changed.notify()

    @contextmanager
    def connection(self) -> Iterator[sqlite_utils.Database]:
        """Check a connection out for the block, and give it back after."""
        connection = self.checkout()
        try:
            yield connection
        finally:
            self.give_back(connection)

    def close_all(self) -> None:
        """Close the idle connections (at shutdown, and after each test)."""
        with self._changed:
            idle, self._idle = self._idle, []
            self._open -= len(idle)
            self._changed.notify_all()
        for connection in idle:
            connection.close()
