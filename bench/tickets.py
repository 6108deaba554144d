"""Benchmark 1: 20 kiosks issuing numbers at once over HTTP; baseline: the same in-process."""

from __future__ import annotations

import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import requests

from bench.stats import percentile
from shared.config import load_config
from shared.db import connect, migrate
from shared.tickets import issue_ticket
from tests.e2e.conftest import urgent_ticket_body

KIOSKS = 20
TICKETS_PER_KIOSK = 25
TIME_LIMIT_SECONDS = 120


def run_kiosk(base_url: str, latencies: list[float], failures: list[str], deadline: float):
    """One kiosk issuing its numbers one after another, timing each answer."""
    with requests.Session() as session:
        for _ in range(TICKETS_PER_KIOSK):
            if time.monotonic() > deadline:
                failures.append("time limit")
                return
            started = time.perf_counter()
            response = session.post(
                f"{base_url}/api/v1/service-points/helsinki/tickets",
                json=urgent_ticket_body("fi"),
                timeout=30,
            )
            latencies.append(time.perf_counter() - started)
            if response.status_code != 201:
                failures.append(f"{response.status_code} {response.text[:200]}")


def measure_http(base_url: str) -> dict:
    """Issue KIOSKS × TICKETS_PER_KIOSK numbers from KIOSKS threads: rate, p50 and p99."""
    latencies: list[float] = []
    failures: list[str] = []
    deadline = time.monotonic() + TIME_LIMIT_SECONDS
    threads = [
        threading.Thread(target=run_kiosk, args=(base_url, latencies, failures, deadline))
        for _ in range(KIOSKS)
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    if failures:
        raise RuntimeError(f"{len(failures)} tickets failed, e.g. {failures[0]}")
    return {
        "rate": len(latencies) / elapsed,
        "p50": percentile(latencies, 0.5),
        "p99": percentile(latencies, 0.99),
    }


def measure_baseline(config_path: Path) -> dict:
    """The same number of tickets through the domain's issue_ticket, one process, one thread."""
    config = load_config(config_path)
    latencies: list[float] = []
    with tempfile.TemporaryDirectory(prefix="jono-bench-") as directory:
        database = connect(str(Path(directory) / "jono.db"))
        try:
            migrate(database)
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
                    idempotency_key=str(uuid.uuid4()),
                    now=now,
                    enforce_opening_hours=False,
                )
                latencies.append(time.perf_counter() - before)
            elapsed = time.perf_counter() - started
        finally:
            database.close()
    return {
        "rate": len(latencies) / elapsed,
        "p50": percentile(latencies, 0.5),
        "p99": percentile(latencies, 0.99),
    }
