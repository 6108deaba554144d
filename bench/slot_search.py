"""Benchmark 4: free-slot search across 25 service points × 90 days, most seats already taken.

The bench config has POINTS service points (weekdays 08:00–16:00, 3 desks until noon, 2 after),
a rolling horizon of 90 days (today and 89 more) and no holidays. Before the server starts, about
FILL of every day's appointments are booked (written straight into `appointments` and
`slot_seats`, as book_appointment leaves them), so the search has taken seats to skip. One search
is what a person asking for every free 30-minute time anywhere (no service point, no city) gets:
GET /api/v1/free-slots page by page (62 days at most per page) until `next_day` is null.
Baseline: the same pages through shared.appointments.slots.search_free_slots in one process,
same database.
The booking calendar asks only which days have free times: GET /api/v1/free-days over the whole
horizon at all points in one request (no per-time objects); baseline
shared.appointments.free_days in process.
"""

from __future__ import annotations

import random
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import requests

from bench.appointment_setup import (
    AppointmentBenchServer,
    appointment_config_text,
    service_point_toml,
)
from bench.stats import milliseconds, percentile
from shared.appointments import free_days, slots
from shared.config import Config, load_config
from shared.storage.connections import connect
from shared.storage.timestamps import utc_text
from shared.storage.transactions import write_transaction

POINTS = 25
CITIES = 5
HORIZON_DAYS = 89  # today and 89 days more: 90 days
CATEGORY = "residence_permit"  # 30 minutes: two grid steps
FILL = 0.9
SEARCHES = 50  # p99 of 50 is the slowest one
DAY_SEARCHES = 200  # the quick ones: p99 is the second slowest, one hiccup does not decide it
WARM_UP = 3
SEED = 4
MONTH_DAYS = 31
DESKS = [("08:00", "12:00", 3), ("12:00", "16:00", 2)]


def search_config() -> str:
    """POINTS service points in CITIES cities, all alike; a 90-day horizon."""
    hours = dict.fromkeys(("mon", "tue", "wed", "thu", "fri"), "08:00-16:00")
    points = "".join(
        service_point_toml(
            f"point{number:02d}", f"Point {number}", f"City {number % CITIES + 1}", hours, DESKS
        )
        for number in range(1, POINTS + 1)
    )
    return appointment_config_text(points, horizon_days=HORIZON_DAYS)


def book_most_seats(database_path: Path, config: Config, now: datetime) -> int:
    """Book about FILL of every desk's 30-minute blocks up to the horizon; the count booked."""
    chance = random.Random(SEED)
    step = config.appointments.slot_minutes
    appointments: list[list] = []
    seats: list[list] = []
    for point in config.service_points:
        day = slots.local_today(point, now)
        while day <= slots.horizon_day(config, point, now):
            if slots.is_open_for_appointments(config, point, day):
                opens, closes = point.appointments.hours[day.weekday()]
                for start in range(opens, closes, 30):
                    for desk in range(1, point.appointments.desks_at(start) + 1):
                        if chance.random() < FILL:
                            appointment_id = len(appointments) + 1
                            appointments.append(booked_row(point, day, start, desk, now))
                            seats += [
                                [point.id, day.isoformat(), desk, minute, appointment_id]
                                for minute in range(start, start + 30, step)
                            ]
            day += timedelta(days=1)
    database = connect(str(database_path))
    try:
        with write_transaction(database):
            database.conn.executemany(
                "INSERT INTO appointments (id, service_point, reservation_key, pin_hash, category,"
                " party_size, day, start_minute, end_minute, desk, starts_at, ends_at, status,"
                " email, phone, language, booked_by, booked_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?, 'booked', ?, NULL, 'fi', NULL, ?, ?)",
                [[number, *row] for number, row in enumerate(appointments, 1)],
            )
            database.conn.executemany(
                "INSERT INTO slot_seats (service_point, day, desk, minute, appointment_id)"
                " VALUES (?, ?, ?, ?, ?)",
                seats,
            )
    finally:
        database.close()
    return len(appointments)


def booked_row(point, day: date, start: int, desk: int, now: datetime) -> list:
    """An appointment row without its id (a placeholder PIN hash: nobody logs in with it)."""
    return [
        point.id,
        f"B{point.id[-2:]}{day:%m%d}{start:04d}{desk}",
        "bench-no-pin",
        CATEGORY,
        day.isoformat(),
        start,
        start + 30,
        desk,
        utc_text(slots.local_moment(point, day, start)),
        utc_text(slots.local_moment(point, day, start + 30)),
        f"bench{point.id}{day:%m%d}{start}{desk}@example.fi",
        utc_text(now),
        utc_text(now),
    ]


def search_http(session: requests.Session, base_url: str) -> int:
    """One search over the whole horizon, page by page: the free times found."""
    found = 0
    parameters = {"category": CATEGORY, "days": slots.MAX_DAYS_PER_SEARCH}
    while True:
        response = session.get(f"{base_url}/api/v1/free-slots", params=parameters, timeout=30)
        response.raise_for_status()
        page = response.json()
        found += len(page["slots"])
        if page["next_day"] is None:
            return found
        parameters["from"] = page["next_day"]


def month_page_http(session: requests.Session, base_url: str, pick: random.Random) -> int:
    """What the booking calendar asks: one month (31 days) at one service point, a month of the
    horizon picked at random; the free times found."""
    first = date.today() + timedelta(days=MONTH_DAYS * pick.randrange(3))
    response = session.get(
        f"{base_url}/api/v1/free-slots",
        params={
            "category": CATEGORY,
            "service_point": f"point{pick.randrange(1, POINTS + 1):02d}",
            "from": first.isoformat(),
            "days": MONTH_DAYS,
        },
        timeout=30,
    )
    response.raise_for_status()
    return len(response.json()["slots"])


def month_page_in_process(database, config: Config, pick: random.Random) -> int:
    """The same month pages through search_free_slots: the free times found."""
    page = slots.search_free_slots(
        database,
        config,
        service_point_ids=[f"point{pick.randrange(1, POINTS + 1):02d}"],
        category=CATEGORY,
        party_size=1,
        now=datetime.now(UTC),
        first_day=date.today() + timedelta(days=MONTH_DAYS * pick.randrange(3)),
        days=MONTH_DAYS,
    )
    return len(page.slots)


def search_in_process(database, config: Config) -> int:
    """The same pages through search_free_slots: the free times found."""
    now = datetime.now(UTC)
    found = 0
    first_day = None
    point_ids = slots.service_points_in(config, None)
    while True:
        page = slots.search_free_slots(
            database,
            config,
            service_point_ids=point_ids,
            category=CATEGORY,
            party_size=1,
            now=now,
            first_day=first_day,
            days=slots.MAX_DAYS_PER_SEARCH,
        )
        found += len(page.slots)
        if page.next_day is None:
            return found
        first_day = page.next_day


def free_days_http(session: requests.Session, base_url: str) -> int:
    """The days with free times over the whole horizon at every point, in one request: the
    free times counted."""
    response = session.get(
        f"{base_url}/api/v1/free-days",
        params={"category": CATEGORY, "days": HORIZON_DAYS + 1},
        timeout=30,
    )
    response.raise_for_status()
    return sum(day["free_count"] for day in response.json()["days"])


def free_days_in_process(database, config: Config) -> int:
    """The same count through shared.appointments.free_days: the free times counted."""
    counted = free_days.count_free_days(
        database,
        config,
        service_point_ids=slots.service_points_in(config, None),
        category=CATEGORY,
        party_size=1,
        now=datetime.now(UTC),
        days=HORIZON_DAYS + 1,
    )
    return sum(count for _, count in counted.days)


def timed(search, count: int) -> dict:
    """Run `search` WARM_UP times unmeasured, then `count` times: p50, p99, free times found."""
    for _ in range(WARM_UP):
        search()
    latencies = []
    found = 0
    for _ in range(count):
        started = time.perf_counter()
        found = search()
        latencies.append(time.perf_counter() - started)
    return {"p50": percentile(latencies, 0.5), "p99": percentile(latencies, 0.99), "found": found}


def run() -> tuple[list[tuple[str, str, str, str]], dict]:
    """Run benchmark 4 on its own server: the table rows, and Jono's figures over HTTP (p50 and
    p99 in seconds, free times found) for `all_times` (every time of the 90 days) and
    `free_days` (the calendar's days with free counts)."""
    with tempfile.TemporaryDirectory(prefix="jono-bench-search-") as directory:
        server = AppointmentBenchServer(Path(directory), search_config())
        server.prepare()
        config = load_config(server.config_path)
        database_path = Path(directory) / "jono.db"
        booked = book_most_seats(database_path, config, datetime.now(UTC))
        server.start()
        try:
            with requests.Session() as session:
                jono = timed(lambda: search_http(session, server.url), SEARCHES)
                pick = random.Random(SEED)
                month = timed(lambda: month_page_http(session, server.url, pick), SEARCHES)
                days_http = timed(lambda: free_days_http(session, server.url), DAY_SEARCHES)
        finally:
            server.stop()
        database = connect(str(database_path))
        try:
            bare = timed(lambda: search_in_process(database, config), SEARCHES)
            pick = random.Random(SEED)
            bare_month = timed(lambda: month_page_in_process(database, config, pick), SEARCHES)
            bare_days = timed(lambda: free_days_in_process(database, config), DAY_SEARCHES)
        finally:
            database.close()
    name = "4 free-slot search"
    days = HORIZON_DAYS + 1
    searches = [
        (f"a {days}-day search (2 pages)", jono, bare),
        ("a month of times at one point (1 request)", month, bare_month),
        (f"listFreeDays over {days} days at all points (1 request)", days_http, bare_days),
    ]
    rows = [
        (
            name,
            f"free times found ({POINTS} points × {days} days, {booked} booked)",
            str(jono["found"]),
            str(bare["found"]),
        ),
        (
            name,
            f"free times counted by listFreeDays ({days} days, all points)",
            str(days_http["found"]),
            str(bare_days["found"]),
        ),
        *[
            (name, f"{figure} of {what}", milliseconds(http[figure]), milliseconds(local[figure]))
            for what, http, local in searches
            for figure in ("p50", "p99")
        ],
    ]
    return rows, {"all_times": jono, "free_days": days_http}
