"""Two `jono serve` processes on one database and a real redis-server: every display client gets
every event once and in order, whichever process committed it, and the office survives the
loss of the process that relays the events."""

from __future__ import annotations

import sqlite3
import time

import pytest
import requests

from tests.e2e.conftest import (
    ALL_POINTS,
    CLERK,
    CLERK_PASSWORD,
    LiveClient,
    LiveServer,
    RedisServer,
    log_in_clerk,
    urgent_ticket_body,
)

TAKEOVER_SECONDS = 15  # the relay lease runs out after 3 s; generous for a loaded machine


@pytest.fixture
def redis_url(tmp_path):
    """A redis-server of this test's own on a free loopback port (Debian's package)."""
    server = RedisServer(tmp_path)
    try:
        yield server.url
    finally:
        server.stop()


@pytest.fixture
def two_servers(tmp_path, redis_url):
    """Two `jono serve` processes sharing one database and the Redis message queue."""
    shared = {"JONO_MESSAGE_QUEUE": redis_url}
    first = LiveServer(tmp_path, name="first", environment=shared)
    second = LiveServer(tmp_path, name="second", environment=shared)
    first.prepare()
    started = []
    try:
        for server in (first, second):
            server.start()
            started.append(server)
        yield first, second
    finally:
        for server in started:
            server.stop()


def relay_holder(server: LiveServer) -> str:
    """Which process holds the relay lease now (its holder text names its worker's pid)."""
    database = server.environment["JONO_DATABASE"]
    with sqlite3.connect(database) as connection:
        row = connection.execute("SELECT holder FROM relay_lease").fetchone()
    connection.close()
    return row[0] if row else ""


def wait_for_relay(servers) -> LiveServer:
    """The server whose worker holds the relay lease, once one does."""
    deadline = time.monotonic() + TAKEOVER_SECONDS
    while time.monotonic() < deadline:
        holder = relay_holder(servers[0])
        for server in servers:
            if server.process is not None and f":{server.worker_pid()}:" in holder:
                return server
        time.sleep(0.1)
    pytest.fail("no process took the relay lease")


def seated_clerk(server: LiveServer, counter: int) -> requests.Session:
    """A clerk logged in at `server` and seated at a Helsinki counter."""
    session = requests.Session()
    log_in_clerk(session, server.url, CLERK if counter == 1 else "clerk2", CLERK_PASSWORD)
    seat = {"service_point": "helsinki", "counter": counter}
    assert session.put(f"{server.url}/api/v1/counter", json=seat, timeout=10).ok
    return session


KIOSKS: dict[LiveServer, requests.Session] = {}  # a paired kiosk session per live server


def events_until(client: LiveClient, sequence: int) -> list[dict]:
    """The events a client receives until it has seen `sequence`."""
    received = []
    while not received or received[-1]["sequence"] < sequence:
        received.append(client.next_event(timeout=TAKEOVER_SECONDS))
    return received


def issue(server: LiveServer) -> dict:
    """An urgent number from `server`'s kiosk API (a kiosk paired once per server)."""
    if server not in KIOSKS:
        KIOSKS[server] = server.pair(requests.Session(), "helsinki")
    response = KIOSKS[server].post(
        f"{server.url}/api/v1/service-points/helsinki/tickets",
        json=urgent_ticket_body(),
        timeout=10,
    )
    assert response.status_code == 201, response.text
    return response.json()


def test_events_from_both_processes_reach_every_client_once_and_in_order(two_servers):
    first, second = two_servers
    first.run_command(
        "users", "add", "clerk2", "--service-points", ALL_POINTS, stdin=CLERK_PASSWORD + "\n"
    )
    wait_for_relay(two_servers)
    displays = [LiveClient(server.url, "helsinki", ["websocket"], False) for server in two_servers]
    try:
        starts = [display.connect()["sequence"] for display in displays]
        clerks = [seated_clerk(first, 1), seated_clerk(second, 2)]
        numbers = [issue(server)["number"] for server in (first, second, first, second)]
        called = [
            clerk.post(f"{server.url}/api/v1/counter/call-next", timeout=10).json()
            for clerk, server in zip(clerks, two_servers, strict=True)
        ]
        last = max(starts) + 2 + 4 + 2  # two counters opened, four issued, two called
        for display, start in zip(displays, starts, strict=True):
            sequences = [event["sequence"] for event in events_until(display, last)]
            assert sequences == list(range(start + 1, last + 1))  # once each, in order
            state = display.page.snapshot
            assert state["sequence"] == last and not display.page.needs_snapshot
            assert {call["number"] for call in state["recent_calls"]} == {
                ticket["number"] for ticket in called
            }
        assert {ticket["number"] for ticket in called} == set(numbers[:2])
    finally:
        for display in displays:
            display.close()


def test_killing_the_relay_loses_no_event_for_the_clients_of_the_other(two_servers):
    relay = wait_for_relay(two_servers)
    survivor = next(server for server in two_servers if server is not relay)
    watcher = LiveClient(survivor.url, "helsinki", ["websocket"], False)
    try:
        start = watcher.connect()["sequence"]
        before = issue(relay)
        events_until(watcher, start + 1)
        relay.kill()
        after = [issue(survivor) for _ in range(3)]  # committed while no relay is alive, maybe
        received = events_until(watcher, start + 4)
        assert wait_for_relay([survivor]) is survivor
        sequences = sorted({event["sequence"] for event in received})
        assert sequences == list(range(start + 2, start + 5))  # none lost
        issued = [e["ticket"]["number"] for e in received if e["type"] == "TicketIssued"]
        assert [ticket["number"] for ticket in after] == list(dict.fromkeys(issued))
        waiting = {
            entry["number"]
            for queue in watcher.page.snapshot["queues"]
            for entry in queue["waiting"]
        }
        assert {before["number"], *(ticket["number"] for ticket in after)} <= waiting

        # A page of the killed process reconnects to the other: a snapshot, then the next event.
        moved = LiveClient(survivor.url, "helsinki", ["websocket"], False)
        try:
            snapshot = moved.connect()
            assert snapshot["sequence"] == start + 4
            issue(survivor)
            assert moved.next_event(timeout=TAKEOVER_SECONDS)["sequence"] == start + 5
        finally:
            moved.close()
    finally:
        watcher.close()
