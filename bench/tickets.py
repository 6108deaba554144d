"""Benchmark 1: 20 kiosks issuing numbers at once over HTTP; baseline: the same in-process."""

from __future__ import annotations

import random
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import requests

from bench.server import paired_kiosk
from bench.stats import milliseconds, percentile
from shared.config import load_config
from shared.queue.tickets import issue_ticket
from shared.storage.connections import connect
from shared.storage.migrations import migrate
from tests.e2e.conftest import LiveServer, urgent_ticket_body

KIOSKS = 20
TICKETS_PER_KIOSK = 25
TIME_LIMIT_SECONDS = 120
# The rush: every kiosk gives out a number each second (20 a second in all), some ten times what
# a real opening rush brings, as a person needs half a minute at a kiosk.
RUSH_SECONDS_PER_TICKET = 1.0


def issue(session: requests.Session, base_url: str) -> tuple[requests.Response, int]:
    """A kiosk's request for an urgent number, and the status it must get."""
    response = session.post(
        f"{base_url}/api/v1/service-points/helsinki/tickets",
        json=urgent_ticket_body("fi"),
        timeout=30,
    )
    return response, 201


def fetch_stylesheet(session: requests.Session, base_url: str) -> tuple[requests.Response, int]:
    """The floor under any request of this server: a static file, no app code, no database."""
    return session.get(f"{base_url}/static/jono.css", timeout=30), 200


def run_kiosk(
    session: requests.Session,
    base_url: str,
    ask,
    latencies: list[float],
    failures: list[str],
    deadline: float,
    pace: float | None = None,
):
    """One kiosk making its requests, timing each answer: back to back, or one per `pace`
    seconds (starting at a random moment of the first period, as people do not arrive in step)."""
    next_at = time.monotonic() + (random.uniform(0, pace) if pace else 0)
    with session:
        for _ in range(TICKETS_PER_KIOSK):
            if pace:
                time.sleep(max(0.0, next_at - time.monotonic()))
                next_at += pace
            if time.monotonic() > deadline:
                failures.append("time limit")
                return
            started = time.perf_counter()
            response, expected = ask(session, base_url)
            latencies.append(time.perf_counter() - started)
            if response.status_code != expected:
                failures.append(f"{response.status_code} {response.text[:200]}")


def measure_http(base_url: str | list[str], pace: float | None = None, ask=issue) -> dict:
    """KIOSKS × TICKETS_PER_KIOSK requests (numbers, unless `ask` says otherwise) from KIOSKS
    threads: rate, p50 and p99.

    :param base_url: the server, or several processes of one deployment (the kiosks take turns)
    :param pace: seconds between one kiosk's requests; None: back to back (the server's limit)
    """
    urls = [base_url] if isinstance(base_url, str) else base_url
    latencies: list[float] = []
    failures: list[str] = []
    kiosks = [paired_kiosk(urls[number % len(urls)]) for number in range(KIOSKS)]
    deadline = time.monotonic() + TIME_LIMIT_SECONDS
    threads = [
        threading.Thread(
            target=run_kiosk,
            args=(kiosk, urls[number % len(urls)], ask, latencies, failures, deadline, pace),
        )
        for number, kiosk in enumerate(kiosks)
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    if failures:
        raise RuntimeError(f"{len(failures)} requests failed, e.g. {failures[0]}")
    return {
        "rate": len(latencies) / elapsed,
        "p50": percentile(latencies, 0.5),
        "p99": percentile(latencies, 0.99),
    }


def table_rows(issued: dict, bare: dict, rush: dict, floor: dict) -> list[tuple[str, ...]]:
    """Benchmark 1's rows: back to back (and the bare inserts), the rush, and the static file."""

    name = "1 ticket issuing"
    static = "1 same server, a static file"
    return [
        (name, "back to back: tickets/s", f"{issued['rate']:.0f}", f"{bare['rate']:.0f}"),
        *[
            (name, f"back to back: {p}", milliseconds(issued[p]), milliseconds(bare[p]))
            for p in ("p50", "p99")
        ],
        *[(name, f"rush: {p}", milliseconds(rush[p]), "–") for p in ("p50", "p99")],
        (static, "back to back: requests/s", f"{floor['rate']:.0f}", "–"),
        *[(static, f"back to back: {p}", milliseconds(floor[p]), "–") for p in ("p50", "p99")],
    ]


def measure_rush() -> dict:
    """The rush (each kiosk a number per RUSH_SECONDS_PER_TICKET) on a server of its own, so
    that it starts from an empty queue as the back-to-back run does."""
    with tempfile.TemporaryDirectory(prefix="jono-bench-rush-") as directory:
        server = LiveServer(Path(directory))
        server.prepare()
        server.start()
        try:
            return measure_http(server.url, pace=RUSH_SECONDS_PER_TICKET)
        finally:
            server.stop()


def measure_baseline(config_path: Path) -> dict:
    """The same number of tickets through the domain's issue_ticket, one process, one thread."""
    latencies, elapsed = issue_in_process(load_config(config_path))
    return figures(latencies, elapsed)


def measure_synchronous(config_path: Path, rounds: int = 2) -> dict[str, dict]:
    """The baseline with `synchronous = NORMAL` (before issue 14) and with FULL (Jono's now), in
    turns `rounds` times each on the same disk, so that a noisy moment does not fall on one side.

    :return: {"FULL": figures, "NORMAL": figures}, each over all its rounds together
    """
    config = load_config(config_path)
    runs: dict[str, list[tuple[list[float], float]]] = {"NORMAL": [], "FULL": []}
    for _ in range(rounds):
        for synchronous, results in runs.items():
            results.append(issue_in_process(config, synchronous))
    return {
        synchronous: figures(
            [latency for latencies, _ in results for latency in latencies],
            sum(elapsed for _, elapsed in results),
        )
        for synchronous, results in runs.items()
    }


def synchronous_rows(measured: dict[str, dict]) -> list[tuple[str, ...]]:
    """The rows of the cost of syncing every commit: FULL in Jono's column, NORMAL beside it."""
    name = "1 ticket issuing"
    full, normal = measured["FULL"], measured["NORMAL"]
    return [
        (name, "in-process, FULL vs NORMAL: tickets/s", f"{full['rate']:.0f}",
         f"{normal['rate']:.0f} (NORMAL)"),
        *[
            (name, f"in-process, FULL vs NORMAL: {p}", milliseconds(full[p]),
             f"{milliseconds(normal[p])} (NORMAL)")
            for p in ("p50", "p99")
        ],
    ]  # fmt: skip


def issue_in_process(config, synchronous: str | None = None) -> tuple[list[float], float]:
    """KIOSKS × TICKETS_PER_KIOSK numbers through issue_ticket on a fresh file in the temporary
    folder (on this machine a disk, not memory, so an fsync costs what it does for a server).

    :param synchronous: a PRAGMA synchronous to set instead of Jono's own
    :return: each number's seconds, and the seconds of them all
    """
    latencies: list[float] = []
    with tempfile.TemporaryDirectory(prefix="jono-bench-") as directory:
        database = connect(str(Path(directory) / "jono.db"))
        try:
            migrate(database)
            if synchronous:
                database.execute(f"PRAGMA synchronous = {synchronous}")
            now = datetime.now(UTC)
            started = time.perf_counter()
            for _ in range(KIOSKS * TICKETS_PER_KIOSK):
                before = time.perf_counter()
                issue_ticket(
                    database,
                    config,
                    service_point_id="helsinki",
                    queue_id="urgent",
                    party_size=1,
                    language="fi",
                    category="residence_permit",
                    triage_answers={},
                    # An idempotency key belongs to a kiosk (issue 13), as over HTTP.
                    idempotency_key=str(uuid.uuid4()),
                    kiosk="kiosk:bench",
                    now=now,
                    enforce_opening_hours=False,
                )
                latencies.append(time.perf_counter() - before)
            elapsed = time.perf_counter() - started
        finally:
            database.close()
    return latencies, elapsed


def figures(latencies: list[float], elapsed: float) -> dict:
    """Rate, p50 and p99 of timed numbers."""
    return {
        "rate": len(latencies) / elapsed,
        "p50": percentile(latencies, 0.5),
        "p99": percentile(latencies, 0.99),
    }
