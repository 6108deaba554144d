"""The hot paths' queries go by index and their work does not grow with history (issue 14).

The SQL is captured from the real functions (`set_trace_callback` on the connection), then each
statement is explained: a SCAN of tickets, events, appointments or messages fails, as those
tables grow every day. A plan alone misses an index walked through every past day, so the work
is also counted in SQLite's virtual-machine steps (a progress handler, not a clock) with a few
past days and without: the two must stay close.
"""

from __future__ import annotations

import contextlib
import re
from datetime import timedelta

import pytest

from bench.year_history import history_days, write_history
from shared.appointments import free_days, slots
from shared.queue.check_in import check_in_appointment
from shared.queue.snapshot import build_snapshot
from shared.queue.ticket_actions import call_next_ticket, finish_ticket, recall_ticket
from shared.queue.tickets import issue_ticket
from shared.queue.turn_near import set_turn_near_phone
from shared.storage.connections import connect
from shared.storage.migrations import migrate
from tests.notification_helpers import SmsGateway, book, with_notifications

HISTORY_TABLES = ("tickets", "events", "appointments", "messages")
NOT_AN_ALIAS = {"where", "join", "cross", "inner", "left", "on", "set", "order", "group", "limit"}
NOT_AN_ALIAS |= {"values", "using", "indexed", "not", "as", "union", "and"}
PAST_DAYS = 3
WORK_RATIO_LIMIT = 1.5


@pytest.fixture
def gateway():
    """An SMS gateway stand-in, so "your turn is near" runs its whole path."""
    server = SmsGateway()
    yield server
    server.close()


@pytest.fixture
def config(config, gateway):
    """SMS on; the text goes when 2 or fewer are ahead."""
    return with_notifications(config, sms_gateway_url=gateway.url, turn_near_people_ahead=2)


@contextlib.contextmanager
def captured_statements(db):
    """The statements run on `db` meanwhile, as SQLite ran them (values filled in)."""
    statements: list[str] = []
    db.conn.set_trace_callback(statements.append)
    try:
        yield statements
    finally:
        db.conn.set_trace_callback(None)


def history_scans(db, statement: str) -> list[str]:
    """The plan lines of `statement` that scan a table growing with history (by name or alias)."""
    names = set(HISTORY_TABLES)
    pattern = rf"\b({'|'.join(HISTORY_TABLES)})\b(?:\s+AS)?\s+(\w+)"
    for _, alias in re.findall(pattern, statement, flags=re.IGNORECASE):
        if alias.lower() not in NOT_AN_ALIAS:
            names.add(alias)
    plan = db.execute(f"EXPLAIN QUERY PLAN {statement}").fetchall()
    return [
        detail
        for *_, detail in plan
        if (found := re.match(r"SCAN (\w+)", detail)) and found.group(1) in names
    ]


def explainable(statements: list[str]) -> list[str]:
    """The statements that read or write rows (not BEGIN, COMMIT or PRAGMA)."""
    return [
        statement
        for statement in statements
        if re.match(r"\s*(SELECT|INSERT|UPDATE|DELETE|WITH)\b", statement, flags=re.IGNORECASE)
    ]


def set_up_today(db, config, clock) -> dict:
    """A morning at Helsinki as the domain makes it: numbers waiting, one with a phone, an
    appointment checked in and due. Returns what the paths below need."""
    issue = _issuer(db, config, clock)
    morning = clock.now()
    booking = book(
        db, config, morning + timedelta(minutes=30), now=morning - timedelta(hours=2),
        email="a@example.fi",
    )  # fmt: skip
    tickets = [issue(queue=queue).ticket for queue in ("urgent", "booking_help") * 3]
    checked_in = check_in_appointment(
        db, config, service_point_id="helsinki", key_text=booking.appointment.reservation_key,
        language="fi", now=morning,
    ).ticket  # fmt: skip
    # Called first (due), then finished: its number is forgotten with its messages' recipient.
    for ticket in (tickets[-1], checked_in):
        set_turn_near_phone(
            db, config, ticket_id=ticket.id, token=ticket.status_token, phone="040 765 4321",
            now=morning,
        )  # fmt: skip
    clock.set(morning + timedelta(minutes=45))  # the appointment's time has come
    return {"tickets": tickets, "issue": issue}


def hot_paths(db, config, clock, today) -> dict:
    """Each hot path as a function of no arguments, through the real domain functions."""
    now = clock.now()
    point = "helsinki"
    acted: dict = {}

    def call_next():
        acted["called"] = call_next_ticket(
            db, config, service_point_id=point, counter_number=3, clerk="c", now=now
        ).ticket

    def recall_and_finish():
        for action in (recall_ticket, finish_ticket):
            action(
                db, config, ticket_id=acted["called"].id, service_point_id=point,
                counter_number=3, clerk="c", now=now,
            )  # fmt: skip

    def issue_number():
        ticket = today["issue"](queue="urgent").ticket
        set_turn_near_phone(
            db, config, ticket_id=ticket.id, token=ticket.status_token, phone="040 111 2222",
            now=now,
        )  # fmt: skip

    def count_days():
        free_days.count_free_days(
            db, config, service_point_ids=["helsinki", "tampere"], category="travel_document",
            party_size=1, now=now, days=free_days.MAX_DAYS_PER_COUNT,
        )  # fmt: skip

    def search_slots():
        slots.search_free_slots(
            db, config, service_point_ids=["helsinki"], category="travel_document",
            party_size=1, now=now, days=31,
        )  # fmt: skip

    return {
        "snapshot": lambda: build_snapshot(db, config, point, now),
        "call next": call_next,
        "recall and finish": recall_and_finish,
        "issue with a phone": issue_number,
        "free days": count_days,
        "free slots": search_slots,
    }


@pytest.fixture
def paths(db, config, clock):
    """The hot paths on a database with today set up."""
    today = set_up_today(db, config, clock)
    return hot_paths(db, config, clock, today)


def test_no_hot_path_scans_a_table_that_grows_with_history(db, paths):
    scans = {}
    for name, path in paths.items():
        with captured_statements(db) as statements:
            path()
        assert explainable(statements), f"nothing captured for {name}"
        for statement in explainable(statements):
            if found := history_scans(db, statement):
                scans[f"{name}: {statement}"] = found
    assert scans == {}


@pytest.mark.parametrize(
    "statement",
    [
        "SELECT * FROM tickets WHERE clerk = 'c'",
        "SELECT t.number FROM events e JOIN tickets t ON t.id = e.ticket_id WHERE e.clerk = 'c'",
        "UPDATE messages SET recipient = '' WHERE kind = 'turn_near'",
        "SELECT COUNT(*) FROM appointments AS a WHERE a.email LIKE '%x'",
    ],
)
def test_the_check_finds_a_scan(db, statement):
    assert history_scans(db, statement)


@pytest.mark.parametrize(
    "statement",
    [
        "SELECT * FROM tickets WHERE id = 1",
        "SELECT * FROM events e WHERE e.service_point = 'helsinki' AND e.sequence > 5",
        "SELECT * FROM counter_sessions",  # small: one row per open counter
    ],
)
def test_the_check_passes_a_search(db, statement):
    assert history_scans(db, statement) == []


def virtual_machine_steps(db, path) -> int:
    """SQLite's virtual-machine steps while `path` runs: the work done, not the time it took."""
    steps = [0]

    def count() -> int:
        steps[0] += 1
        return 0  # go on

    db.conn.set_progress_handler(count, 1)
    try:
        path()
    finally:
        db.conn.set_progress_handler(None, 1)
    return steps[0]


def test_the_work_of_the_hot_paths_does_not_grow_with_history(db, config, clock, tmp_path):
    """The same morning on a database with PAST_DAYS full days before it (800 numbers a day,
    every appointment seat taken, their events and messages) and on an empty one."""
    past = connect(str(tmp_path / "past.db"))
    migrate(past)
    try:
        write_history(past, config, history_days(clock.now().date())[-PAST_DAYS:])
        work = {}
        morning = clock.now()
        for name, database in (("empty", db), ("past", past)):
            clock.set(morning)
            today = set_up_today(database, config, clock)
            work[name] = {
                path_name: virtual_machine_steps(database, path)
                for path_name, path in hot_paths(database, config, clock, today).items()
            }
    finally:
        past.close()
    grown = {
        path_name: (work["empty"][path_name], steps)
        for path_name, steps in work["past"].items()
        if steps > WORK_RATIO_LIMIT * work["empty"][path_name]
    }
    assert grown == {}, "steps without history and with it"


def _issuer(database, config, clock):
    """Issue a number at Helsinki on `database` at the clock's time, as a kiosk does."""

    def make(queue: str = "urgent"):
        return issue_ticket(
            database, config, service_point_id="helsinki", queue_id=queue, party_size=1,
            language="en", category="residence_permit", triage_answers={},
            idempotency_key=None, now=clock.now(), kiosk="kiosk:1",
        )  # fmt: skip

    return make
