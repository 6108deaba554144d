"""Benchmark 8: the hot paths with a year of history next to an empty database, in one run.

Two database files with the same config (POINTS service points like the demo's Helsinki, five
appointment desks each) and the same today: a Monday morning at 10:00 with TODAY_TICKETS numbers
issued, the first point's appointments of 08:00-10:00 checked in, phones given for "your turn is
near" and about half the seats of the coming 92 days booked. One of them also holds a year of
history before today: HISTORY_DAYS weekdays × TICKETS_PER_DAY numbers at the first point, every
seat of every point booked on each of those days (100 000 appointments, most checked in with
their number, some lost, some cancelled), their events, their e-mails and the "turn is near"
texts, the kiosk's verdicts (one per walk-in's number and SENT_AWAY_PER_DAY that gave none) and
the wait estimates printed on the walk-ins' slips (benchmark 9, bench/manager_statistics.py,
reads these).

The history is written straight into the tables with `executemany`, shaped like what the domain
writes (`HistoryWriter`; `python -m bench.year_history --sample` prints the domain's own rows to
set beside them); today is made through the domain itself (`issue_ticket`,
`check_in_appointment`) in both files alike.

Measured in process, turn about on the two files so a busy moment hits both: the snapshot before
the day's first call (the worst moment of a walk through past events), `call_next_ticket` at a
counter that calls appointments (then `finish_ticket`, not timed), the snapshot after those calls,
and `count_free_days` over 92 days at all points (what `listFreeDays` runs). Target: with the
history within HISTORY_TARGET × the empty file's p50.
"""

from __future__ import annotations

import json
import random
import re
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import sqlite_utils

from bench.stats import milliseconds, percentile, print_table
from shared.appointments import free_days, slots
from shared.appointments.reservation_keys import KEY_ALPHABET, KEY_LENGTH
from shared.config import Config, ServicePoint, load_config
from shared.queue.check_in import check_in_appointment
from shared.queue.snapshot import build_snapshot
from shared.queue.ticket_actions import call_next_ticket, finish_ticket
from shared.queue.tickets import issue_ticket
from shared.storage.connections import connect
from shared.storage.migrations import migrate
from shared.storage.timestamps import utc_text
from shared.storage.transactions import write_transaction

PROJECT_ROOT = Path(__file__).resolve().parent.parent
HELSINKI = ZoneInfo("Europe/Helsinki")
NOW = datetime(2026, 11, 30, 10, 0, tzinfo=HELSINKI)  # a Monday: open 08:00-16:15
POINTS = 5
DESKS = 5  # 08:00-16:00: 16 half hours × 5 desks = 80 appointments a point a day
HISTORY_DAYS = 250
TICKETS_PER_DAY = 800  # at the first point, the one measured
APPOINTMENT_MINUTES = 30
CATEGORY = "residence_permit"  # 30 minutes in the demo config
BOOKED_AHEAD_DAYS = 14  # a past appointment was booked this long before its day
PHONE_SHARE = 0.05  # the share of numbers with a phone for "your turn is near"
TODAY_TICKETS = 120
TODAY_PHONES = 20
FUTURE_FILL = 0.5
CALL_COUNTER = 5  # calls the appointment queue first, then booking help
SNAPSHOTS = 100
CALLS = 60
FREE_DAY_COUNTS = 50
HISTORY_TARGET = 1.5
SEED = 14
TODAY_KEYS = 5_000_000  # today's appointments' keys are numbered from here, after the history's
CLERK = "bench-clerk"
TICKET_COLUMNS = (
    "id, service_point, day, issued_queue, sequence, number, queue, status, category, party_size,"
    " language, triage_answers, counter, clerk, issued_at, queued_at, called_at, finished_at,"
    " print_status, status_token, appointment_id, estimated_wait_seconds"
)
OUTCOME_COLUMNS = "service_point, kiosk, at, matter, outcome, party_size, language"
# The kiosk's verdicts that give no number, per day at the first point (benchmark 9 counts them).
SENT_AWAY_PER_DAY = {
    "book_online": 120,
    "postbox": 40,
    "asylum_invitation": 10,
    "appointment_offered": 30,
    "not_served_today": 15,
}
EVENT_COLUMNS = (
    "service_point, sequence, type, ticket_id, from_status, to_status, queue, counter, clerk, at,"
    " appointment_id"
)
APPOINTMENT_COLUMNS = (
    "id, service_point, reservation_key, pin_hash, category, party_size, day, start_minute,"
    " end_minute, desk, starts_at, ends_at, status, email, phone, language, booked_by, ticket_id,"
    " booked_at, updated_at, checked_in_at"
)
MESSAGE_COLUMNS = (
    "appointment_id, ticket_id, channel, recipient, kind, language, subject, body_text, status,"
    " attempts, next_attempt_at, created_at, sent_at, dedupe_key"
)


def bench_config_text() -> str:
    """The demo config with POINTS copies of its Helsinki point, DESKS appointment desks each."""
    text = (PROJECT_ROOT / "config.toml").read_text(encoding="utf-8")
    head, *points = text.split("\n[[service_points]]\n")
    helsinki = next(point for point in points if point.startswith('id = "helsinki"'))
    helsinki, replaced = re.subn(
        r"(?ms)^desks = \[\n.*?^\]",
        f'desks = [{{ from = "08:00", to = "16:00", desks = {DESKS} }}]',
        helsinki,
    )
    if replaced != 1:
        raise RuntimeError("expected one appointment desks list in Helsinki's config")
    copies = [
        helsinki.replace('id = "helsinki"', f'id = "point{number}"', 1)
        for number in range(1, POINTS + 1)
    ]
    return head + "".join(f"\n[[service_points]]\n{copy}" for copy in copies)


def history_days(today: date) -> list[date]:
    """The HISTORY_DAYS weekdays before today, oldest first."""
    days: list[date] = []
    day = today
    while len(days) < HISTORY_DAYS:
        day -= timedelta(days=1)
        if day.weekday() < 5:
            days.append(day)
    return days[::-1]


def local(day: date, minute: float) -> datetime:
    """The moment `minute` minutes after local midnight of `day` in Helsinki."""
    return datetime(day.year, day.month, day.day, tzinfo=HELSINKI) + timedelta(minutes=minute)


class HistoryWriter:
    """Rows of a year of history, day by day, with the ids and per-point event numbers the
    domain would have given them (tickets and appointments by explicit id, events in time order)."""

    def __init__(self, config: Config, days: list[date]):
        self.config = config
        self.days = days
        self.points = config.service_points
        self.next_ticket = 1
        self.sequences = {point.id: 0 for point in self.points}
        self.prefixes = {queue.id: queue.prefix for queue in config.queues}

    def appointment_id(self, day_index: int, point_index: int, slot: int) -> int:
        """Each appointment of the history has a fixed id, so its booking (days before) and its
        check-in find the same row."""
        per_day = POINTS * 16 * DESKS
        return 1 + day_index * per_day + point_index * 16 * DESKS + slot

    def appointment_fate(self, day_index: int, point_index: int, slot: int) -> str:
        """checked_in (85 %), lost (10 %) or cancelled (5 %), the same every time it is asked."""
        roll = random.Random(f"{SEED}:{day_index}:{point_index}:{slot}").random()
        return "cancelled" if roll < 0.05 else "lost" if roll < 0.15 else "checked_in"

    def day_rows(self, day_index: int) -> dict[str, list]:
        """The rows of one day of history: tickets, events, appointments, seats, messages."""
        day = self.days[day_index]
        chance = random.Random(f"{SEED}:{day_index}")
        rows: dict[str, list] = {name: [] for name in ("tickets", "appointments", "seats")}
        rows["messages"] = []
        rows["triage_outcomes"] = self._sent_away(day_index)
        events: dict[str, list] = {point.id: [] for point in self.points}
        numbers: dict[tuple[str, str], int] = {}
        for point_index, point in enumerate(self.points):
            self._appointments_of_day(day_index, point_index, point, chance, rows, events, numbers)
            booked_day = day_index + BOOKED_AHEAD_DAYS
            if booked_day < len(self.days):  # bookings made today for a later day
                for slot in range(16 * DESKS):
                    start = 8 * 60 + (slot // DESKS) * APPOINTMENT_MINUTES
                    events[point.id].append(
                        (local(day, start - 60), "AppointmentBooked", None, None, "booked")
                        + (None, None, None, self.appointment_id(booked_day, point_index, slot))
                    )
        walk_ins = TICKETS_PER_DAY - sum(
            1 for ticket in rows["tickets"] if ticket[1] == self.points[0].id
        )
        first = self.points[0]
        for index in range(walk_ins):
            issued = local(day, 8 * 60 + index * 480 / walk_ins)
            queue = "urgent" if chance.random() < 0.35 else "booking_help"
            counter = chance.choice((1, 2, 6))
            self._ticket(first, day, queue, issued, counter, chance, rows, events, numbers)
        for point in self.points:
            for event in sorted(events[point.id], key=lambda event: event[0]):
                self.sequences[point.id] += 1
                at, event_type, ticket_id, from_status, to_status, queue, counter, clerk = event[:8]
                rows.setdefault("events", []).append(
                    (point.id, self.sequences[point.id], event_type, ticket_id, from_status)
                    + (to_status, queue, counter, clerk, utc_text(at), event[8])
                )
        return rows

    def _appointments_of_day(self, day_index, point_index, point, chance, rows, events, numbers):
        """A point's full day of appointments: the rows, their seats, e-mails and check-ins."""
        day = self.days[day_index]
        for slot in range(16 * DESKS):
            appointment_id = self.appointment_id(day_index, point_index, slot)
            fate = self.appointment_fate(day_index, point_index, slot)
            start = 8 * 60 + (slot // DESKS) * APPOINTMENT_MINUTES
            desk = slot % DESKS + 1
            starts_at, ends_at = local(day, start), local(day, start + APPOINTMENT_MINUTES)
            booked_at = local(day - timedelta(days=BOOKED_AHEAD_DAYS), start - 60)
            email = f"person{appointment_id}@example.fi"
            ticket_id = checked_in_at = None
            updated_at = booked_at
            if fate == "checked_in":
                checked_in = starts_at - timedelta(minutes=chance.randrange(5, 40))
                ticket_id = self._ticket(
                    point,
                    day,
                    "appointment",
                    checked_in,
                    chance.choice((3, 4, 5)),
                    chance,
                    rows,
                    events,
                    numbers,
                    appointment_id=appointment_id,
                    starts_at=starts_at,
                )
                checked_in_at = updated_at = checked_in
                events[point.id].append(
                    (checked_in, "AppointmentCheckedIn", ticket_id, "booked", "checked_in")
                    + ("appointment", None, None, appointment_id)
                )
            elif fate == "lost":
                updated_at = starts_at + timedelta(minutes=1)
                events[point.id].append(
                    (updated_at, "AppointmentLost", None, "booked", "lost")
                    + (None, None, None, appointment_id)
                )
            else:
                updated_at = starts_at - timedelta(days=2)
                events[point.id].append(
                    (updated_at, "AppointmentCancelled", None, "booked", "cancelled")
                    + (None, None, None, appointment_id)
                )
            rows["appointments"].append(
                (
                    appointment_id,
                    point.id,
                    reservation_key(appointment_id),
                    "bench-no-pin",
                    CATEGORY,
                    1,
                )
                + (day.isoformat(), start, start + APPOINTMENT_MINUTES, desk, utc_text(starts_at))
                + (utc_text(ends_at), fate, email, None, "fi", None, ticket_id, utc_text(booked_at))
                + (utc_text(updated_at), checked_in_at and utc_text(checked_in_at))
            )
            if fate != "cancelled":  # a cancellation frees its seats
                rows["seats"] += [
                    (point.id, day.isoformat(), desk, minute, appointment_id)
                    for minute in range(start, start + APPOINTMENT_MINUTES, 15)
                ]
            kinds = ["confirmation", "reminder-24h"] + (["cancellation"] * (fate == "cancelled"))
            for kind in kinds:
                sent = booked_at if kind == "confirmation" else starts_at - timedelta(hours=24)
                rows["messages"].append(
                    (appointment_id, None, "email", email, kind, "fi", "Ajanvaraus", "x" * 400)
                    + ("sent", 1, utc_text(sent), utc_text(sent), utc_text(sent))
                    + (f"{appointment_id}:{kind}:email:{email}:{utc_text(starts_at)}",)
                )

    def _ticket(
        self,
        point,
        day,
        queue,
        issued,
        counter,
        chance,
        rows,
        events,
        numbers,
        appointment_id=None,
        starts_at=None,
    ) -> int:
        """One number of the day, ended as most are (finished; some no-show, recalled or expired),
        with its events; returns its id."""
        ticket_id = self.next_ticket
        self.next_ticket += 1
        key = (point.id, queue)
        numbers[key] = numbers.get(key, 0) + 1
        roll = chance.random()
        called = max(issued, starts_at or issued) + timedelta(minutes=chance.randrange(2, 40))
        finished = called + timedelta(minutes=chance.randrange(3, 15))
        ticket_events = [(issued, "TicketIssued", None, "waiting", None, None)]
        if roll < 0.03 and appointment_id is None:  # still waiting when the point closed
            status, called_at, finished = "expired", None, local(day, 16 * 60 + 15)
            ticket_events.append((finished, "TicketExpired", "waiting", "expired", None, None))
        else:
            called_at = called
            ticket_events.append((called, "TicketCalled", "waiting", "called", counter, CLERK))
            if 0.03 <= roll < 0.05:
                recalled = called + timedelta(minutes=1)
                ticket_events.append(
                    (recalled, "TicketRecalled", "called", "called", counter, CLERK)
                )
            if roll >= 0.95:
                status = "no_show"
                finished = called + timedelta(minutes=3)
                ticket_events.append(
                    (finished, "TicketMarkedNoShow", "called", "no_show", counter, CLERK)
                )
            else:
                status = "finished"
                started = called + timedelta(minutes=1)
                ticket_events.append(
                    (started, "ServiceStarted", "called", "serving", counter, CLERK)
                )
                ticket_events.append(
                    (finished, "TicketFinished", "serving", "finished", counter, CLERK)
                )
        for at, event_type, from_status, to_status, event_counter, clerk in ticket_events:
            events[point.id].append(
                (at, event_type, ticket_id, from_status, to_status, queue, event_counter, clerk)
                + (None,)
            )
        answers = {"appointment_starts_at": utc_text(starts_at)} if starts_at else {}
        rows["tickets"].append(
            (ticket_id, point.id, day.isoformat(), queue, numbers[key])
            + (f"{self.prefixes[queue]}{numbers[key]:03d}", queue, status)
            + (CATEGORY if appointment_id else None, 1, "fi", json.dumps(answers, sort_keys=True))
            + (None if status == "expired" else counter, None if status == "expired" else CLERK)
            + (utc_text(issued), utc_text(issued), called_at and utc_text(called_at))
            + (utc_text(finished), None, f"bench-{ticket_id}", appointment_id)
            + (self._estimate(ticket_id, issued, called_at, appointment_id),)
        )
        if appointment_id is None:  # the kiosk's verdict that gave this number
            rows["triage_outcomes"].append(
                (point.id, f"{point.id}:kiosk", utc_text(issued - timedelta(seconds=30)))
                + ("residence_permit", f"{queue}_ticket", 1, "fi")
            )
        if appointment_id is None and chance.random() < PHONE_SHARE:
            # "Your turn is near", sent; the number forgotten when the ticket ended.
            rows["messages"].append(
                (None, ticket_id, "sms", "", "turn_near", "fi", "", "x" * 80, "sent", 1)
                + (utc_text(issued), utc_text(issued), utc_text(issued))
                + (f"ticket:{ticket_id}:turn_near",)
            )
        return ticket_id

    def _estimate(self, ticket_id, issued, called_at, appointment_id) -> int | None:
        """The wait the kiosk showed on a walk-in's slip: the wait that followed, give or take
        up to ten minutes (its own random stream, so the rest of the history is unchanged)."""
        if appointment_id is not None:
            return None
        chance = random.Random(f"{SEED}:estimate:{ticket_id}")
        actual = (called_at - issued).total_seconds() if called_at else 45 * 60
        return max(0, round(actual) + chance.randrange(-600, 600))

    def _sent_away(self, day_index: int) -> list[tuple]:
        """The first point's verdicts of a day that gave no number, spread over opening hours."""
        day = self.days[day_index]
        point = self.points[0]
        rows = []
        for outcome, count in SENT_AWAY_PER_DAY.items():
            for index in range(count):
                moment = local(day, 8 * 60 + (index + 0.5) * 480 / count)
                rows.append(
                    (point.id, f"{point.id}:kiosk", utc_text(moment), "residence_permit")
                    + (outcome, 1, "fi")
                )
        return rows


def write_history(
    database: sqlite_utils.Database, config: Config, days: list[date]
) -> dict[str, int]:
    """Write the history of `days` into a migrated database; the rows written per table."""
    writer = HistoryWriter(config, days)
    tables = ("appointments", "tickets", "events", "seats", "messages", "triage_outcomes")
    counts = dict.fromkeys(tables, 0)
    statements = {
        "tickets": f"INSERT INTO tickets ({TICKET_COLUMNS}) VALUES ({_marks(TICKET_COLUMNS)})",
        "events": f"INSERT INTO events ({EVENT_COLUMNS}) VALUES ({_marks(EVENT_COLUMNS)})",
        "appointments": f"INSERT INTO appointments ({APPOINTMENT_COLUMNS})"
        f" VALUES ({_marks(APPOINTMENT_COLUMNS)})",
        "seats": "INSERT INTO slot_seats (service_point, day, desk, minute, appointment_id)"
        " VALUES (?, ?, ?, ?, ?)",
        "messages": f"INSERT INTO messages ({MESSAGE_COLUMNS}) VALUES ({_marks(MESSAGE_COLUMNS)})",
        "triage_outcomes": f"INSERT INTO triage_outcomes ({OUTCOME_COLUMNS})"
        f" VALUES ({_marks(OUTCOME_COLUMNS)})",
    }
    # Tickets and appointments refer to each other: both are written before the check that
    # every reference holds, which runs at the end (foreign keys off meanwhile, as in `migrate`).
    database.execute("PRAGMA foreign_keys = OFF")
    try:
        with write_transaction(database):
            for day_index in range(len(writer.days)):
                rows = writer.day_rows(day_index)
                for table in tables:
                    database.conn.executemany(statements[table], rows.get(table, []))
                    counts[table] += len(rows.get(table, []))
            broken = database.execute("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise RuntimeError(f"the history has broken references: {broken[:5]}")
    finally:
        database.execute("PRAGMA foreign_keys = ON")
    return counts


def reservation_key(number: int) -> str:
    """A well-formed reservation key of its own for each appointment number (the kiosk checks
    the form before it looks a key up)."""
    digits = []
    for _ in range(KEY_LENGTH):
        number, digit = divmod(number, len(KEY_ALPHABET))
        digits.append(KEY_ALPHABET[digit])
    return "".join(digits)


def _marks(columns: str) -> str:
    """As many `?` as there are columns."""
    return ", ".join("?" for _ in columns.split(","))


def write_today(database: sqlite_utils.Database, config: Config) -> None:
    """Today in both files alike: future bookings, today's appointments checked in and the
    morning's numbers, through the domain where the domain makes them."""
    chance = random.Random(SEED)
    first = config.service_points[0]
    today = NOW.date()
    appointments, seats = [], []
    for point in config.service_points:
        for offset in range(free_days.MAX_DAYS_PER_COUNT):
            day = today + timedelta(days=offset)
            if not slots.is_open_for_appointments(config, point, day):
                continue
            for slot in range(16 * DESKS):
                start, desk = 8 * 60 + (slot // DESKS) * APPOINTMENT_MINUTES, slot % DESKS + 1
                is_today_check_in = (
                    point is first and day == today and desk == 1 and slot // DESKS < 12
                )
                if not is_today_check_in and chance.random() >= FUTURE_FILL:
                    continue
                appointments.append(_booked_row(point, day, start, desk, len(appointments)))
                seats += [
                    (point.id, day.isoformat(), desk, minute, appointments[-1][0])
                    for minute in range(start, start + APPOINTMENT_MINUTES, 15)
                ]
    base = database.execute("SELECT COALESCE(MAX(id), 0) FROM appointments").fetchone()[0]
    with write_transaction(database):
        database.conn.executemany(
            f"INSERT INTO appointments ({APPOINTMENT_COLUMNS})"
            f" VALUES ({_marks(APPOINTMENT_COLUMNS)})",
            [(base + row[0], *row[1:]) for row in appointments],
        )
        database.conn.executemany(
            "INSERT INTO slot_seats (service_point, day, desk, minute, appointment_id)"
            " VALUES (?, ?, ?, ?, ?)",
            [(*seat[:4], base + seat[4]) for seat in seats],
        )
    opens = local(today, 8 * 60)
    check_ins = {
        row[2]: local(today, row[7] - 20)
        for row in appointments
        if row[1] == first.id and row[6] == today.isoformat() and row[9] == 1
    }
    moments = sorted(
        [(opens + timedelta(seconds=index * 55), None) for index in range(TODAY_TICKETS)]
        + [(moment, key) for key, moment in check_ins.items() if moment < NOW]
    )
    for moment, key in moments:
        if key is None:
            issue_ticket(
                database,
                config,
                service_point_id=first.id,
                queue_id="urgent" if chance.random() < 0.35 else "booking_help",
                party_size=1,
                language="fi",
                category=None,
                triage_answers={},
                idempotency_key=None,
                now=moment,
            )
        else:
            check_in_appointment(
                database,
                config,
                service_point_id=first.id,
                key_text=key,
                language="fi",
                now=moment,
            )
    with write_transaction(database):
        # As `set_turn_near_phone` stores it (its SMS gateway check aside).
        database.execute(
            "UPDATE tickets SET notify_phone = '+358401234567', phone_changes = 1 WHERE id IN"
            " (SELECT id FROM tickets WHERE service_point = ? AND status = 'waiting'"
            " ORDER BY id LIMIT ?)",
            [first.id, TODAY_PHONES],
        )


def _booked_row(point: ServicePoint, day: date, start: int, desk: int, number: int) -> tuple:
    """A booked appointment as `book_appointment` leaves it (a placeholder PIN hash)."""
    booked = utc_text(NOW - timedelta(days=3))
    return (
        number + 1, point.id, reservation_key(TODAY_KEYS + number), "bench-no-pin",
        CATEGORY, 1, day.isoformat(), start, start + APPOINTMENT_MINUTES, desk,
        utc_text(local(day, start)), utc_text(local(day, start + APPOINTMENT_MINUTES)), "booked",
        f"future{number}@example.fi", None, "fi", None, None, booked, booked, None,
    )  # fmt: skip


def turn_about(
    databases: dict[str, sqlite_utils.Database], rounds: int, action: Callable
) -> dict[str, list[float]]:
    """Time `action(database, round)` on each database in turn, `rounds` times; seconds each."""
    timings: dict[str, list[float]] = {name: [] for name in databases}
    for round_number in range(rounds):
        for name, database in databases.items():
            started = time.perf_counter()
            action(database, round_number)
            timings[name].append(time.perf_counter() - started)
    return timings


def measure(databases: dict[str, sqlite_utils.Database], config: Config) -> dict[str, dict]:
    """The four measures on both databases, turn about: their timings by name."""
    first = config.service_points[0]
    point_ids = [point.id for point in config.service_points]

    def snapshot(database, _round):
        build_snapshot(database, config, first.id, NOW)

    def call_next(database, round_number):
        moment = NOW + timedelta(seconds=round_number * 20)
        started = time.perf_counter()
        outcome = call_next_ticket(
            database,
            config,
            service_point_id=first.id,
            counter_number=CALL_COUNTER,
            clerk=CLERK,
            now=moment,
        )
        elapsed = time.perf_counter() - started
        finish_ticket(
            database,
            config,
            ticket_id=outcome.ticket.id,
            service_point_id=first.id,
            counter_number=CALL_COUNTER,
            clerk=CLERK,
            now=moment + timedelta(seconds=10),
        )
        return elapsed

    def count_days(database, _round):
        free_days.count_free_days(
            database,
            config,
            service_point_ids=point_ids,
            category=CATEGORY,
            party_size=1,
            now=NOW,
            days=free_days.MAX_DAYS_PER_COUNT,
        )

    results = {"snapshot before the day's first call": turn_about(databases, SNAPSHOTS, snapshot)}
    calls: dict[str, list[float]] = {name: [] for name in databases}
    for round_number in range(CALLS):
        for name, database in databases.items():
            calls[name].append(call_next(database, round_number))
    results[f"call_next_ticket ({CALLS} calls, each then finished)"] = calls
    results[f"snapshot after {CALLS} calls"] = turn_about(databases, SNAPSHOTS, snapshot)
    results["count_free_days, 92 days at all points"] = turn_about(
        databases, FREE_DAY_COUNTS, count_days
    )
    return results


def prepare(directory: Path) -> tuple[Config, dict[str, sqlite_utils.Database], dict, float]:
    """Write the config and both databases: the config, the open databases, the history's row
    counts and the seconds its writing took."""
    config_path = directory / "config.toml"
    config_path.write_text(bench_config_text(), encoding="utf-8")
    config = load_config(config_path)
    databases = {}
    for name in ("history", "empty"):
        database = connect(str(directory / f"{name}.db"))
        migrate(database)
        databases[name] = database
    started = time.perf_counter()
    counts = write_history(databases["history"], config, history_days(NOW.date()))
    seconds = time.perf_counter() - started
    for database in databases.values():
        write_today(database, config)
    return config, databases, counts, seconds


def run() -> tuple[list[tuple[str, str, str, str]], list[str]]:
    """Benchmark 8 on its own temporary files: the rows (with the history, empty) and the
    targets missed."""
    with tempfile.TemporaryDirectory(prefix="jono-bench-history-") as name:
        config, databases, counts, seconds = prepare(Path(name))
        try:
            results = measure(databases, config)
        finally:
            for database in databases.values():
                database.close()
    label = "8 a year of history"
    rows = [
        (
            label,
            "history written (tickets / events / appointments / messages)",
            f"{counts['tickets']} / {counts['events']} / {counts['appointments']}"
            f" / {counts['messages']}",
            f"in {seconds:.0f} s",
        )
    ]
    missed = []
    for measure_name, timings in results.items():
        for fraction, name in ((0.5, "p50"), (0.99, "p99")):
            rows.append(
                (
                    label,
                    f"{measure_name}: {name}",
                    milliseconds(percentile(timings["history"], fraction)),
                    milliseconds(percentile(timings["empty"], fraction)) + " (empty)",
                )
            )
        ratio = percentile(timings["history"], 0.5) / percentile(timings["empty"], 0.5)
        if ratio > HISTORY_TARGET:
            missed.append(f"{measure_name} with a year's history {ratio:.2f}× the empty one")
    return rows, missed


def sample_rows(directory: Path) -> Iterator[tuple[str, dict]]:
    """The rows the domain writes for a number issued, called and finished and for an
    appointment checked in, to set beside `HistoryWriter`'s (``python -m bench.year_history
    --sample``)."""
    config_path = directory / "config.toml"
    config_path.write_text(bench_config_text(), encoding="utf-8")
    config = load_config(config_path)
    database = connect(str(directory / "sample.db"))
    migrate(database)
    try:
        write_today(database, config)
        outcome = call_next_ticket(
            database, config, service_point_id="point1", counter_number=1, clerk=CLERK, now=NOW
        )
        finish_ticket(
            database, config, ticket_id=outcome.ticket.id, service_point_id="point1",
            counter_number=1, clerk=CLERK, now=NOW + timedelta(minutes=5),
        )  # fmt: skip
        for table, where, values in (
            ("tickets", "id = ?", [outcome.ticket.id]),
            ("events", "ticket_id = ?", [outcome.ticket.id]),
            ("appointments", "status = ? LIMIT 1", ["checked_in"]),
            ("tickets", "appointment_id IS NOT NULL LIMIT ?", [1]),
        ):
            for row in database.query(f"SELECT * FROM {table} WHERE {where}", values):
                yield table, row
    finally:
        database.close()


def main() -> None:
    """Run benchmark 8 alone and print its rows (or, with --sample, the domain's own rows)."""
    if "--sample" in sys.argv:
        with tempfile.TemporaryDirectory() as name:
            for table, row in sample_rows(Path(name)):
                print(table, row)
        return
    rows, missed = run()
    print_table(rows)
    print("\nTargets: " + ("; ".join(missed) if missed else "all met"))


if __name__ == "__main__":
    main()
