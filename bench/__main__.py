"""Run every benchmark against a live `jono serve` on loopback and print the results table.

`make bench` (or `.venv/bin/python -m bench`). Each benchmark measures a bare baseline in the same
run, so the ratio holds on a noisy machine. Nothing leaves 127.0.0.1.
"""

from __future__ import annotations

import os
import platform
import tempfile
from pathlib import Path

from bench import display, tickets
from bench.server import BenchServer, rss_megabytes
from bench.stats import print_table

TICKET_P99_TARGET = 0.050
CALL_P99_TARGET = 0.100


def milliseconds(seconds: float) -> str:
    """A duration for the table."""
    return f"{seconds * 1000:.1f} ms"


def machine() -> str:
    """CPUs, CPU model and Python version of this machine."""
    model = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    return f"{os.cpu_count()} CPUs ({model}), Python {platform.python_version()}"


def booking_rush() -> list[tuple[str, str, str, str]]:
    """Benchmark 3, booking rush (1000 attempts on 100 places): TODO, waits for the appointments
    API (booking/ and shared/slots.py); the lead wires it in when that API has landed."""
    return [("3 booking rush", "TODO: waits for the appointments API", "–", "–")]


def free_slot_search() -> list[tuple[str, str, str, str]]:
    """Benchmark 4, free-slot search over 25 service points × 90 days: TODO, waits for the
    appointments API (shared/slots.py)."""
    return [("4 free-slot search", "TODO: waits for the appointments API", "–", "–")]


def main() -> None:
    """Start the server, run the benchmarks, print the table."""
    rows = []
    with tempfile.TemporaryDirectory(prefix="jono-bench-") as directory:
        server = BenchServer(Path(directory))
        server.prepare()
        server.start()
        try:
            issued = tickets.measure_http(server.url)
            bare = tickets.measure_baseline(server.config_path)
            rows += [
                ("1 ticket issuing", "tickets/s", f"{issued['rate']:.0f}", f"{bare['rate']:.0f}"),
                ("1 ticket issuing", "p50", milliseconds(issued["p50"]), milliseconds(bare["p50"])),
                ("1 ticket issuing", "p99", milliseconds(issued["p99"]), milliseconds(bare["p99"])),
            ]
            worker = server.worker_pid()
            idle_rss = rss_megabytes(worker)
            called = display.measure_jono(
                server.url, on_connected=lambda: {"rss": rss_megabytes(worker)}
            )
        finally:
            server.stop()
    broadcast = display.measure_baseline(called["payload"])
    rows += [
        ("2 call → display", "p50", milliseconds(called["p50"]), milliseconds(broadcast["p50"])),
        ("2 call → display", "p99", milliseconds(called["p99"]), milliseconds(broadcast["p99"])),
        (
            "2 call → display",
            f"calls not heard by all {display.CLIENTS} in {display.WAIT_SECONDS} s",
            f"{called['missed']} of {display.CALLS}",
            f"{broadcast['missed']} of {display.CALLS}",
        ),
        *booking_rush(),
        *free_slot_search(),
        (
            "5 server memory",
            "RSS, 200 sockets open",
            f"{called['rss']:.0f} MiB",
            f"{idle_rss:.0f} MiB with none",
        ),
    ]
    print(f"Machine: {machine()}")
    print(
        f"{tickets.KIOSKS} kiosks × {tickets.TICKETS_PER_KIOSK} tickets;"
        f" {display.CLIENTS} Socket.IO clients in {display.GROUPS} processes × {display.CALLS}"
        f" calls, {display.BACKLOG} waiting\n"
    )
    print_table(rows)
    missed = []
    if issued["p99"] > TICKET_P99_TARGET:
        missed.append(f"ticket p99 {milliseconds(issued['p99'])} > 50 ms")
    if called["p99"] > CALL_P99_TARGET:
        missed.append(f"call → display p99 {milliseconds(called['p99'])} > 100 ms")
    print("\nTargets: " + ("; ".join(missed) if missed else "all met"))


if __name__ == "__main__":
    main()
