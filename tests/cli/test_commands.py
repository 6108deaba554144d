"""The `jono` command: init-db, user accounts, and a bad config that stops with the key named."""

from __future__ import annotations

import io

import pytest

from shared.accounts.users import authenticate
from shared.cli.commands import DEMO_USERS, main
from shared.storage.connections import connect
from shared.storage.migrations import MIGRATIONS


def account_names(tmp_path) -> list[tuple[str, str]]:
    """The (user name, role) rows of the database the CLI wrote."""
    db = connect(str(tmp_path / "cli.db"))
    try:
        return [
            tuple(row) for row in db.execute("SELECT username, role FROM users ORDER BY username")
        ]
    finally:
        db.close()


def test_init_db_creates_the_database(config_path, tmp_path, capsys):
    assert main(["--config", str(config_path), "init-db"]) == 0
    assert (tmp_path / "cli.db").exists()
    assert f"{len(MIGRATIONS)} migration(s) applied" in capsys.readouterr().out
    assert account_names(tmp_path) == []
    # Running it again applies nothing new.
    assert main(["--config", str(config_path), "init-db"]) == 0
    assert "0 migration(s) applied" in capsys.readouterr().out


def test_init_db_demo_creates_accounts(config_path, tmp_path, capsys):
    assert main(["init-db", "--demo", "--config", str(config_path)]) == 0
    output = capsys.readouterr().out
    assert "clerk1 / jono-demo-1" in output
    assert account_names(tmp_path) == [
        ("admin", "admin"),
        ("clerk1", "clerk"),
        ("clerk2", "clerk"),
        ("manager", "manager"),
    ]
    assert "manager / jono-demo-manager  (manager, helsinki)" in output
    db = connect(str(tmp_path / "cli.db"))
    try:
        for name, password, role, points in DEMO_USERS:
            user = authenticate(db, name, password)
            assert (user.role, user.service_points) == (role, points)
    finally:
        db.close()
    # Again with --demo: the accounts exist already, nothing fails or doubles.
    assert main(["init-db", "--demo", "--config", str(config_path)]) == 0
    assert len(account_names(tmp_path)) == 4


def test_users_add_reads_the_password_from_stdin(config_path, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO("a-long-password\n"))
    assert main(["--config", str(config_path), "users", "add", "maija", "--role", "admin"]) == 0
    assert "Added admin maija." in capsys.readouterr().out
    db = connect(str(tmp_path / "cli.db"))
    try:
        assert authenticate(db, "maija", "a-long-password").role == "admin"
        assert authenticate(db, "maija", "a-long-password\n") is None
        stored = db.execute("SELECT password_hash FROM users WHERE username = 'maija'").fetchone()[
            0
        ]
        assert "a-long-password" not in stored
    finally:
        db.close()


def test_users_list(config_path, monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO("password-of-ville\n"))
    command = ["--config", str(config_path), "users", "add", "ville", "--service-points", "tampere"]
    assert main(command) == 0
    capsys.readouterr()
    assert main(["users", "list", "--config", str(config_path)]) == 0
    assert capsys.readouterr().out.splitlines() == ["ville\tclerk\ttampere\tenabled"]


@pytest.mark.parametrize(
    ("name", "password", "code"),
    [
        ("ville", "short", "password_too_short"),
        ("no spaces", "long-enough-password", "invalid_username"),
    ],
)
def test_users_add_refuses_bad_accounts(
    config_path, tmp_path, monkeypatch, capsys, name, password, code
):
    monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
    command = ["--config", str(config_path), "users", "add", name, "--service-points", "all"]
    assert main(command) == 1
    assert code in capsys.readouterr().err
    assert account_names(tmp_path) == []


def test_users_add_refuses_a_taken_name(config_path, monkeypatch, capsys):
    for _ in range(2):
        monkeypatch.setattr("sys.stdin", io.StringIO("password-of-ville\n"))
        status = main(
            ["--config", str(config_path), "users", "add", "ville", "--service-points", "helsinki"]
        )
    assert status == 1
    assert "username_taken" in capsys.readouterr().err


def test_bad_config_exits_2_naming_the_key(config_path, tmp_path, capsys):
    text = config_path.read_text(encoding="utf-8")
    config_path.write_text(
        text.replace("max_party_size = 6", 'max_party_size = "six"'), encoding="utf-8"
    )
    assert main(["--config", str(config_path), "init-db"]) == 2
    error = capsys.readouterr().err
    assert "bad configuration" in error
    assert "rules.max_party_size" in error
    assert not (tmp_path / "cli.db").exists()


def test_missing_config_exits_2(tmp_path, capsys):
    assert main(["--config", str(tmp_path / "nowhere.toml"), "users", "list"]) == 2
    assert "file not found" in capsys.readouterr().err
