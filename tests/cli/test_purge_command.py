"""`jono purge [--dry-run]`: counts what the retention settings purge; a dry run changes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest

from shared.accounts.login_throttle import LoginKeys, record_failure, reserve_try
from shared.accounts.sessions import start_session
from shared.appointments.changes import authenticate
from shared.cli.commands import main
from shared.clock import SystemClock
from shared.config import load_config
from shared.errors import DomainError
from shared.storage.connections import connect


def printed_counts(output: str) -> dict[str, int]:
    """The command's lines as {"table: change": rows}, and the total under "in all"."""
    counts = {}
    for line in output.splitlines()[1:]:
        rows, what = line.split(maxsplit=1)
        counts[what] = int(rows)
    return counts


def table_rows(db) -> dict[str, list]:
    """The rows of the tables this test fills."""
    return {
        table: db.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()
        for table in ("clerk_sessions", "login_throttle", "pin_failures")
    }


@pytest.fixture
def database(config_path, capsys):
    """The CLI's database, made by `jono init-db`, with two days old and fresh rows written
    through the domain on the real clock (the command uses it too)."""
    assert main(["--config", str(config_path), "init-db"]) == 0
    capsys.readouterr()
    config = load_config(config_path)
    db = connect(config.database)
    now = SystemClock().now()
    two_days_ago = now - timedelta(days=2)
    start_session(db, "clerk1", config.accounts, two_days_ago)  # ended long since
    start_session(db, "clerk2", config.accounts, now)  # live
    with pytest.raises(DomainError):
        authenticate(db, config, "XXXXXXXX", "000000", two_days_ago)
    keys = LoginKeys("nobody", "192.0.2.1")
    reserve_try(db, keys, config.accounts, now)  # within its window: kept
    record_failure(db, keys, config.accounts, now)
    yield db
    db.close()


def test_a_dry_run_prints_the_counts_and_changes_nothing(config_path, database, capsys):
    before = table_rows(database)
    assert main(["--config", str(config_path), "purge", "--dry-run"]) == 0
    output = capsys.readouterr().out
    assert output.startswith("Dry run: nothing changed. Would purge:\n")
    counts = printed_counts(output)
    assert counts["clerk_sessions: deleted"] == 1
    assert counts["pin_failures: deleted"] == 1
    assert counts["login_throttle: deleted"] == 0
    assert counts["in all"] == 2
    assert table_rows(database) == before


def test_purge_deletes_what_the_dry_run_counted_and_then_finds_nothing(
    config_path, database, capsys
):
    assert main(["purge", "--dry-run", "--config", str(config_path)]) == 0
    dry = printed_counts(capsys.readouterr().out)
    assert main(["purge", "--config", str(config_path)]) == 0
    output = capsys.readouterr().out
    assert output.startswith("Purged:\n")
    assert printed_counts(output) == dry
    rows = table_rows(database)
    assert [row[1] for row in rows["clerk_sessions"]] == ["clerk2"]
    assert rows["pin_failures"] == []
    assert len(rows["login_throttle"]) == 2

    assert main(["purge", "--config", str(config_path)]) == 0
    assert printed_counts(capsys.readouterr().out)["in all"] == 0
