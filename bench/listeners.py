"""A group of Socket.IO listeners in a process of its own, for benchmark 2.

Run as `python -m bench.listeners URL COUNT [SERVICE_POINT]`: connects COUNT python-socketio
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
import sys
import time

import socketio

CONNECT_TIMEOUT_SECONDS = 10


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


def main() -> None:
    """Read the arguments and listen."""
    base_url, count = sys.argv[1], int(sys.argv[2])
    auth = {"service_point": sys.argv[3]} if len(sys.argv) > 3 else None
    asyncio.run(listen(base_url, count, auth))


if __name__ == "__main__":
    main()
