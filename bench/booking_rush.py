"""Benchmark 3: 1000 concurrent booking attempts on 100 free places; nobody may get a place twice.

The bench config offers exactly 100 places: one service point takes appointments on one day only
(tomorrow, the horizon is one day), 25 times of 15 minutes × 4 desks. WORKERS threads make
ATTEMPTS attempts, each holding a time (POST /api/v1/holds) and booking it (POST
/api/v1/appointments) as a different person; a 409 is a clean refusal. The per-address limit
(`bookings_per_client_per_hour`) is switched off in the bench config, since every attempt comes
from 127.0.0.1. Baseline: the same attempts through hold_slot and book_appointment in one thread.
"""

from __future__ import annotations

import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import requests

from bench.appointment_setup import (
    WEEKDAYS,
    AppointmentBenchServer,
    appointment_config_text,
    service_point_toml,
)
from bench.stats import milliseconds, percentile
from shared.appointments.booking import book_appointment, hold_slot
from shared.config import load_config
from shared.errors import DomainError
from shared.storage.connections import connect
from shared.storage.migrations import migrate

ATTEMPTS = 1000
WORKERS = 100
TIMES = 25
DESKS = 4
PLACES = TIMES * DESKS
POINT = "rush"
CATEGORY = "travel_document"  # 15 minutes: one grid step
TIME_LIMIT_SECONDS = 300
HELSINKI = ZoneInfo("Europe/Helsinki")


def rush_config() -> str:
    """Exactly PLACES places: tomorrow (Helsinki) 08:00–14:15 on DESKS desks, nothing else."""
    tomorrow = datetime.now(HELSINKI).date() + timedelta(days=1)
    closes = f"{8 + TIMES * 15 // 60:02d}:{TIMES * 15 % 60:02d}"
    point = service_point_toml(
        POINT,
        "Rush",
        "Helsinki",
        {WEEKDAYS[tomorrow.weekday()]: f"08:00-{closes}"},
        [("08:00", closes, DESKS)],
    )
    return appointment_config_text(point, horizon_days=1, bookings_per_client_per_hour=0)


def offered_times(base_url: str) -> list[str]:
    """The free times the API offers at the rush point (each is DESKS places)."""
    response = requests.get(
        f"{base_url}/api/v1/free-slots",
        params={"category": CATEGORY, "service_point": POINT, "days": 7},
        timeout=10,
    )
    response.raise_for_status()
    return [slot["starts_at"] for slot in response.json()["slots"]]


def email_of(attempt: int) -> str:
    """A different person per attempt (the per-contact cap stays as configured)."""
    return f"rush{attempt}@example.fi"


def attempt_http(session: requests.Session, base_url: str, attempt: int, starts_at: str) -> str:
    """Hold and book one time: "booked", "refused" (a 409) or an error text."""
    held = session.post(
        f"{base_url}/api/v1/holds",
        json={
            "service_point": POINT,
            "category": CATEGORY,
            "party_size": 1,
            "starts_at": starts_at,
        },
        timeout=30,
    )
    if held.status_code == 409:
        return "refused"
    if held.status_code != 201:
        return f"hold {held.status_code} {held.text[:200]}"
    booked = session.post(
        f"{base_url}/api/v1/appointments",
        json={
            "hold_token": held.json()["hold_token"],
            "email": email_of(attempt),
            "language": "fi",
        },
        timeout=30,
    )
    if booked.status_code == 409:
        return "refused"
    if booked.status_code != 201:
        return f"book {booked.status_code} {booked.text[:200]}"
    return "booked"


def measure_http(base_url: str, times: list[str]) -> dict:
    """ATTEMPTS attempts from WORKERS threads started together; attempt i wants time i % TIMES."""
    outcomes: list[str] = []
    latencies: list[float] = []
    start_together = threading.Barrier(WORKERS)
    deadline = time.monotonic() + TIME_LIMIT_SECONDS

    def worker(first: int) -> None:
        start_together.wait()
        for attempt in range(first, ATTEMPTS, WORKERS):
            if time.monotonic() > deadline:
                outcomes.append("time limit")
                return
            started = time.perf_counter()
            # A session per attempt: each attempt is another person, on its own connection.
            with requests.Session() as session:
                try:
                    outcome = attempt_http(session, base_url, attempt, times[attempt % len(times)])
                except requests.RequestException as error:
                    outcome = f"no answer: {error}"
            latencies.append(time.perf_counter() - started)
            outcomes.append(outcome)

    threads = [threading.Thread(target=worker, args=(first,)) for first in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return summary(outcomes, latencies)


def summary(outcomes: list[str], latencies: list[float]) -> dict:
    """Booked and refused counts, p50 and p99 of the attempts."""
    errors = [outcome for outcome in outcomes if outcome not in ("booked", "refused")]
    return {
        "booked": outcomes.count("booked"),
        "refused": outcomes.count("refused"),
        "errors": len(errors),
        "first_error": errors[0] if errors else None,
        "p50": percentile(latencies, 0.5),
        "p99": percentile(latencies, 0.99),
    }


def database_check(database_path: Path) -> dict:
    """Count the booked appointments and the pairs that share a desk at the same time.

    Checked on the appointments themselves (not on the seats, whose UNIQUE constraint could not
    show a double booking even if one were made), and on the seats: each appointment must own
    exactly its own seats.
    """
    database = connect(str(database_path))
    try:
        booked = database.execute(
            "SELECT COUNT(*) FROM appointments WHERE status = 'booked'"
        ).fetchone()[0]
        overlapping = database.execute(
            "SELECT COUNT(*) FROM appointments a JOIN appointments b ON a.id < b.id"
            " AND a.service_point = b.service_point AND a.day = b.day AND a.desk = b.desk"
            " AND a.start_minute < b.end_minute AND b.start_minute < a.end_minute"
            " WHERE a.status = 'booked' AND b.status = 'booked'"
        ).fetchone()[0]
        seats_astray = database.execute(
            "SELECT COUNT(*) FROM slot_seats s LEFT JOIN appointments a ON a.id = s.appointment_id"
            " WHERE s.appointment_id IS NOT NULL AND (a.id IS NULL OR s.desk != a.desk"
            " OR s.day != a.day OR s.minute < a.start_minute OR s.minute >= a.end_minute)"
        ).fetchone()[0]
    finally:
        database.close()
    return {"booked_in_database": booked, "double": overlapping + seats_astray}


def measure_baseline(config_path: Path, times: list[str]) -> dict:
    """The same attempts through hold_slot and book_appointment, one thread, a fresh file."""
    config = load_config(config_path)
    moments = [datetime.fromisoformat(text.replace("Z", "+00:00")) for text in times]
    outcomes: list[str] = []
    latencies: list[float] = []
    with tempfile.TemporaryDirectory(prefix="jono-bench-") as directory:
        path = Path(directory) / "jono.db"
        database = connect(str(path))
        try:
            migrate(database)
            for attempt in range(ATTEMPTS):
                started = time.perf_counter()
                outcomes.append(attempt_in_process(database, config, attempt, moments))
                latencies.append(time.perf_counter() - started)
        finally:
            database.close()
        return summary(outcomes, latencies) | database_check(path)


def attempt_in_process(database, config, attempt: int, moments: list[datetime]) -> str:
    """One attempt through the domain functions: "booked" or "refused"."""
    now = datetime.now(UTC)
    try:
        hold = hold_slot(
            database,
            config,
            service_point_id=POINT,
            category=CATEGORY,
            party_size=1,
            starts_at=moments[attempt % len(moments)],
            now=now,
        )
        book_appointment(
            database,
            config,
            hold_token=hold.token,
            email=email_of(attempt),
            phone=None,
            language="fi",
            now=now,
        )
    except DomainError as error:
        if error.status != 409:
            raise
        return "refused"
    return "booked"


def run() -> tuple[list[tuple[str, str, str, str]], dict]:
    """Run benchmark 3 on its own server: the table rows, and Jono's figures (booked, double,
    p50 and p99 in seconds)."""
    with tempfile.TemporaryDirectory(prefix="jono-bench-rush-") as directory:
        server = AppointmentBenchServer(Path(directory), rush_config())
        server.prepare()
        server.start()
        try:
            times = offered_times(server.url)
            if len(times) != TIMES:
                raise RuntimeError(f"the rush point offers {len(times)} times, not {TIMES}")
            jono = measure_http(server.url, times)
        finally:
            server.stop()
        jono |= database_check(Path(directory) / "jono.db")
        bare = measure_baseline(server.config_path, times)
    if jono["booked_in_database"] != jono["booked"]:
        raise RuntimeError(f"{jono['booked']} answered booked, {jono['booked_in_database']} saved")
    name = "3 booking rush"
    rows = [
        (
            name,
            f"booked of {PLACES} places ({ATTEMPTS} attempts, {WORKERS} threads)",
            outcome_text(jono),
            outcome_text(bare),
        ),
        (
            name,
            "double bookings (checked in the database)",
            str(jono["double"]),
            str(bare["double"]),
        ),
        (
            name,
            "p50 of an attempt (hold + book)",
            milliseconds(jono["p50"]),
            milliseconds(bare["p50"]),
        ),
        (
            name,
            "p99 of an attempt (hold + book)",
            milliseconds(jono["p99"]),
            milliseconds(bare["p99"]),
        ),
    ]
    return rows, jono


def outcome_text(figures: dict) -> str:
    """Booked, refused, and attempts that got no answer or an unexpected one (if any)."""
    text = f"{figures['booked']} ({figures['refused']} refused"
    if figures["errors"]:
        text += f", {figures['errors']} errors, e.g. {figures['first_error'][:60]}"
    return text + ")"
