"""Counter actions on waiting numbers: transitions, busy counters, transfers, call order, events."""

from __future__ import annotations

import dataclasses

import pytest

from shared.errors import DomainError
from shared.queue import ticket_actions, tickets
from tests.conftest import count_rows


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
    return ticket_actions.call_next_ticket(
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
    "call": ticket_actions.call_ticket,
    "recall": ticket_actions.recall_ticket,
    "no_show": ticket_actions.mark_no_show,
    "start": ticket_actions.start_serving,
    "finish": ticket_actions.finish_ticket,
    "return": ticket_actions.return_ticket_to_queue,
    "transfer": ticket_actions.transfer_ticket,
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
            "called": [ticket_actions.call_ticket],
            "serving": [ticket_actions.call_ticket, ticket_actions.start_serving],
            "finished": [ticket_actions.call_ticket, ticket_actions.finish_ticket],
            "no_show": [ticket_actions.call_ticket, ticket_actions.mark_no_show],
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
        act(ticket_actions.finish_ticket, db, config, clock, ticket)
    assert raised.value.status == 409


def test_call_a_finished_ticket_is_refused(ticket_in, db, config, clock):
    ticket = ticket_in("finished")
    with pytest.raises(DomainError, match="illegal_transition") as raised:
        act(ticket_actions.call_ticket, db, config, clock, ticket, counter=2)
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
        act(ticket_actions.call_ticket, db, config, clock, waiting, counter=1)
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
        act(ticket_actions.call_ticket, db, config, clock, tampere_ticket, service_point="helsinki")
    assert (raised.value.code, raised.value.status) == ("unknown_ticket", 404)
    assert status_of(db, tampere_ticket) == "waiting"


def test_transfer_keeps_the_number_and_changes_the_queue(ticket_in, issue, db, config, clock):
    ticket = ticket_in("called")
    clock.advance(minutes=5)
    later = issue("booking_help").ticket  # B001, issued after A001
    clock.advance(minutes=5)
    moved = act(
        ticket_actions.transfer_ticket, db, config, clock, ticket, to_queue="booking_help"
    ).ticket
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
        act(ticket_actions.transfer_ticket, db, config, clock, ticket, to_queue="vip")
    assert (raised.value.code, raised.value.status) == ("unknown_queue", 404)
    assert count_rows(db) == before
    assert status_of(db, ticket) == "called"


def test_returned_ticket_is_called_again_first(issue, db, config, clock):
    first = issue().ticket
    clock.advance(minutes=1)
    issue()
    assert call_next(db, config, clock, counter=1).ticket.id == first.id
    returned = act(ticket_actions.return_ticket_to_queue, db, config, clock, first).ticket
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
    act(ticket_actions.call_ticket, db, config, clock, ticket, counter=2, clerk="anna")
    clock.advance(minutes=1)
    act(ticket_actions.recall_ticket, db, config, clock, ticket, counter=2, clerk="anna")
    act(ticket_actions.start_serving, db, config, clock, ticket, counter=2, clerk="anna")
    clock.advance(minutes=10)
    act(ticket_actions.finish_ticket, db, config, clock, ticket, counter=2, clerk="anna")
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
