"""Benchmark 2: a clerk calls, and 200 Socket.IO clients must all see it; baseline: a bare
python-socketio server broadcasting the same payload to 200 clients.

The clients run in GROUPS processes of their own (tests/e2e/listeners.py) and report arrival times
on the shared monotonic clock."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

import requests
import socketio

from bench.server import paired_kiosk
from bench.stats import percentile
from tests.e2e.conftest import (
    CLERK,
    CLERK_PASSWORD,
    free_port,
    log_in_clerk,
    urgent_ticket_body,
)
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


def call_payload(base_url: str, service_point: str = SERVICE_POINT) -> dict:
    """A TicketCalled queue_event as Jono sends it now (its delta included), heard by one client
    while a clerk calls once, for the bare baseline to broadcast the same bytes."""
    listener = socketio.Client(reconnection=False)
    heard: list[dict] = []
    called = threading.Event()

    def on_event(event):
        if event["type"] == "TicketCalled":
            heard.append(event)
            called.set()

    listener.on("queue_event", on_event)
    listener.connect(base_url, auth={"service_point": service_point}, transports=["websocket"])
    try:
        with requests.Session() as clerk:
            seat_clerk(clerk, base_url, service_point, counter=2)
            assert clerk.post(f"{base_url}/api/v1/counter/call-next", timeout=10).ok
            if not called.wait(WAIT_SECONDS):
                raise RuntimeError("the sample call was not heard")
            response = clerk.delete(f"{base_url}/api/v1/session", timeout=10)  # frees counter 2
            assert response.status_code == 204, response.text
    finally:
        listener.disconnect()
    return heard[0]


def seat_clerk(clerk: requests.Session, base_url: str, service_point: str, counter: int) -> None:
    """Log the benchmark's clerk in (with the login's CSRF token) and seat them at a counter."""
    log_in_clerk(clerk, base_url, CLERK, CLERK_PASSWORD)
    response = clerk.put(
        f"{base_url}/api/v1/counter",
        json={"service_point": service_point, "counter": counter},
        timeout=10,
    )
    assert response.status_code == 200, response.text


def measure_jono(
    base_url: str,
    on_connected=None,
    clients: int = CLIENTS,
    groups: int = GROUPS,
    clerk_url: str | None = None,
    while_calling=None,
) -> dict:
    """CALLS calls at counter 1, each timed from the request until every client had the event.

    Also returns `payload`: a call as sent, for the baseline to broadcast the same bytes.

    :param clients: listeners, in `groups` processes, connected to `base_url`
    :param clerk_url: where the clerk calls (another process of the same deployment), if not there
    :param while_calling: started (and returned from) once the listeners are connected: its
        result joins the figures, e.g. kiosks issuing numbers during the calls
    """
    clerk_url = clerk_url or base_url
    with paired_kiosk(clerk_url) as kiosk, requests.Session() as clerk:
        for _ in range(BACKLOG + CALLS + 1):
            response = kiosk.post(
                f"{clerk_url}/api/v1/service-points/{SERVICE_POINT}/tickets",
                json=urgent_ticket_body("fi"),
                timeout=10,
            )
            assert response.status_code == 201, response.text
        payload = call_payload(base_url)
        seat_clerk(clerk, clerk_url, SERVICE_POINT, counter=1)
        # Gunicorn drops an idle keep-alive connection after 2 s; connecting 200 clients and
        # waiting for them takes longer, so each call opens its own (both here and in the baseline).
        clerk.headers["Connection"] = "close"
        listeners = ListenerGroups(base_url, SERVICE_POINT, clients, groups)
        background = BackgroundWork(while_calling)
        try:
            extra = on_connected() if on_connected else {}
            background.start()
            latencies = []
            limit = time.monotonic() + TIME_LIMIT_SECONDS
            for _ in range(CALLS):
                if time.monotonic() > limit:
                    break
                started = time.monotonic()
                response = clerk.post(f"{clerk_url}/api/v1/counter/call-next", timeout=10)
                assert response.status_code == 200, response.text
                ticket = response.json()
                heard = listeners.last_arrival(ticket["number"])
                latencies.append(heard - started if heard else None)
                # Free the counter for the next call (the customer did not come).
                response = clerk.post(f"{clerk_url}/api/v1/tickets/{ticket['id']}/no-show")
                assert response.status_code == 200, response.text
                time.sleep(0.05)  # let the last deliveries settle before the next call
        finally:
            extra = {**extra, **background.finish()}
            listeners.close()
    return {**summary(latencies), **extra, "payload": payload}


class BackgroundWork:
    """A function run in a thread while the calls go on: it gets an Event set when they end."""

    def __init__(self, work) -> None:
        self.work = work
        self.done = threading.Event()
        self.result: dict = {}
        self.thread = threading.Thread(target=self._run, daemon=True) if work else None

    def _run(self) -> None:
        self.result = self.work(self.done)

    def start(self) -> None:
        """Begin the work (if any)."""
        if self.thread is not None:
            self.thread.start()

    def finish(self) -> dict:
        """End the work and return its figures."""
        self.done.set()
        if self.thread is not None and self.thread.is_alive():
            self.thread.join(TIME_LIMIT_SECONDS)
        return self.result


def measure_baseline(payload: dict, clients: int = CLIENTS, groups: int = GROUPS) -> dict:
    """The same CALLS broadcasts of `payload` from a bare python-socketio server (gunicorn,
    one gevent worker) to `clients` clients, timed from the HTTP request that triggers them."""
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
        listeners = ListenerGroups(base_url, None, clients, groups)
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
                        f"{base_url}/broadcast",
                        json={**payload, "ticket": None, "label": label},
                        timeout=10,
                    )
                    assert response.status_code == 200
                    heard = listeners.last_arrival(label)
                    latencies.append(heard - started if heard else None)
                    time.sleep(0.05)
        finally:
            listeners.close()
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()  # open WebSockets can hold gunicorn's graceful stop
            server.wait(timeout=15)
    return summary(latencies)
