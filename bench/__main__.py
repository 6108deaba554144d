"""Run every benchmark against a live `jono serve` on loopback and print the results table.

`make bench` (or `.venv/bin/python -m bench`). Each benchmark measures a bare baseline in the same
run, so the ratio holds on a noisy machine. Nothing leaves 127.0.0.1.
"""

from __future__ import annotations

import os
import platform
import tempfile
from pathlib import Path

from bench import booking_rush as rush_benchmark
from bench import (
    display,
    lobby,
    manager_statistics,
    slot_search,
    tickets,
    two_processes,
    year_history,
)
from bench.server import rss_megabytes
from bench.stats import milliseconds, print_table
from tests.e2e.conftest import LiveServer

TICKET_P99_TARGET = 0.050
CALL_P99_TARGET = 0.100
BOOKING_P99_TARGET = 0.250
SEARCH_P99_TARGET = 0.020


def machine() -> str:
    """CPUs, CPU model and Python version of this machine."""
    model = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    return f"{os.cpu_count()} CPUs ({model}), Python {platform.python_version()}"


def booking_rush() -> tuple[list[tuple[str, str, str, str]], dict]:
    """Benchmark 3, booking rush (1000 attempts on 100 places, bench/booking_rush.py), on its
    own server: the rows, and Jono's figures (booked, double, p50, p99)."""
    return rush_benchmark.run()


def free_slot_search() -> tuple[list[tuple[str, str, str, str]], dict]:
    """Benchmark 4, free-slot search over 25 service points × 90 days (bench/slot_search.py), on
    its own server: the rows, and Jono's figures (p50, p99, free times found)."""
    return slot_search.run()


def main() -> None:
    """Start the server, run the benchmarks, print the table."""
    rows = []
    with tempfile.TemporaryDirectory(prefix="jono-bench-") as directory:
        server = LiveServer(Path(directory))
        server.prepare()
        server.start()
        try:
            issued = tickets.measure_http(server.url)
            floor = tickets.measure_http(server.url, ask=tickets.fetch_stylesheet)
            bare = tickets.measure_baseline(server.config_path)
            # What syncing every commit costs (issue 14): the baseline with NORMAL, then FULL.
            synchronous = tickets.measure_synchronous(server.config_path)
            rush = tickets.measure_rush()
            rows += tickets.table_rows(issued, bare, rush, floor)
            rows += tickets.synchronous_rows(synchronous)
            worker = server.worker_pid()
            idle_rss = rss_megabytes(worker)
            called = display.measure_jono(
                server.url, on_connected=lambda: {"rss": rss_megabytes(worker)}
            )
        finally:
            server.stop()
    broadcast = display.measure_baseline(called["payload"])
    booking_rows, booking = booking_rush()
    search_rows, search = free_slot_search()
    with tempfile.TemporaryDirectory(prefix="jono-bench-lobby-") as directory:
        lobby_rows, lobby_missed = lobby.run(Path(directory))
    two_rows, two_missed = two_processes.run()
    # In process, on files of its own: the hot paths with a year of history and without.
    history_rows, history_missed = year_history.run()
    # In process too: a month's statistics and its PDF report with a year of history (#16).
    statistics_rows, statistics_missed = manager_statistics.run()
    rows += [
        ("2 call → display", "p50", milliseconds(called["p50"]), milliseconds(broadcast["p50"])),
        ("2 call → display", "p99", milliseconds(called["p99"]), milliseconds(broadcast["p99"])),
        (
            "2 call → display",
            f"calls not heard by all {display.CLIENTS} in {display.WAIT_SECONDS} s",
            f"{called['missed']} of {display.CALLS}",
            f"{broadcast['missed']} of {display.CALLS}",
        ),
        *booking_rows,
        *search_rows,
        (
            "5 server memory",
            "RSS, 200 sockets open",
            f"{called['rss']:.0f} MiB",
            f"{idle_rss:.0f} MiB with none",
        ),
        *lobby_rows,
        *two_rows,
        *history_rows,
        *statistics_rows,
    ]
    print(f"Machine: {machine()}")
    print(
        f"{tickets.KIOSKS} kiosks × {tickets.TICKETS_PER_KIOSK} tickets, back to back and in a rush"
        f" (each kiosk a number every {tickets.RUSH_SECONDS_PER_TICKET:g} s);"
        f" {display.CLIENTS} Socket.IO clients in {display.GROUPS} processes × {display.CALLS}"
        f" calls, {display.BACKLOG} waiting\n"
    )
    print_table(rows)
    missed = []
    if issued["p99"] > TICKET_P99_TARGET:
        missed.append(f"ticket p99 back to back {milliseconds(issued['p99'])} > 50 ms")
    if rush["p99"] > TICKET_P99_TARGET:
        missed.append(f"ticket p99 in the rush {milliseconds(rush['p99'])} > 50 ms")
    if called["p99"] > CALL_P99_TARGET:
        missed.append(f"call → display p99 {milliseconds(called['p99'])} > 100 ms")
    if booking["booked"] != rush_benchmark.PLACES or booking["double"] or booking["errors"]:
        missed.append(f"booking rush: {booking['booked']} booked, {booking['double']} double")
    if booking["p99"] > BOOKING_P99_TARGET:
        missed.append(f"booking rush p99 {milliseconds(booking['p99'])} > 250 ms")
    for name, figures in (("days", search["free_days"]), ("every time", search["all_times"])):
        if figures["p99"] > SEARCH_P99_TARGET:
            missed.append(f"free-slot search ({name}) p99 {milliseconds(figures['p99'])} > 20 ms")
    missed += lobby_missed + two_missed + history_missed + statistics_missed
    print("\nTargets: " + ("; ".join(missed) if missed else "all met"))


if __name__ == "__main__":
    main()
