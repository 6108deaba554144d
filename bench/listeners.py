"""A group of Socket.IO listeners in a process of its own, for benchmark 2.

Run as `python -m bench.listeners URL COUNT [SERVICE_POINT]`: connects COUNT python-socketio
clients over WebSocket, prints `ready`, then one line `heard KEY MONOTONIC` for every call a
client hears (KEY: the ticket number of a TicketCalled event, or a baseline event's label), and
disconnects when its standard input closes. The benchmark starts several groups, so that 200
clients are not 200 threads fighting over one interpreter lock in the measuring process; the
times are time.monotonic(), one clock for every process on the machine.
"""

from __future__ import annotations

import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import requests
import socketio

CONNECT_WORKERS = 10
CONNECT_TIMEOUT_SECONDS = 10


class Listener:
    """One display: a python-socketio client that reports each call it hears."""

    def __init__(self, base_url: str, auth: dict | None, output: threading.Lock):
        self.http = requests.Session()
        # Browsers check the UTF-8 of a text frame in native code; websocket-client does it in
        # pure Python, byte by byte, which for 200 clients in one machine cost more than the
        # server's whole broadcast. The server's frames are what is measured here.
        self.client = socketio.Client(
            reconnection=False,
            http_session=self.http,
            websocket_extra_options={"skip_utf8_validation": True},
        )
        self.base_url = base_url
        self.auth = auth
        self.output = output
        self.client.on("queue_event", self.heard)

    def heard(self, event: dict) -> None:
        """Report the arrival of a call, keyed by its ticket number or label."""
        now = time.monotonic()
        if event.get("type", "TicketCalled") != "TicketCalled":
            return
        key = (event.get("ticket") or {}).get("number") or event.get("label")
        with self.output:
            sys.stdout.write(f"heard {key} {now!r}\n")
            sys.stdout.flush()

    def connect(self) -> None:
        """Connect over WebSocket."""
        self.client.connect(
            self.base_url,
            auth=self.auth,
            transports=["websocket"],
            wait_timeout=CONNECT_TIMEOUT_SECONDS,
        )

    def close(self) -> None:
        """Disconnect and close the HTTP session."""
        self.client.disconnect()
        self.client.shutdown()
        self.http.close()


def main() -> None:
    """Connect, say ready, report until standard input closes, disconnect."""
    base_url, count = sys.argv[1], int(sys.argv[2])
    auth = {"service_point": sys.argv[3]} if len(sys.argv) > 3 else None
    output = threading.Lock()
    listeners = [Listener(base_url, auth, output) for _ in range(count)]
    try:
        with ThreadPoolExecutor(CONNECT_WORKERS) as pool:
            list(pool.map(Listener.connect, listeners))
        with output:
            sys.stdout.write("ready\n")
            sys.stdout.flush()
        sys.stdin.read()
    finally:
        for listener in listeners:
            listener.close()


if __name__ == "__main__":
    main()
