"""A kiosk's burst of numbers in a process of its own, for tests/storage/test_power_cut.py.

`python -m tests.storage.power_cut_burst DATABASE [SYNCHRONOUS]`: prints its process id, then
each number on a line of its own once `issue_ticket` has returned it (after COMMIT), as a kiosk
prints the slip only after the answer. It goes on until it is killed.
"""

from __future__ import annotations

import os
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from shared.config import load_config
from shared.queue.tickets import issue_ticket
from shared.storage.connections import connect

PROJECT_ROOT = Path(__file__).resolve().parent.parent.parent
MONDAY_MORNING = datetime(2026, 11, 30, 10, 0, tzinfo=ZoneInfo("Europe/Helsinki"))
# Far more than the test waits for: the burst is cut off, never finished.
MOST_NUMBERS = 5_000


def main(database: str, synchronous: str | None) -> None:
    """Issue numbers through the domain on Jono's own connection, reporting each answer."""
    config = load_config(PROJECT_ROOT / "config.toml")
    db = connect(database)
    if synchronous:
        # Only the test's control run weakens the setting, to show the power cut it models bites.
        db.execute(f"PRAGMA synchronous = {synchronous}")
    print(os.getpid(), flush=True)
    for _ in range(MOST_NUMBERS):
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
            enforce_opening_hours=False,
        )
        print(outcome.ticket.number, flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else None)
