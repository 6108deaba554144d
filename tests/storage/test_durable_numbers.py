"""`synchronous = FULL` on every kind of connection Jono opens, and no connection opened elsewhere.

In WAL mode FULL syncs the log before each COMMIT returns; NORMAL only at checkpoints, so a power
cut could roll back numbers already printed (tests/storage/test_power_cut.py shows the difference).
"""

from __future__ import annotations

import ast

import pytest

from shared.storage.connections import ConnectionPool, connect
from tests.conftest import PROJECT_ROOT

FULL = 2  # what PRAGMA synchronous answers for FULL (NORMAL is 1)
JONO_PACKAGES = ("shared", "kiosk", "counter", "display", "booking", "printers")
THE_ONE_OPENER = PROJECT_ROOT / "shared" / "storage" / "connections.py"


def synchronous_of(db) -> int:
    """The connection's own setting: it is not stored in the file, each connection has its own."""
    return db.execute("PRAGMA synchronous").fetchone()[0]


def test_connect_syncs_every_commit(tmp_path):
    """`connect` is what the CLI, `jono worker`'s rounds, the start-up migration and the backup
    open (the test below shows that nothing opens a database any other way)."""
    db = connect(str(tmp_path / "jono.db"))
    try:
        assert synchronous_of(db) == FULL
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        db.close()


def test_every_connection_of_the_pool_syncs_every_commit(tmp_path):
    pool = ConnectionPool(str(tmp_path / "jono.db"), size=3)
    connections = [pool.checkout() for _ in range(3)]
    try:
        assert [synchronous_of(db) for db in connections] == [FULL] * 3
    finally:
        for db in connections:
            pool.give_back(db)
        pool.close_all()


def test_the_servers_connections_sync_every_commit(app):
    """The pool the app factory builds serves every request, Socket.IO event and job."""
    with app.extensions["jono"].connections.connection() as db:
        assert synchronous_of(db) == FULL


def opened_outside_connections(path) -> list[str]:
    """Calls in one module that would open a database without `connect`."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if not isinstance(node, ast.Call):
            continue
        name = ast.unparse(node.func)
        if name in ("sqlite3.connect", "sqlite_utils.Database", "Database"):
            found.append(f"{path.relative_to(PROJECT_ROOT)}:{node.lineno} {name}(...)")
    return found


@pytest.mark.parametrize("package", JONO_PACKAGES)
def test_no_module_opens_a_database_but_connect(package):
    """A connection opened another way would miss FULL (and WAL, the busy timeout, the lock)."""
    modules = sorted((PROJECT_ROOT / package).rglob("*.py"))
    assert modules
    found = [
        call
        for module in modules
        if module != THE_ONE_OPENER
        for call in opened_outside_connections(module)
    ]
    assert found == []
