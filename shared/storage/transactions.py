"""The one write-transaction helper: every read-then-write runs in BEGIN IMMEDIATE."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import sqlite_utils


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
