"""`jono worker` as its own process: it sends what is due, and a stopped one resumes cleanly."""

from __future__ import annotations

import dataclasses
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime

from shared.appointments import slots
from shared.config import load_config
from shared.storage.connections import connect
from shared.storage.migrations import migrate
from tests.conftest import PROJECT_ROOT
from tests.notification_helpers import SmtpServer, book, free_port


def write_config(tmp_path, smtp_port: int):
    """config.toml with the database in tmp_path and e-mail to the loopback port."""
    source = (PROJECT_ROOT / "config.toml").read_text(encoding="utf-8")
    source = source.replace('database = "jono.db"', f'database = "{tmp_path / "jono.db"}"')
    source += f"\n[notifications]\nsmtp_port = {smtp_port}\npoll_seconds = 0.2\n"
    path = tmp_path / "config.toml"
    path.write_text(source, encoding="utf-8")
    return path


def book_now(config, count: int):
    """Book `count` free times from now on the real clock (the worker runs on it)."""
    db = connect(config.database)
    migrate(db)
    now = datetime.now(UTC)
    search = slots.search_free_slots(
        db, config, service_point_ids=["helsinki"], category="travel_document", party_size=1,
        now=now, days=14,
    )  # fmt: skip
    for index, slot in enumerate(search.slots[:count]):
        book(db, config, slot.starts_at, now, email=f"p{index}@example.fi")
    db.close()


def worker(path, *options):
    """Start `jono worker` in its own process."""
    return subprocess.Popen(
        [sys.executable, "-m", "shared.cli.commands", "--config", str(path), "worker", *options],
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={
            **{k: v for k, v in os.environ.items() if k != "JONO_DATABASE"},
            "PYTHONPATH": str(PROJECT_ROOT),
        },
    )


def test_jono_worker_sends_and_a_restart_sends_nothing_twice(tmp_path):
    smtp = SmtpServer(free_port())
    smtp.start()
    try:
        path = write_config(tmp_path, smtp.port)
        config = load_config(path)
        assert config.database == str(tmp_path / "jono.db")
        book_now(dataclasses.replace(config), 3)
        process = worker(path)
        deadline = time.monotonic() + 20
        while len(smtp.mailbox.messages) < 3:
            assert time.monotonic() < deadline, "the worker sent nothing"
            time.sleep(0.05)
        process.send_signal(signal.SIGTERM)
        _, errors = process.communicate(timeout=20)
        assert process.returncode == 0, errors
        again = worker(path, "--once")
        output, errors = again.communicate(timeout=20)
        assert again.returncode == 0, errors
        assert "Sent 0 messages." in output
        recipients = sorted(rcpt[0] for rcpt, _ in smtp.mailbox.messages)
        assert recipients == [f"p{i}@example.fi" for i in range(3)]
    finally:
        smtp.stop()
