"""`back_up`: a consistent, restorable copy taken while tickets are written; bad paths refused."""

from __future__ import annotations

import shutil
import stat
import threading

import pytest

from shared.queue.tickets import get_ticket, issue_ticket
from shared.storage.backup import BackupError, back_up
from shared.storage.connections import connect
from shared.storage.migrations import migrate
from tests.conftest import MONDAY_MORNING

TICKETS_BEFORE = 200


def issue_number(db, config) -> str:
    """One urgent walk-in number at Helsinki, through the domain as a kiosk gets it."""
    outcome = issue_ticket(
        db,
        config,
        service_point_id="helsinki",
        queue_id="urgent",
        party_size=1,
        language="fi",
        category="residence_permit",
        triage_answers={},
        idempotency_key=None,
        now=MONDAY_MORNING,
    )
    return outcome.ticket.number


def numbers_in(path) -> list[str]:
    """The urgent numbers of the copy at `path`, in the order they were given out."""
    copy = connect(str(path))
    try:
        return [
            row[0]
            for row in copy.execute(
                "SELECT number FROM tickets WHERE issued_queue = 'urgent' ORDER BY sequence"
            )
        ]
    finally:
        copy.close()


class TicketWriter(threading.Thread):
    """A kiosk issuing numbers on its own connection until told to stop, recording each answer."""

    def __init__(self, config, started: threading.Event, stop: threading.Event) -> None:
        super().__init__()
        self.config = config
        self.started = started
        self.stop = stop
        self.answered: list[str] = []
        self.error: BaseException | None = None

    def run(self) -> None:
        """Issue numbers until `stop`; say `started` after the first few during the backup."""
        db = connect(self.config.database)
        try:
            while not self.stop.is_set():
                self.answered.append(issue_number(db, self.config))
                if len(self.answered) >= TICKETS_BEFORE + 5:
                    self.started.set()
        except BaseException as error:  # reported by the test, not lost in the thread
            self.error = error
            self.started.set()
        finally:
            db.close()


def test_a_backup_taken_while_tickets_are_written_is_consistent_and_restorable(
    db, config, tmp_path
):
    started, stop = threading.Event(), threading.Event()
    writer = TicketWriter(config, started, stop)
    writer.start()
    try:
        assert started.wait(60)
        answered_before = list(writer.answered)
        # One page a step: the writer commits between the steps, as the server would.
        result = back_up(config.database, tmp_path / "backup.db", pages_per_step=1)
        during = len(writer.answered) - len(answered_before)
    finally:
        stop.set()
        writer.join()
    assert writer.error is None
    assert result.steps > 1
    assert during > 0, "the writer must have gone on writing while the copy ran"

    copied = numbers_in(tmp_path / "backup.db")
    # Consistent: one moment's state, every number from the first on, none missing in between.
    assert copied == [f"A{sequence:03d}" for sequence in range(1, len(copied) + 1)]
    assert copied[: len(answered_before)] == answered_before
    backup = connect(str(tmp_path / "backup.db"))
    try:
        assert backup.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        issued_events = backup.execute(
            "SELECT COUNT(*) FROM events WHERE type = 'TicketIssued'"
        ).fetchone()[0]
    finally:
        backup.close()
    assert issued_events == len(copied)

    # Restored as docs/deployment.md says: the file copied back alone, then Jono starts on it.
    restored_path = tmp_path / "restored" / "jono.db"
    restored_path.parent.mkdir()
    shutil.copy(tmp_path / "backup.db", restored_path)
    restored = connect(str(restored_path))
    try:
        assert migrate(restored) == 0
        ids = [row[0] for row in restored.execute("SELECT id FROM tickets ORDER BY id")]
        assert [get_ticket(restored, ticket_id).number for ticket_id in ids] == copied
        assert issue_number(restored, config) == f"A{len(copied) + 1:03d}"
    finally:
        restored.close()


def test_the_backup_leaves_only_its_file_readable_by_its_owner(db, config, tmp_path):
    folder = tmp_path / "backups"
    folder.mkdir()
    issue_number(db, config)
    result = back_up(config.database, folder / "jono-2026-11-30.db")
    assert [path.name for path in folder.iterdir()] == ["jono-2026-11-30.db"]
    assert result.size_bytes == (folder / "jono-2026-11-30.db").stat().st_size
    # It holds contact details: for its owner's eyes (the service's account) only.
    assert stat.S_IMODE((folder / "jono-2026-11-30.db").stat().st_mode) == 0o600
    assert numbers_in(folder / "jono-2026-11-30.db") == ["A001"]


def test_an_existing_file_is_kept_without_force_and_replaced_with_it(db, config, tmp_path):
    target = tmp_path / "backup.db"
    target.write_text("yesterday's backup")
    issue_number(db, config)
    with pytest.raises(BackupError, match="exists: give --force"):
        back_up(config.database, target)
    assert target.read_text() == "yesterday's backup"

    back_up(config.database, target, force=True)
    assert numbers_in(target) == ["A001"]
    assert sorted(path.name for path in tmp_path.iterdir() if path.name.startswith(".")) == []


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("missing-folder/backup.db", "the folder .*missing-folder does not exist"),
        (".", "is a folder: give the backup's file name"),
        ("jono.db", "is the database itself"),
    ],
)
def test_a_bad_target_is_refused_with_what_to_do(db, config, tmp_path, target, message):
    before = sorted(path.name for path in tmp_path.iterdir())
    with pytest.raises(BackupError, match=message):
        back_up(config.database, tmp_path / target)
    assert sorted(path.name for path in tmp_path.iterdir()) == before


def test_a_missing_database_is_refused_and_not_created(tmp_path):
    with pytest.raises(BackupError, match="no database at"):
        back_up(tmp_path / "nothing.db", tmp_path / "backup.db")
    assert list(tmp_path.iterdir()) == []
