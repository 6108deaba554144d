"""Waiting numbers: issuing, numbering, idempotency, counter actions and the event log."""

from __future__ import annotations

import dataclasses
from datetime import datetime

import pytest

from shared import tickets
from shared.errors import DomainError
from tests.conftest import HELSINKI, count_rows


def act(
    action, db, config, clock, ticket, counter=1, service_point="helsinki", clerk="clerk1", **extra
):
    """Run one counter action on a ticket at a Helsinki counter."""
    return action(
        db,
        config,
        ticket_id=ticket.id,
        service_point_id=service_point,
        counter_number=counter,
        clerk=clerk,
        now=clock.now(),
        **extra,
    )


def call_next(db, config, clock, counter=1, service_point="helsinki", clerk="clerk1"):
    """Press "call next" at a counter."""
    return tickets.call_next_ticket(
        db,
        config,
        service_point_id=service_point,
        counter_number=counter,
        clerk=clerk,
        now=clock.now(),
    )


def status_of(db, ticket) -> str:
    """The ticket's status as stored now."""
    return tickets.get_ticket(db, ticket.id).status


def test_numbers_count_up_per_queue(issue):
    assert [issue().ticket.number for _ in range(3)] == ["A001", "A002", "A003"]
    assert issue("booking_help").ticket.number == "B001"
    assert issue().ticket.number == "A004"


def test_numbering_restarts_each_day(issue, clock):
    assert issue().ticket.number == "A001"
    assert issue().ticket.number == "A002"
    clock.set(datetime(2026, 12, 1, 8, 30, tzinfo=HELSINKI))
    tuesday = issue().ticket
    assert tuesday.number == "A001"
    assert tuesday.day == "2026-12-01"


def test_day_follows_the_service_points_local_time(issue, clock):
    """00:30 in Helsinki is still the previous day in UTC, but a new day for numbering."""
    assert issue().ticket.number == "A001"
    clock.set(datetime(2026, 12, 1, 0, 30, tzinfo=HELSINKI))
    ticket = issue(enforce_opening_hours=False).ticket
    assert ticket.day == "2026-12-01"
    assert ticket.number == "A001"


def test_each_service_point_has_its_own_numbers(issue):
    assert issue(service_point="helsinki").ticket.number == "A001"
    assert issue(service_point="helsinki").ticket.number == "A002"
    assert issue(service_point="tampere").ticket.number == "A001"


def test_issued_ticket_is_waiting_with_its_answers(issue, clock):
    ticket = issue(
        party_size=3, language="sv", triage_answers={"matter": "residence_permit"}
    ).ticket
    assert ticket.status == tickets.WAITING
    assert ticket.queue == ticket.issued_queue == "urgent"
    assert ticket.party_size == 3
    assert ticket.language == "sv"
    assert ticket.triage_answers == {"matter": "residence_permit"}
    assert ticket.issued_at == clock.now()


def test_same_idempotency_key_returns_the_same_ticket_and_no_second_event(issue, db):
    first = issue(idempotency_key="kiosk-1-interaction-7")
    again = issue(idempotency_key="kiosk-1-interaction-7")
    assert again.ticket.id == first.ticket.id
    assert again.ticket.number == "A001"
    assert len(first.events) == 1
    assert again.events == ()
    assert count_rows(db) == {"tickets": 1, "events": 1}
    assert issue(idempotency_key="kiosk-1-interaction-8").ticket.number == "A002"


@pytest.mark.parametrize(
    ("overrides", "code", "status"),
    [
        ({"service_point": "oulu"}, "unknown_service_point", 404),
        ({"queue": "vip"}, "unknown_queue", 404),
        ({"party_size": 7}, "party_too_large", 400),
        ({"party_size": 0}, "party_too_large", 400),
    ],
)
def test_refused_issue_writes_nothing(issue, db, overrides, code, status):
    with pytest.raises(DomainError) as raised:
        issue(**overrides)
    assert (raised.value.code, raised.value.status) == (code, status)
    assert count_rows(db) == {"tickets": 0, "events": 0}


@pytest.mark.parametrize(
    "moment",
    [
        pytest.param(datetime(2026, 11, 30, 15, 45, tzinfo=HELSINKI), id="at-last-ticket-cutoff"),
        pytest.param(
            datetime(2026, 11, 30, 16, 0, tzinfo=HELSINKI), id="after-cutoff-before-closing"
        ),
        pytest.param(datetime(2026, 11, 30, 17, 0, tzinfo=HELSINKI), id="after-closing"),
        pytest.param(datetime(2026, 11, 30, 7, 59, tzinfo=HELSINKI), id="before-opening"),
        pytest.param(datetime(2026, 12, 5, 10, 0, tzinfo=HELSINKI), id="saturday"),
        pytest.param(datetime(2026, 12, 6, 12, 0, tzinfo=HELSINKI), id="sunday"),
    ],
)
def test_not_issuing_outside_walk_in_hours(issue, db, clock, moment):
    clock.set(moment)
    with pytest.raises(DomainError) as raised:
        issue()
    assert raised.value.code == "not_issuing"
    assert raised.value.status == 409
    assert count_rows(db)["tickets"] == 0


@pytest.mark.parametrize(
    "moment",
    [
        pytest.param(datetime(2026, 11, 30, 8, 0, tzinfo=HELSINKI), id="at-opening"),
        pytest.param(datetime(2026, 11, 30, 15, 44, tzinfo=HELSINKI), id="minute-before-cutoff"),
    ],
)
def test_issuing_inside_walk_in_hours(issue, clock, moment):
    clock.set(moment)
    assert issue().ticket.number == "A001"


def test_cutoff_follows_the_rule(issue, config, clock):
    """With a 60-minute cutoff, 15:30 is already too late."""
    clock.set(datetime(2026, 11, 30, 15, 30, tzinfo=HELSINKI))
    assert issue().ticket.number == "A001"
    stricter = dataclasses.replace(
        config, rules=dataclasses.replace(config.rules, last_ticket_minutes_before_closing=60)
    )
    with pytest.raises(DomainError, match="not_issuing"):
        issue(settings=stricter)


# The rules as the issue states them: which statuses each counter action may start from.
ALLOWED_FROM = {
    "call": ("waiting",),
    "recall": ("called",),
    "no_show": ("called",),
    "start": ("called",),
    "finish": ("called", "serving"),
    "return": ("called", "serving"),
    "transfer": ("waiting", "called", "serving"),
}
ACTIONS = {
    "call": tickets.call_ticket,
    "recall": tickets.recall_ticket,
    "no_show": tickets.mark_no_show,
    "start": tickets.start_serving,
    "finish": tickets.finish_ticket,
    "return": tickets.return_ticket_to_queue,
    "transfer": tickets.transfer_ticket,
}
STATUSES = ("waiting", "called", "serving", "finished", "no_show")


def run(action_name, db, config, clock, ticket, counter=1):
    """Run a named action; a transfer goes to the booking-help queue."""
    extra = {"to_queue": "booking_help"} if action_name == "transfer" else {}
    return act(ACTIONS[action_name], db, config, clock, ticket, counter=counter, **extra)


@pytest.fixture
def ticket_in(issue, db, config, clock):
    """Make a ticket and bring it to a status at counter 1."""

    def make(status: str):
        ticket = issue().ticket
        steps = {
            "waiting": [],
            "called": [tickets.call_ticket],
            "serving": [tickets.call_ticket, tickets.start_serving],
            "finished": [tickets.call_ticket, tickets.finish_ticket],
            "no_show": [tickets.call_ticket, tickets.mark_no_show],
        }[status]
        for step in steps:
            ticket = act(step, db, config, clock, ticket).ticket
        assert ticket.status == status
        return ticket

    return make


@pytest.mark.parametrize(
    ("action_name", "from_status", "to_status", "event_type"),
    [
        ("call", "waiting", "called", "TicketCalled"),
        ("recall", "called", "called", "TicketRecalled"),
        ("no_show", "called", "no_show", "TicketMarkedNoShow"),
        ("start", "called", "serving", "ServiceStarted"),
        ("finish", "called", "finished", "TicketFinished"),
        ("finish", "serving", "finished", "TicketFinished"),
        ("return", "called", "waiting", "TicketReturnedToQueue"),
        ("return", "serving", "waiting", "TicketReturnedToQueue"),
        ("transfer", "waiting", "waiting", "TicketTransferred"),
        ("transfer", "called", "waiting", "TicketTransferred"),
        ("transfer", "serving", "waiting", "TicketTransferred"),
    ],
)
def test_legal_transition(
    ticket_in, db, config, clock, action_name, from_status, to_status, event_type
):
    ticket = ticket_in(from_status)
    clock.advance(minutes=3)
    outcome = run(action_name, db, config, clock, ticket)
    assert outcome.ticket.status == to_status
    assert status_of(db, ticket) == to_status
    assert outcome.ticket.number == ticket.number
    (event,) = outcome.events
    assert (event.type, event.ticket_id, event.from_status, event.to_status) == (
        event_type,
        ticket.id,
        from_status,
        to_status,
    )
    assert (event.counter, event.clerk, event.at) == (1, "clerk1", clock.now())
    newest = db.execute("SELECT type, sequence FROM events ORDER BY id DESC LIMIT 1").fetchone()
    assert newest == (event_type, event.sequence)
    if to_status == "called":
        assert outcome.ticket.counter == 1
        assert outcome.ticket.called_at == clock.now()
    if to_status == "waiting":
        assert outcome.ticket.counter is None
        assert outcome.ticket.called_at is None
    if to_status in ("finished", "no_show"):
        assert outcome.ticket.finished_at == clock.now()


ILLEGAL = [
    (action_name, status)
    for action_name in ALLOWED_FROM
    for status in STATUSES
    if status not in ALLOWED_FROM[action_name]
]


@pytest.mark.parametrize(("action_name", "from_status"), ILLEGAL)
def test_illegal_transition_is_refused_and_writes_nothing(
    ticket_in, db, config, clock, action_name, from_status
):
    ticket = ticket_in(from_status)
    before = count_rows(db)
    with pytest.raises(DomainError) as raised:
        run(action_name, db, config, clock, ticket)
    assert raised.value.code == "illegal_transition"
    assert raised.value.status == 409
    assert raised.value.params["number"] == ticket.number
    assert status_of(db, ticket) == from_status
    assert count_rows(db) == before


def test_finish_a_waiting_ticket_is_refused(ticket_in, db, config, clock):
    ticket = ticket_in("waiting")
    with pytest.raises(DomainError, match="illegal_transition") as raised:
        act(tickets.finish_ticket, db, config, clock, ticket)
    assert raised.value.status == 409


def test_call_a_finished_ticket_is_refused(ticket_in, db, config, clock):
    ticket = ticket_in("finished")
    with pytest.raises(DomainError, match="illegal_transition") as raised:
        act(tickets.call_ticket, db, config, clock, ticket, counter=2)
    assert raised.value.status == 409


@pytest.mark.parametrize(
    "action_name", ["recall", "no_show", "start", "finish", "return", "transfer"]
)
def test_another_counters_ticket_is_refused(ticket_in, db, config, clock, action_name):
    ticket = ticket_in("called")  # called to counter 1
    before = count_rows(db)
    with pytest.raises(DomainError) as raised:
        run(action_name, db, config, clock, ticket, counter=2)
    assert raised.value.code == "ticket_at_other_counter"
    assert raised.value.params == {"number": "A001", "counter": 1}
    assert tickets.get_ticket(db, ticket.id).counter == 1
    assert count_rows(db) == before


def test_busy_counter_cannot_call_another_ticket(ticket_in, issue, db, config, clock):
    ticket_in("called")
    waiting = issue().ticket
    with pytest.raises(DomainError) as raised:
        call_next(db, config, clock, counter=1)
    assert (raised.value.code, raised.value.params["number"]) == ("counter_busy", "A001")
    with pytest.raises(DomainError, match="counter_busy"):
        act(tickets.call_ticket, db, config, clock, waiting, counter=1)
    assert status_of(db, waiting) == "waiting"
    # Another counter may call it.
    assert call_next(db, config, clock, counter=2).ticket.number == "A002"


def test_serving_counter_is_busy_too(ticket_in, issue, db, config, clock):
    ticket_in("serving")
    issue()
    with pytest.raises(DomainError, match="counter_busy"):
        call_next(db, config, clock, counter=1)


def test_call_next_on_empty_queues(db, config, clock, issue):
    issue("booking_help")
    with pytest.raises(DomainError) as raised:
        call_next(db, config, clock, counter=3)  # appointment and urgent only
    assert (raised.value.code, raised.value.status) == ("queue_empty", 404)


def test_call_next_refuses_unknown_counter(db, config, clock, issue):
    issue()
    with pytest.raises(DomainError) as raised:
        call_next(db, config, clock, counter=99)
    assert (raised.value.code, raised.value.status) == ("unknown_counter", 404)


def test_ticket_of_another_service_point_is_not_found(issue, db, config, clock):
    tampere_ticket = issue(service_point="tampere").ticket
    with pytest.raises(DomainError) as raised:
        act(tickets.call_ticket, db, config, clock, tampere_ticket, service_point="helsinki")
    assert (raised.value.code, raised.value.status) == ("unknown_ticket", 404)
    assert status_of(db, tampere_ticket) == "waiting"


def test_transfer_keeps_the_number_and_changes_the_queue(ticket_in, issue, db, config, clock):
    ticket = ticket_in("called")
    clock.advance(minutes=5)
    later = issue("booking_help").ticket  # B001, issued after A001
    clock.advance(minutes=5)
    moved = act(tickets.transfer_ticket, db, config, clock, ticket, to_queue="booking_help").ticket
    assert (moved.number, moved.queue, moved.issued_queue) == ("A001", "booking_help", "urgent")
    assert (moved.status, moved.counter) == ("waiting", None)
    assert moved.queued_at == ticket.queued_at
    event = db.execute("SELECT type, queue FROM events ORDER BY sequence DESC LIMIT 1").fetchone()
    assert event == ("TicketTransferred", "booking_help")
    # Counter 5 calls appointments and booking help: A001 keeps its place ahead of B001.
    assert call_next(db, config, clock, counter=5).ticket.number == "A001"
    assert status_of(db, later) == "waiting"
    # The next urgent number is still A002: the transferred number is not reused.
    assert issue().ticket.number == "A002"


def test_transfer_to_unknown_queue_is_refused(ticket_in, db, config, clock):
    ticket = ticket_in("called")
    before = count_rows(db)
    with pytest.raises(DomainError) as raised:
        act(tickets.transfer_ticket, db, config, clock, ticket, to_queue="vip")
    assert (raised.value.code, raised.value.status) == ("unknown_queue", 404)
    assert count_rows(db) == before
    assert status_of(db, ticket) == "called"


def test_returned_ticket_is_called_again_first(issue, db, config, clock):
    first = issue().ticket
    clock.advance(minutes=1)
    issue()
    assert call_next(db, config, clock, counter=1).ticket.id == first.id
    returned = act(tickets.return_ticket_to_queue, db, config, clock, first).ticket
    assert (returned.status, returned.counter, returned.queue) == ("waiting", None, "urgent")
    # Counter 1 is free again and the returned number is back at the front of its queue.
    assert call_next(db, config, clock, counter=2).ticket.number == "A001"
    assert call_next(db, config, clock, counter=1).ticket.number == "A002"


def test_priority_call_order_takes_the_counters_first_queue(issue, db, config, clock):
    issue("urgent")  # A001, older
    clock.advance(minutes=5)
    issue("booking_help")  # B001
    # Counter 6 lists booking help first, counter 1 urgent first.
    assert call_next(db, config, clock, counter=6).ticket.number == "B001"
    assert call_next(db, config, clock, counter=1).ticket.number == "A001"


def test_oldest_first_call_order_ignores_queue_order(issue, db, config, clock):
    oldest_first = dataclasses.replace(
        config, rules=dataclasses.replace(config.rules, call_order="oldest_first")
    )
    issue("urgent")  # A001, older
    clock.advance(minutes=5)
    issue("booking_help")  # B001
    assert call_next(db, oldest_first, clock, counter=6).ticket.number == "A001"
    assert call_next(db, oldest_first, clock, counter=1).ticket.number == "B001"


def test_within_a_queue_the_oldest_number_is_called_first(issue, db, config, clock):
    for _ in range(3):
        issue()
        clock.advance(minutes=1)
    called = []
    for counter in (1, 2, 3):
        called.append(call_next(db, config, clock, counter=counter).ticket.number)
    assert called == ["A001", "A002", "A003"]


def test_every_change_is_an_event_with_increasing_sequence(issue, db, config, clock):
    ticket = issue().ticket
    clock.advance(minutes=1)
    act(tickets.call_ticket, db, config, clock, ticket, counter=2, clerk="anna")
    clock.advance(minutes=1)
    act(tickets.recall_ticket, db, config, clock, ticket, counter=2, clerk="anna")
    act(tickets.start_serving, db, config, clock, ticket, counter=2, clerk="anna")
    clock.advance(minutes=10)
    act(tickets.finish_ticket, db, config, clock, ticket, counter=2, clerk="anna")
    issue(service_point="tampere")
    rows = list(db.query("SELECT * FROM events WHERE service_point = 'helsinki' ORDER BY id"))
    assert [row["sequence"] for row in rows] == [1, 2, 3, 4, 5]
    assert [(row["type"], row["from_status"], row["to_status"]) for row in rows] == [
        ("TicketIssued", None, "waiting"),
        ("TicketCalled", "waiting", "called"),
        ("TicketRecalled", "called", "called"),
        ("ServiceStarted", "called", "serving"),
        ("TicketFinished", "serving", "finished"),
    ]
    assert {row["ticket_id"] for row in rows} == {ticket.id}
    assert [row["counter"] for row in rows] == [None, 2, 2, 2, 2]
    assert [row["clerk"] for row in rows] == [None, "anna", "anna", "anna", "anna"]
    moments = [row["at"] for row in rows]
    assert moments == sorted(moments)
    assert moments[0] == "2026-11-30T08:00:00.000000+00:00"
    tampere = db.execute(
        "SELECT sequence, type FROM events WHERE service_point = 'tampere'"
    ).fetchall()
    assert tampere == [(1, "TicketIssued")]


def test_retry_after_the_cutoff_returns_the_ticket_issued_before_it(issue, db, clock):
    """A kiosk whose answer was lost retries a moment later: it gets its number, not a refusal."""
    clock.set(datetime(2026, 11, 30, 15, 44, 59, tzinfo=HELSINKI))
    first = issue(idempotency_key="kiosk-1-interaction-9")
    clock.set(datetime(2026, 11, 30, 15, 45, 1, tzinfo=HELSINKI))
    again = issue(idempotency_key="kiosk-1-interaction-9")
    assert (again.ticket.id, again.ticket.number, again.events) == (first.ticket.id, "A001", ())
    with pytest.raises(DomainError, match="not_issuing"):
        issue(idempotency_key="kiosk-1-interaction-10")
    assert count_rows(db) == {"tickets": 1, "events": 1}
