"""A consistent copy of the database, taken with SQLite's online backup API while Jono runs."""

from __future__ import annotations

import contextlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from shared.storage.connections import connect

# A step copies this many pages (4 MiB of 4 KiB pages) in one read transaction, then ends it, so
# that checkpoints of the live file are held back for one step at most, not for the whole copy.
PAGES_PER_STEP = 1024
# A write by another connection between two steps makes SQLite start the copy again; under a
# steady stream of tickets a stepped copy of a large file might never end. After this many
# restarts the rest is copied in one step: in WAL mode a reader does not block the writers, so the
# server goes on issuing numbers meanwhile (only checkpoints wait for the copy).
MAX_RESTARTS = 3


class BackupError(RuntimeError):
    """The backup could not be written; the message says why and what to do."""


@dataclass(frozen=True)
class BackupResult:
    """What a backup wrote: the file, its size and pages, and how the copy went."""

    path: Path
    size_bytes: int
    pages: int
    steps: int
    restarts: int


class _TooManyRestarts(Exception):
    """Raised from the progress callback to stop a stepped copy that keeps starting again."""


def back_up(
    database: str | os.PathLike,
    target: str | os.PathLike,
    *,
    force: bool = False,
    pages_per_step: int = PAGES_PER_STEP,
) -> BackupResult:
    """Copy the database to `target` with SQLite's backup API, safe while the server writes.

    The copy is written to a temporary file beside `target`, checked with
    `PRAGMA integrity_check`, synced to disk and only then renamed to `target`, so `target` is
    never a half-written file. Without `force` an existing `target` is refused, also if it
    appears while the copy runs (the rename is a hard link, which never overwrites).

    :param database: the live database file (`deployment.database`)
    :param target: the backup file to write
    :param force: overwrite `target` if it exists
    :param pages_per_step: pages copied per step, each step its own read transaction
    :raises BackupError: a bad path, an existing `target`, or a copy that fails its check
    """
    source_path = Path(database)
    target_path = Path(target)
    _check_paths(source_path, target_path, force)
    descriptor, temporary_name = tempfile.mkstemp(
        dir=target_path.parent, prefix=f".{target_path.name}.", suffix=".tmp"
    )
    os.close(descriptor)
    temporary = Path(temporary_name)
    try:
        steps, restarts = _copy(source_path, temporary, pages_per_step)
        pages = _check_copy(temporary)
        _sync_file(temporary)
        if force:
            os.replace(temporary, target_path)
        else:
            _name_without_overwriting(temporary, target_path)
        _sync_file(target_path.parent)
    finally:
        _remove_with_log(temporary)
    return BackupResult(
        path=target_path,
        size_bytes=target_path.stat().st_size,
        pages=pages,
        steps=steps,
        restarts=restarts,
    )


def _name_without_overwriting(temporary: Path, target: Path) -> None:
    """Give the copy its name unless a file took that name meanwhile (a rename would replace it;
    a hard link never does)."""
    try:
        os.link(temporary, target)
    except FileExistsError:
        raise BackupError(
            f"{target} appeared while the backup ran; give --force to overwrite it"
        ) from None
    except OSError:
        # A file system without hard links (some network and FAT mounts): check, then rename.
        if target.exists():
            raise BackupError(f"{target} appeared while the backup ran") from None
        os.rename(temporary, target)


def _check_paths(source: Path, target: Path, force: bool) -> None:
    """Refuse, with a message that says what to do, the paths a backup cannot be written with."""
    if not source.is_file():
        raise BackupError(f"no database at {source}: check deployment.database in config.toml")
    if target.is_dir():
        raise BackupError(
            f"{target} is a folder: give the backup's file name, e.g. {target}/jono.db"
        )
    if not target.parent.is_dir():
        raise BackupError(f"the folder {target.parent} does not exist: create it first")
    if not os.access(target.parent, os.W_OK | os.X_OK):
        raise BackupError(f"cannot write in the folder {target.parent}: check its owner and mode")
    if target.exists() and os.path.samefile(source, target):
        raise BackupError(f"{target} is the database itself: give another file name")
    if target.exists() and not force:
        raise BackupError(f"{target} exists: give --force to overwrite it, or another name")


def _copy(source: Path, temporary: Path, pages_per_step: int) -> tuple[int, int]:
    """Copy in steps, or in one step after MAX_RESTARTS; return (steps, restarts)."""
    steps = 0
    restarts = 0
    remaining_before: list[int] = []

    def progress(status: int, remaining: int, total: int) -> None:
        nonlocal steps, restarts
        steps += 1
        # More pages left than after the step before: another connection wrote, and SQLite
        # started the copy again from the first page.
        if remaining_before and remaining > remaining_before[-1]:
            restarts += 1
            if restarts >= MAX_RESTARTS:
                raise _TooManyRestarts
        remaining_before.append(remaining)

    live = connect(str(source))
    try:
        try:
            _backup_into(live, temporary, pages_per_step, progress)
        except _TooManyRestarts:
            _backup_into(live, temporary, -1, None)
            steps += 1
    finally:
        live.close()
    return steps, restarts


def _backup_into(live, temporary: Path, pages: int, progress) -> None:
    """One run of the backup API from the live connection into the temporary file."""
    copy = connect(str(temporary))
    try:
        live.conn.backup(copy.conn, pages=pages, progress=progress)
    finally:
        copy.close()


def _check_copy(temporary: Path) -> int:
    """Run `PRAGMA integrity_check` on the copy; return its pages, or raise BackupError."""
    copy = connect(str(temporary))
    try:
        verdict = [row[0] for row in copy.execute("PRAGMA integrity_check").fetchall()]
        pages = copy.execute("PRAGMA page_count").fetchone()[0]
    finally:
        copy.close()
    if verdict != ["ok"]:
        raise BackupError(f"the copy failed its integrity check: {'; '.join(verdict[:5])}")
    return pages


def _sync_file(path: Path) -> None:
    """fsync a file or a folder, so the copy and its name survive a power cut."""
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _remove_with_log(temporary: Path) -> None:
    """Remove the temporary copy and any -wal, -shm or -journal file SQLite left beside it."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(f"{temporary}{suffix}")
