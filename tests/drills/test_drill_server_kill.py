"""Drill: `kill -9` the server in the middle of a burst of kiosk tickets, then start it again.

Every number a kiosk was given must still exist with that number, no number is ever given twice
(before or after the crash), a kiosk retrying an unanswered request with its idempotency key gets
one ticket, and live clients resynchronise from a fresh snapshot.
"""

from __future__ import annotations

import sqlite3
import threading
import time
import uuid
from pathlib import Path

import requests

from tests.e2e.conftest import urgent_ticket_body

KIOSK_THREADS = 6
TICKETS_BEFORE_KILL = 15
BURST_LIMIT_SECONDS = 20
TICKETS_AFTER_RESTART = 10


class Kiosk(threading.Thread):
    """Issues numbers one after another until told to stop, noting what it was answered."""

    def __init__(self, base_url: str, stop: threading.Event, session: requests.Session):
        super().__init__(daemon=True)
        self.base_url = base_url
        self.stop = stop
        self.session = session  # paired: its idempotency keys are its own
        self.answered: list[dict] = []  # 2xx answers: the numbers customers were given
        self.unanswered_keys: list[str] = []  # requests the crash cut off

    def run(self) -> None:
        deadline = time.monotonic() + BURST_LIMIT_SECONDS
        # The session outlives the burst: the kiosk retries with it after the restart.
        while not self.stop.is_set() and time.monotonic() < deadline:
            key = str(uuid.uuid4())
            try:
                response = self.session.post(
                    f"{self.base_url}/api/v1/service-points/helsinki/tickets",
                    json=urgent_ticket_body("fi", key),
                    timeout=5,
                )
            except requests.RequestException:
                self.unanswered_keys.append(key)
                continue
            if 200 <= response.status_code < 300:
                self.answered.append(response.json())
            else:
                self.unanswered_keys.append(key)


def stored_tickets(database: Path) -> list[tuple[int, str, str]]:
    """(id, number, day) of every ticket in the database file."""
    with sqlite3.connect(database) as connection:
        rows = connection.execute("SELECT id, number, day FROM tickets ORDER BY id").fetchall()
    connection.close()
    return rows


def test_a_killed_server_loses_no_answered_number_and_reuses_none(
    jono_server, live_client, tmp_path
):
    display = live_client("helsinki", transports=["websocket"], reconnection=True)
    counter = live_client("helsinki", transports=["polling"], reconnection=True)
    display.connect()
    counter.connect()

    stop = threading.Event()
    kiosks = [
        Kiosk(jono_server.url, stop, jono_server.pair(requests.Session(), "helsinki"))
        for _ in range(KIOSK_THREADS)
    ]
    for kiosk in kiosks:
        kiosk.start()
    deadline = time.monotonic() + BURST_LIMIT_SECONDS
    while sum(len(k.answered) for k in kiosks) < TICKETS_BEFORE_KILL:
        assert time.monotonic() < deadline, "the kiosks got too few numbers before the kill"
        time.sleep(0.01)
    jono_server.kill()  # mid-burst: the kiosks are still sending
    time.sleep(0.3)
    stop.set()
    for kiosk in kiosks:
        kiosk.join(timeout=BURST_LIMIT_SECONDS)
        assert not kiosk.is_alive()

    answered = [ticket for kiosk in kiosks for ticket in kiosk.answered]
    unanswered = [(kiosk, key) for kiosk in kiosks for key in kiosk.unanswered_keys]
    assert len({ticket["number"] for ticket in answered}) == len(answered)

    stored = {ticket_id: number for ticket_id, number, _ in stored_tickets(tmp_path / "jono.db")}
    for ticket in answered:
        assert stored.get(ticket["id"]) == ticket["number"], ticket

    jono_server.start()

    # Live clients come back by themselves and get the state as it is now.
    for client in (display, counter):
        snapshot = client.next_snapshot(timeout=15)
        waiting = {entry["number"] for queue in snapshot["queues"] for entry in queue["waiting"]}
        assert {ticket["number"] for ticket in answered} <= waiting

    # A kiosk retrying a request the crash cut off gets one number for it, old or new.
    retried = []
    for kiosk, key in unanswered[:TICKETS_AFTER_RESTART]:
        response = kiosk.session.post(
            f"{jono_server.url}/api/v1/service-points/helsinki/tickets",
            json=urgent_ticket_body("fi", key),
            timeout=10,
        )
        assert response.status_code in (200, 201), response.text
        retried.append(response.json())
    again = (
        unanswered[0][0].session.post(
            f"{jono_server.url}/api/v1/service-points/helsinki/tickets",
            json=urgent_ticket_body("fi", unanswered[0][1]),
            timeout=10,
        )
        if unanswered
        else None
    )
    fresh = []
    for _ in range(TICKETS_AFTER_RESTART):
        response = kiosks[0].session.post(
            f"{jono_server.url}/api/v1/service-points/helsinki/tickets",
            json=urgent_ticket_body("fi"),
            timeout=10,
        )
        assert response.status_code == 201, response.text
        fresh.append(response.json())
    if again is not None:
        assert again.status_code == 200
        assert again.json()["id"] == retried[0]["id"]

    given = answered + retried + fresh
    assert len({ticket["id"] for ticket in given}) == len(given)
    assert len({ticket["number"] for ticket in given}) == len(given)
    rows = stored_tickets(tmp_path / "jono.db")
    assert len({(number, day) for _, number, day in rows}) == len(rows)
    stored = {ticket_id: number for ticket_id, number, _ in rows}
    for ticket in given:
        assert stored[ticket["id"]] == ticket["number"]

    # The live clients follow the new numbers as they are issued (events of the numbers above
    # may still be on their way, so read up to this one).
    response = kiosks[0].session.post(
        f"{jono_server.url}/api/v1/service-points/helsinki/tickets",
        json=urgent_ticket_body("fi"),
        timeout=10,
    )
    for kiosk in kiosks:
        kiosk.session.close()
    assert response.status_code == 201
    for client in (display, counter):
        numbers = []
        while response.json()["number"] not in numbers:
            numbers.append((client.next_event()["ticket"] or {}).get("number"))
