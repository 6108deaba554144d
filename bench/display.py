"""Benchmark 2: a clerk calls, and 200 Socket.IO clients must all see it; baseline: a bare
python-socketio server broadcasting the same payload to 200 clients.

The clients run in GROUPS processes of their own (tests/e2e/listeners.py) and report arrival times
on the shared monotonic clock."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import requests

from bench.stats import percentile
from tests.e2e.conftest import CLERK, CLERK_PASSWORD, free_port, urgent_ticket_body
from tests.e2e.listeners import ListenerGroups

CLIENTS = 200
GROUPS = 4  # listener processes, CLIENTS / GROUPS clients each
CALLS = 20
BACKLOG = 100  # people already waiting when the calls start: every event carries their list
SERVICE_POINT = "tampere"  # benchmark 1 fills Helsinki's queue with its 500 numbers
WAIT_SECONDS = 5
START_SECONDS = 60
TIME_LIMIT_SECONDS = 90  # per measurement: calls stop after this
PROJECT_ROOT = Path(__file__).resolve().parent.parent


def summary(latencies: list[float | None]) -> dict:
    """p50 and p99 of the calls every client heard, and how many calls some client missed."""
    complete = [latency for latency in latencies if latency is not None] or [float("nan")]
    return {
        "p50": percentile(complete, 0.5),
        "p99": percentile(complete, 0.99),
        "missed": sum(latency is None for latency in latencies),
    }


def call_payload(base_url: str) -> dict:
    """A queue_event as Jono sends it (with the real snapshot), for the bare baseline to send."""
    snapshot = requests.get(
        f"{base_url}/api/v1/service-points/{SERVICE_POINT}/snapshot", timeout=10
    )
    return {
        "sequence": 1,
        "type": "TicketCalled",
        "at": "2026-01-01T08:00:00Z",
        "counter": 1,
        "queue": "urgent",
        "ticket": None,
        "snapshot": snapshot.json(),
    }


def measure_jono(base_url: str, on_connected=None) -> dict:
    """CALLS calls at counter 1, each timed from the request until every client had the event.

    Also returns `payload`: a call as sent, for the baseline to broadcast the same bytes.
    """
    with requests.Session() as kiosk, requests.Session() as clerk:
        for _ in range(BACKLOG + CALLS):
            response = kiosk.post(
                f"{base_url}/api/v1/service-points/{SERVICE_POINT}/tickets",
                json=urgent_ticket_body("fi"),
                timeout=10,
            )
            assert response.status_code == 201, response.text
        response = clerk.post(
            f"{base_url}/api/v1/session",
            json={"username": CLERK, "password": CLERK_PASSWORD},
            timeout=10,
        )
        assert response.status_code == 200, response.text
        response = clerk.put(
            f"{base_url}/api/v1/counter", json={"service_point": SERVICE_POINT, "counter": 1}
        )
        assert response.status_code == 200, response.text
        payload = call_payload(base_url)
        # Gunicorn drops an idle keep-alive connection after 2 s; connecting 200 clients and
        # waiting for them takes longer, so each call opens its own (both here and in the baseline).
        clerk.headers["Connection"] = "close"
        groups = ListenerGroups(base_url, SERVICE_POINT, CLIENTS, GROUPS)
        try:
            extra = on_connected() if on_connected else {}
            latencies = []
            limit = time.monotonic() + TIME_LIMIT_SECONDS
            for _ in range(CALLS):
                if time.monotonic() > limit:
                    break
                started = time.monotonic()
                response = clerk.post(f"{base_url}/api/v1/counter/call-next", timeout=10)
                assert response.status_code == 200, response.text
                ticket = response.json()
                heard = groups.last_arrival(ticket["number"])
                latencies.append(heard - started if heard else None)
                # Free the counter for the next call (the customer did not come).
                response = clerk.post(f"{base_url}/api/v1/tickets/{ticket['id']}/no-show")
                assert response.status_code == 200, response.text
                time.sleep(0.05)  # let the last deliveries settle before the next call
        finally:
            groups.close()
    return {**summary(latencies), **extra, "payload": payload}


def measure_baseline(payload: dict) -> dict:
    """The same CALLS broadcasts of `payload` from a bare python-socketio server (gunicorn,
    one gthread worker) to CLIENTS clients, timed from the HTTP request that triggers them."""
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [sys.executable, "-m", "bench.bare_server", str(port)],
        cwd=PROJECT_ROOT,
        stdout=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                if requests.get(f"{base_url}/ready", timeout=1).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("the bare server did not start")
            time.sleep(0.1)
        groups = ListenerGroups(base_url, None, CLIENTS, GROUPS)
        latencies = []
        try:
            with requests.Session() as trigger:
                trigger.headers["Connection"] = "close"
                limit = time.monotonic() + TIME_LIMIT_SECONDS
                for call in range(CALLS):
                    if time.monotonic() > limit:
                        break
                    label = f"call-{call}"
                    started = time.monotonic()
                    response = trigger.post(
                        f"{base_url}/broadcast", json={**payload, "label": label}, timeout=10
                    )
                    assert response.status_code == 200
                    heard = groups.last_arrival(label)
                    latencies.append(heard - started if heard else None)
                    time.sleep(0.05)
        finally:
            groups.close()
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()  # open WebSockets can hold gunicorn's graceful stop
            server.wait(timeout=15)
    return summary(latencies)
