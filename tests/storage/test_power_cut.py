"""A burst of numbers cut off mid-write: every number a kiosk was answered survives.

What a real power cut leaves cannot be produced on this machine: that needs a disk or a virtual
machine whose power can be pulled, or a block device that drops unflushed writes (dm-flakey,
root only). Python's sqlite3 has no hook for a VFS that could drop them either. Two honest
approximations instead, both running the real domain code (`issue_ticket` on Jono's own
`connect`) in a child process that reports each answered number on a pipe, killed mid-burst:

- **A killed process** (SIGKILL, no strace needed): the files it leaves are what the kernel's page
  cache holds, which a power cut does *not* keep. This shows that an interrupted transaction is
  rolled back whole by SQLite's recovery and that no answered number is lost when the process
  dies; it passes with `synchronous = NORMAL` too, so it says nothing about fsync.
- **A power cut at the last fsync** (needs strace): the child runs under `strace`, which records
  every write and every fsync/fdatasync of the database files in order. Replaying the record
  gives each file as it stood at its last completed fsync, which is what a disk keeps when
  power goes before the kernel writes anything more (a new file's name counts only after its
  folder was synced too). It shows that every answered number had reached stable storage before
  it was answered, and the same run with `synchronous = NORMAL` loses answered numbers, so the
  test can tell the two apart. It assumes the disk honours fsync (no lying write cache) and
  writes of 4 KiB sectors whole; it does not model writes reordered *before* an fsync, which
  only helps durability.

`tests/storage/test_durable_numbers.py` shows `synchronous = FULL` on every kind of connection
Jono opens.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

from shared.storage.connections import connect
from shared.storage.migrations import migrate
from tests.conftest import PROJECT_ROOT

# Enough commits for several WAL frames each, few enough that no checkpoint runs in between
# (SQLite checkpoints after 1000 frames): the cut finds the numbers in the log, not the file.
ANSWERED_BEFORE_THE_CUT = 30
TRACED_CALLS = "pwrite64,fsync,fdatasync,ftruncate"
HEX = r"(?:\\x[0-9a-f]{2})*"
# strace -xx -yy prints every byte and every path as \xNN; a call cut off by the kill is printed
# "<unfinished ...>" and matches none of these, so it counts as never completed.
TRACE_LINE = re.compile(
    rf"^(?P<call>pwrite64|fsync|fdatasync|ftruncate)\(\d+<(?P<path>{HEX})>(?P<arguments>.*)\)"
    r" += (?P<result>-?\d+)$"
)
WRITE_ARGUMENTS = re.compile(rf'^, "(?P<data>{HEX})", (?P<count>\d+), (?P<offset>\d+)$')
TRUNCATE_ARGUMENTS = re.compile(r"^, (?P<length>\d+)$")


def hex_bytes(text: str) -> bytes:
    """The bytes of an strace string printed with -xx."""
    return bytes.fromhex(text.replace("\\x", ""))


def strace_works() -> bool:
    """Whether strace is installed and may trace a child here (containers may forbid ptrace)."""
    if shutil.which("strace") is None:
        return False
    probe = subprocess.run(
        ["strace", "-o", os.devnull, "true"], capture_output=True, check=False, timeout=30
    )
    return probe.returncode == 0


def fresh_database(folder: Path) -> Path:
    """A migrated database, closed (so its log is checkpointed into it) and synced to disk."""
    folder.mkdir()
    path = folder / "jono.db"
    db = connect(str(path))
    migrate(db)
    db.close()
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
    assert not Path(f"{path}-wal").exists()
    return path


def run_burst_and_cut(database: Path, synchronous: str | None, trace: Path | None) -> list[str]:
    """Start the burst, kill it (SIGKILL) once it has answered ANSWERED_BEFORE_THE_CUT numbers,
    and return every number it answered before it died."""
    command = [sys.executable, "-m", "tests.storage.power_cut_burst", str(database)]
    if synchronous:
        command.append(synchronous)
    if trace:
        command = ["strace", "-o", str(trace), "-xx", "-yy", "-s", "1000000",
                   "-e", f"trace={TRACED_CALLS}", *command]  # fmt: skip
    with subprocess.Popen(command, cwd=PROJECT_ROOT, stdout=subprocess.PIPE, text=True) as process:
        try:
            child = int(process.stdout.readline())
            answered = []
            while len(answered) < ANSWERED_BEFORE_THE_CUT:
                line = process.stdout.readline()
                assert line, "the burst ended before it was cut off"
                answered.append(line.strip())
            # The cut: the child is somewhere in its next number, most often inside SQLite.
            os.kill(child, signal.SIGKILL)
            # What it answered between the last line read and the kill was answered too.
            answered += [line.strip() for line in process.stdout]
            process.wait(timeout=60)
        finally:
            if process.poll() is None:
                process.kill()
    return answered


def numbers_in(database: Path) -> list[str]:
    """Open the database as Jono starts on it (recovering its log) and list its numbers."""
    db = connect(str(database))
    try:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert migrate(db) == 0
        return [
            row[0]
            for row in db.execute(
                "SELECT number FROM tickets WHERE issued_queue = 'urgent' ORDER BY sequence"
            )
        ]
    finally:
        db.close()


def image_at_last_fsync(trace: Path, initial: dict[Path, bytes]) -> dict[Path, bytes]:
    """Replay the traced writes: each file's bytes as of its last fsync, and only the new files
    whose folder was synced after they were first written (else their name may be gone)."""
    current = {path: bytearray(content) for path, content in initial.items()}
    synced = dict(initial)
    first_written: dict[Path, int] = {}
    named: set[Path] = set(initial)
    for index, line in enumerate(trace.read_text().splitlines()):
        match = TRACE_LINE.match(line)
        if not match or int(match["result"]) < 0:
            continue
        path = Path(hex_bytes(match["path"]).decode())
        call, arguments = match["call"], match["arguments"]
        if call == "pwrite64":
            write = WRITE_ARGUMENTS.match(arguments)
            assert write, f"a write strace did not print whole: {line[:200]}"
            data, offset = hex_bytes(write["data"]), int(write["offset"])
            assert len(data) == int(write["count"]) == int(match["result"])
            content = current.setdefault(path, bytearray())
            first_written.setdefault(path, index)
            if len(content) < offset:
                content.extend(bytes(offset - len(content)))
            content[offset : offset + len(data)] = data
        elif call == "ftruncate":
            length = int(TRUNCATE_ARGUMENTS.match(arguments)["length"])
            content = current.setdefault(path, bytearray())
            del content[length:]
            content.extend(bytes(length - len(content)))
        elif path in current:
            synced[path] = bytes(current[path])
        else:  # a folder: the names of the files first written in it before now are kept
            named |= {file for file, at in first_written.items() if file.parent == path}
    return {path: content for path, content in synced.items() if path in named}


def write_image(image: dict[Path, bytes], original: Path, folder: Path) -> Path:
    """The database files of the image in a new folder, under the same names, without -shm (its
    content is rebuilt from the log by the first connection, and is no durable state)."""
    folder.mkdir()
    for path, content in image.items():
        if path.parent == original.parent and not path.name.endswith("-shm"):
            (folder / path.name).write_bytes(content)
    return folder / original.name


def test_a_killed_burst_keeps_every_answered_number(tmp_path):
    database = fresh_database(tmp_path / "live")
    answered = run_burst_and_cut(database, None, trace=None)
    # The file set as the killed process left it, copied as it is, -wal and -shm included.
    left = tmp_path / "left"
    shutil.copytree(database.parent, left)
    recovered = numbers_in(left / database.name)
    assert recovered[: len(answered)] == answered
    # At most the number being committed at the kill, whose answer never came, is there as well.
    assert len(recovered) - len(answered) in (0, 1)
    assert recovered == [f"A{sequence:03d}" for sequence in range(1, len(recovered) + 1)]


def test_every_answered_number_survives_a_power_cut_at_the_last_fsync(tmp_path):
    assert strace_works(), "strace is missing or may not trace here: `make test` installs it"
    database = fresh_database(tmp_path / "live")
    initial = {database: database.read_bytes()}
    trace = tmp_path / "burst.trace"
    answered = run_burst_and_cut(database, None, trace)
    image = write_image(image_at_last_fsync(trace, initial), database, tmp_path / "cut")
    recovered = numbers_in(image)
    assert recovered[: len(answered)] == answered
    assert len(recovered) - len(answered) in (0, 1)


def test_the_same_power_cut_loses_answered_numbers_with_synchronous_normal(tmp_path):
    """The control: the model of a power cut above is strict enough to catch the old setting."""
    assert strace_works(), "strace is missing or may not trace here: `make test` installs it"
    database = fresh_database(tmp_path / "live")
    initial = {database: database.read_bytes()}
    trace = tmp_path / "burst.trace"
    answered = run_burst_and_cut(database, "NORMAL", trace)
    image = write_image(image_at_last_fsync(trace, initial), database, tmp_path / "cut")
    lost = set(answered) - set(numbers_in(image))
    assert lost, "with NORMAL the log is synced only at a checkpoint: the answered numbers go"
    # Killed without a power cut, the same run kept them all: it is the cut that loses them.
    assert numbers_in(database)[: len(answered)] == answered
