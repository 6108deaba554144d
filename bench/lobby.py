"""Benchmark 6, the lobby crowd: 2 000 Socket.IO clients on one service point, 100 waiting, a
clerk calls 20 times while 5 kiosks issue numbers; baseline: a bare python-socketio server
under the same gevent worker broadcasting the same call event to 2 000 clients.

Reports the sockets connected, call → all heard p50/p99, the bytes of a call's event and what
the server wrote per call, the server's memory per socket, and issueTicket p50/p99 from the
kiosks while the crowd is connected."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

from bench import display
from bench.server import paired_kiosk, rss_megabytes
from bench.stats import milliseconds, percentile
from tests.e2e.conftest import LiveServer, urgent_ticket_body

CLIENTS = 2000
GROUPS = 8  # listener processes, 250 clients each
KIOSKS = 5
KIOSK_SECONDS_PER_TICKET = 0.5  # each kiosk: a number every half second during the calls
CALL_P99_TARGET = 0.250
TICKET_P99_TARGET = 0.100
RSS_PER_SOCKET_TARGET_KB = 100


def written_bytes(pid: int) -> int:
    """What the process has written through write() and send() so far (/proc/PID/io wchar)."""
    for line in Path(f"/proc/{pid}/io").read_text().splitlines():
        if line.startswith("wchar:"):
            return int(line.split()[1])
    raise RuntimeError(f"no wchar for {pid}")


def kiosks_issuing(base_url: str):
    """A while_calling function: KIOSKS kiosks issuing numbers at Helsinki until told to stop."""

    def work(done: threading.Event) -> dict:
        latencies: list[float] = []
        failures: list[str] = []

        def kiosk() -> None:
            with paired_kiosk(base_url) as session:
                while not done.is_set():
                    started = time.perf_counter()
                    response = session.post(
                        f"{base_url}/api/v1/service-points/helsinki/tickets",
                        json=urgent_ticket_body("fi"),
                        timeout=30,
                    )
                    latencies.append(time.perf_counter() - started)
                    if response.status_code != 201:
                        failures.append(str(response.status_code))
                    done.wait(KIOSK_SECONDS_PER_TICKET)

        threads = [threading.Thread(target=kiosk) for _ in range(KIOSKS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return {
            "ticket_p50": percentile(latencies, 0.5),
            "ticket_p99": percentile(latencies, 0.99),
            "tickets": len(latencies),
            "ticket_failures": len(failures),
        }

    return work


def run(directory: Path) -> tuple[list[tuple[str, str, str, str]], list[str]]:
    """Measure Jono and the bare baseline; return the table rows and the targets missed."""
    server = LiveServer(directory, deployment={"max_sockets_per_address": CLIENTS + 100})
    server.prepare()
    server.start()
    try:
        worker = server.worker_pid()
        idle_rss = rss_megabytes(worker)
        measured: dict = {}

        def on_connected() -> dict:
            measured["written"] = written_bytes(worker)
            return {"rss": rss_megabytes(worker)}

        called = display.measure_jono(
            server.url,
            on_connected=on_connected,
            clients=CLIENTS,
            groups=GROUPS,
            while_calling=kiosks_issuing(server.url),
        )
        written_per_call = (written_bytes(worker) - measured["written"]) / display.CALLS
    finally:
        server.stop()
    bare = display.measure_baseline(called["payload"], clients=CLIENTS, groups=GROUPS)
    event_bytes = len(json.dumps(called["payload"]))
    per_socket_kb = (called["rss"] - idle_rss) * 1024 / CLIENTS
    name = f"6 lobby crowd ({CLIENTS})"
    rows = [
        (name, "sockets connected", f"{CLIENTS} of {CLIENTS}", f"{CLIENTS} of {CLIENTS}"),
        (name, "call → all heard p50", milliseconds(called["p50"]), milliseconds(bare["p50"])),
        (name, "call → all heard p99", milliseconds(called["p99"]), milliseconds(bare["p99"])),
        (name, "calls not heard by all in 5 s", str(called["missed"]), str(bare["missed"])),
        (name, "a call's event", f"{event_bytes} B", "same bytes"),
        (name, "written by the server per call", f"{written_per_call / 1e6:.1f} MB", "–"),
        (name, "RSS with the crowd", f"{called['rss']:.0f} MiB", f"{idle_rss:.0f} MiB idle"),
        (name, "RSS per socket", f"{per_socket_kb:.0f} kB", "–"),
        (
            name,
            f"issueTicket p50 / p99 ({KIOSKS} kiosks, {called['tickets']} numbers)",
            f"{milliseconds(called['ticket_p50'])} / {milliseconds(called['ticket_p99'])}",
            "–",
        ),
    ]
    missed = []
    if called["missed"]:
        missed.append(f"lobby: {called['missed']} calls not heard by all")
    if called["p99"] > CALL_P99_TARGET:
        missed.append(f"lobby call → all heard p99 {milliseconds(called['p99'])} > 250 ms")
    if called["ticket_p99"] > TICKET_P99_TARGET:
        missed.append(f"lobby issueTicket p99 {milliseconds(called['ticket_p99'])} > 100 ms")
    if called["ticket_failures"]:
        missed.append(f"lobby: {called['ticket_failures']} numbers refused")
    if per_socket_kb > RSS_PER_SOCKET_TARGET_KB:
        missed.append(f"lobby RSS per socket {per_socket_kb:.0f} kB > 100 kB")
    return rows, missed
