"""A group of Socket.IO listeners in a process of its own (the lobby tests and benchmarks).

Run as `python -m tests.e2e.listeners URL COUNT [SERVICE_POINT]`: connects COUNT python-socketio
clients over WebSocket, prints `ready`, then one line `heard KEY MONOTONIC` for every call a
client hears (KEY: the ticket number of a TicketCalled event, or a baseline event's label), and
disconnects when its standard input closes. The times are time.monotonic(), one clock for every
process on the machine.

The clients are asyncio ones (socketio.AsyncClient on aiohttp), several processes of them: the
threaded client gives each of its 200 clients reader threads and a new thread per event, in one
interpreter, and its websocket-client checks UTF-8 byte by byte in Python; the benchmark then
measured its own harness more than the server (a bare python-socketio broadcast of 13 kB took
some 250 ms to reach them all, against about 70 ms to these).
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import threading
import time
from pathlib import Path

import socketio

CONNECT_TIMEOUT_SECONDS = 10
START_SECONDS = 60  # for every client of every group to connect
WAIT_SECONDS = 5  # for every client to hear one event
PROJECT_ROOT = Path(__file__).resolve().parents[2]


def report(line: str) -> None:
    """One line to the benchmark, at once."""
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def heard(event: dict) -> None:
    """Report the arrival of a call, keyed by its ticket number or label."""
    now = time.monotonic()
    if event.get("type", "TicketCalled") != "TicketCalled":
        return
    key = (event.get("ticket") or {}).get("number") or event.get("label")
    report(f"heard {key} {now!r}")


async def listen(base_url: str, count: int, auth: dict | None) -> None:
    """Connect `count` clients, say ready, report until standard input closes, disconnect."""
    clients = []
    for _ in range(count):
        client = socketio.AsyncClient(reconnection=False)
        client.on("queue_event", heard)
        clients.append(client)
    try:
        await asyncio.gather(
            *[
                client.connect(
                    base_url,
                    auth=auth,
                    transports=["websocket"],
                    wait_timeout=CONNECT_TIMEOUT_SECONDS,
                )
                for client in clients
            ]
        )
        report("ready")
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
    finally:
        for client in clients:
            await client.disconnect()


class ListenerGroups:
    """`groups` processes of these listeners, `clients` in all, and the arrival times they report
    by key. Made only once every client is connected; RuntimeError if they could not all connect.
    """

    def __init__(
        self,
        base_url: str,
        service_point: str | None,
        clients: int,
        groups: int,
    ):
        self.clients = clients
        per_group = clients // groups
        arguments = [base_url, str(per_group)] + ([service_point] if service_point else [])
        self.arrivals: dict[str, list[float]] = {}
        self.changed = threading.Condition()
        self.processes = [
            subprocess.Popen(
                [sys.executable, "-m", "tests.e2e.listeners", *arguments],
                cwd=PROJECT_ROOT,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
            )
            for _ in range(groups)
        ]
        self.ready = 0
        self.readers = [
            threading.Thread(target=self._read, args=(process,), daemon=True)
            for process in self.processes
        ]
        for reader in self.readers:
            reader.start()
        with self.changed:
            if not self.changed.wait_for(lambda: self.ready == groups, START_SECONDS):
                self.close()
                raise RuntimeError("the listeners did not connect")

    def _read(self, process: subprocess.Popen) -> None:
        """Collect one group's lines until it ends."""
        for line in process.stdout:
            words = line.split()
            with self.changed:
                if words == ["ready"]:
                    self.ready += 1
                elif words and words[0] == "heard":
                    self.arrivals.setdefault(words[1], []).append(float(words[2]))
                self.changed.notify_all()

    def last_arrival(self, key: str) -> float | None:
        """When the last of the clients heard `key` (monotonic); None after WAIT_SECONDS."""
        with self.changed:
            if self.changed.wait_for(
                lambda: len(self.arrivals.get(key, [])) >= self.clients, WAIT_SECONDS
            ):
                return max(self.arrivals[key])
        return None

    def close(self) -> None:
        """Disconnect every client and end the processes."""
        for process in self.processes:
            try:
                process.stdin.close()
            except BrokenPipeError:
                pass
        for process in self.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            process.stdout.close()


def main() -> None:
    """Read the arguments and listen."""
    base_url, count = sys.argv[1], int(sys.argv[2])
    auth = {"service_point": sys.argv[3]} if len(sys.argv) > 3 else None
    asyncio.run(listen(base_url, count, auth))


if __name__ == "__main__":
    main()
