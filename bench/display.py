"""Benchmark 2: a clerk calls, and 200 Socket.IO clients must all see it; baseline: a bare
python-socketio server broadcasting the same payload to 200 clients."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests
import socketio

from bench.stats import percentile
from tests.e2e.conftest import CLERK, CLERK_PASSWORD, free_port, urgent_ticket_body

CLIENTS = 200
CALLS = 20
CONNECT_WORKERS = 20
WAIT_SECONDS = 5
TIME_LIMIT_SECONDS = 90  # per measurement: calls stop after this


class Listener:
    """One display: a python-socketio client noting when each event arrives."""

    def __init__(self, base_url: str, arrivals: dict, lock: threading.Lock, auth: dict | None):
        self.http = requests.Session()
        self.client = socketio.Client(reconnection=False, http_session=self.http)
        self.base_url = base_url
        self.auth = auth
        self.client.on("queue_event", self.heard)
        self.arrivals = arrivals
        self.lock = lock

    def heard(self, event: dict) -> None:
        """Note the arrival time of a call (keyed by the ticket number or the event's label)."""
        key = (event.get("ticket") or {}).get("number") or event.get("label")
        if event.get("type", "TicketCalled") != "TicketCalled":
            return
        now = time.perf_counter()
        with self.lock:
            self.arrivals.setdefault(key, []).append(now)

    def connect(self) -> None:
        """Connect over WebSocket."""
        self.client.connect(
            self.base_url, auth=self.auth, transports=["websocket"], wait_timeout=WAIT_SECONDS
        )

    def close(self) -> None:
        """Disconnect and close the HTTP session."""
        self.client.disconnect()
        self.client.shutdown()
        self.http.close()


def connect_listeners(
    base_url: str, auth: dict | None
) -> tuple[list[Listener], dict, threading.Lock]:
    """CLIENTS connected listeners."""
    arrivals: dict = {}
    lock = threading.Lock()
    listeners = [Listener(base_url, arrivals, lock, auth) for _ in range(CLIENTS)]
    with ThreadPoolExecutor(CONNECT_WORKERS) as pool:
        list(pool.map(Listener.connect, listeners))
    return listeners, arrivals, lock


def wait_for_all(arrivals: dict, lock: threading.Lock, key: str) -> float | None:
    """The time the last of CLIENTS listeners heard `key`; None if some never did."""
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        with lock:
            heard = arrivals.get(key, [])
            if len(heard) >= CLIENTS:
                return max(heard)
        time.sleep(0.0005)
    return None


def summary(latencies: list[float | None]) -> dict:
    """p50 and p99 of the calls every client heard, and how many calls some client missed."""
    complete = [latency for latency in latencies if latency is not None] or [float("nan")]
    return {
        "p50": percentile(complete, 0.5),
        "p99": percentile(complete, 0.99),
        "missed": sum(latency is None for latency in latencies),
    }


def measure_jono(base_url: str, on_connected=None) -> dict:
    """CALLS calls at counter 1, each timed from the request until every client had the event."""
    with requests.Session() as kiosk, requests.Session() as clerk:
        for _ in range(CALLS):
            response = kiosk.post(
                f"{base_url}/api/v1/service-points/helsinki/tickets",
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
            f"{base_url}/api/v1/counter", json={"service_point": "helsinki", "counter": 1}
        )
        assert response.status_code == 200, response.text
        # Gunicorn drops an idle keep-alive connection after 2 s; connecting 200 clients and
        # waiting for them takes longer, so each call opens its own (both here and in the baseline).
        clerk.headers["Connection"] = "close"
        listeners, arrivals, lock = connect_listeners(base_url, {"service_point": "helsinki"})
        try:
            extra = on_connected() if on_connected else {}
            latencies = []
            limit = time.monotonic() + TIME_LIMIT_SECONDS
            for _ in range(CALLS):
                if time.monotonic() > limit:
                    break
                started = time.perf_counter()
                response = clerk.post(f"{base_url}/api/v1/counter/call-next", timeout=10)
                assert response.status_code == 200, response.text
                ticket = response.json()
                heard = wait_for_all(arrivals, lock, ticket["number"])
                latencies.append(heard - started if heard else None)
                # Free the counter for the next call (the customer did not come).
                response = clerk.post(f"{base_url}/api/v1/tickets/{ticket['id']}/no-show")
                assert response.status_code == 200, response.text
                time.sleep(0.05)  # let the last deliveries settle before the next call
        finally:
            for listener in listeners:
                listener.close()
    return {**summary(latencies), **extra}


def measure_baseline(payload: dict) -> dict:
    """The same CALLS broadcasts of `payload` from a bare python-socketio server (gunicorn,
    one gthread worker) to CLIENTS clients, timed from the HTTP request that triggers them."""
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [sys.executable, "-m", "bench.bare_server", str(port)],
        cwd=Path(__file__).resolve().parent.parent,
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
        listeners, arrivals, lock = connect_listeners(base_url, None)
        latencies = []
        try:
            with requests.Session() as trigger:
                trigger.headers["Connection"] = "close"
                limit = time.monotonic() + TIME_LIMIT_SECONDS
                for call in range(CALLS):
                    if time.monotonic() > limit:
                        break
                    label = f"call-{call}"
                    started = time.perf_counter()
                    response = trigger.post(
                        f"{base_url}/broadcast", json={**payload, "label": label}, timeout=10
                    )
                    assert response.status_code == 200
                    heard = wait_for_all(arrivals, lock, label)
                    latencies.append(heard - started if heard else None)
                    time.sleep(0.05)
        finally:
            for listener in listeners:
                listener.close()
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()  # open WebSockets can hold gunicorn's graceful stop
            server.wait(timeout=15)
    return summary(latencies)
