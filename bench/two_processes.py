"""Benchmark 7, two processes: the ticket rush of benchmark 1 against two `jono serve` processes
sharing one database and a redis-server, next to one process in the same run; and call → display
across processes (the clerk at one, the displays at the other).

Reports tickets/s and p99 for one and for two processes, the duplicate numbers (must be 0) and
call → display p50/p99 when the event crosses from one process to the other."""

from __future__ import annotations

import sqlite3
import tempfile
from pathlib import Path

from bench import display, tickets
from bench.stats import milliseconds
from tests.e2e.conftest import LiveServer, RedisServer


def duplicate_numbers(database: str) -> int:
    """Numbers given twice on one day in one queue at one service point (must be 0)."""
    with sqlite3.connect(database) as connection:
        (count,) = connection.execute(
            "SELECT COUNT(*) FROM (SELECT 1 FROM tickets GROUP BY service_point, day, queue,"
            " number HAVING COUNT(*) > 1)"
        ).fetchone()
    connection.close()
    return count


def measure(processes: int) -> dict:
    """The rush against `processes` processes on one database (with Redis when more than one),
    and with two, call → display across them."""
    with tempfile.TemporaryDirectory(prefix=f"jono-bench-{processes}p-") as directory:
        redis = RedisServer(Path(directory)) if processes > 1 else None
        environment = {"JONO_MESSAGE_QUEUE": redis.url} if redis else {}
        servers = [
            LiveServer(Path(directory), name=f"server{number}", environment=environment)
            for number in range(processes)
        ]
        servers[0].prepare()
        try:
            for server in servers:
                server.start()
            urls = [server.url for server in servers]
            figures = {
                "back to back": tickets.measure_http(urls),
                "rush": tickets.measure_http(urls, pace=tickets.RUSH_SECONDS_PER_TICKET),
            }
            figures["duplicates"] = duplicate_numbers(servers[0].environment["JONO_DATABASE"])
            if processes > 1:
                across = display.measure_jono(servers[1].url, clerk_url=servers[0].url)
                figures["across"] = across
        finally:
            for server in servers:
                server.stop()
            if redis:
                redis.stop()
    return figures


def run() -> tuple[list[tuple[str, str, str, str]], list[str]]:
    """Two processes against one, in the same run: the rows and what is not as it must be."""
    one = measure(1)
    two = measure(2)
    name = "7 two processes + Redis"
    rows = []
    for run_name in ("back to back", "rush"):
        mine, theirs = two[run_name], one[run_name]
        rows += [
            (
                name,
                f"{run_name}: tickets/s",
                f"{mine['rate']:.0f}",
                f"{theirs['rate']:.0f} (one process)",
            ),
            *[
                (
                    name,
                    f"{run_name}: {p}",
                    milliseconds(mine[p]),
                    f"{milliseconds(theirs[p])} (one process)",
                )
                for p in ("p50", "p99")
            ],
        ]
    rows += [
        (name, "duplicate numbers", str(two["duplicates"]), f"{one['duplicates']} (one process)"),
        *[
            (
                name,
                f"call → display across processes: {p}",
                milliseconds(two["across"][p]),
                "–",
            )
            for p in ("p50", "p99")
        ],
        (name, "calls not heard by all in 5 s", str(two["across"]["missed"]), "–"),
    ]
    missed = []
    if two["duplicates"] or one["duplicates"]:
        missed.append("duplicate numbers with several processes")
    if two["across"]["missed"]:
        missed.append(f"{two['across']['missed']} calls not heard across processes")
    return rows, missed
