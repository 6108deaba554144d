"""`jono backup PATH`: a checked copy; an existing file kept without --force; bad paths named."""

from __future__ import annotations

from shared.cli.commands import main
from shared.storage.connections import connect


def usernames_in(path) -> list[str]:
    """The accounts of the database file at `path`."""
    db = connect(str(path))
    try:
        return [row[0] for row in db.execute("SELECT username FROM users ORDER BY username")]
    finally:
        db.close()


def test_backup_writes_a_copy_and_says_what_it_wrote(config_path, tmp_path, capsys):
    assert main(["--config", str(config_path), "init-db", "--demo"]) == 0
    capsys.readouterr()
    target = tmp_path / "jono-2026-11-30.db"
    assert main(["--config", str(config_path), "backup", str(target)]) == 0
    output = capsys.readouterr().out
    assert f"to {target}:" in output
    assert f"{target.stat().st_size} bytes" in output
    assert "integrity ok" in output
    assert usernames_in(target) == ["admin", "clerk1", "clerk2", "manager"]


def test_backup_refuses_an_existing_file_unless_forced(config_path, tmp_path, capsys):
    assert main(["--config", str(config_path), "init-db"]) == 0
    target = tmp_path / "backup.db"
    target.write_text("an older backup")
    capsys.readouterr()
    assert main(["backup", str(target), "--config", str(config_path)]) == 1
    assert "give --force to overwrite it" in capsys.readouterr().err
    assert target.read_text() == "an older backup"

    assert main(["backup", str(target), "--force", "--config", str(config_path)]) == 0
    assert usernames_in(target) == []


def test_backup_into_a_missing_folder_names_the_folder(config_path, tmp_path, capsys):
    assert main(["--config", str(config_path), "init-db"]) == 0
    capsys.readouterr()
    missing = tmp_path / "no-such-folder"
    assert main(["--config", str(config_path), "backup", str(missing / "backup.db")]) == 1
    error = capsys.readouterr().err
    assert error.startswith("jono: backup: ")
    assert f"the folder {missing} does not exist" in error
    assert not missing.exists()


def test_backup_without_a_database_says_so_and_creates_none(config_path, tmp_path, capsys):
    assert main(["--config", str(config_path), "backup", str(tmp_path / "backup.db")]) == 1
    assert "no database at" in capsys.readouterr().err
    assert not (tmp_path / "cli.db").exists()
    assert not (tmp_path / "backup.db").exists()
