"""The service point snapshot: queues, wait estimates, calls, opening hours; numbers only."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from shared.errors import DomainError
from shared.queue import ticket_actions
from shared.queue.counters import close_counters_of, open_counter
from shared.queue.service_days import expire_ended_numbers
from shared.queue.snapshot import build_snapshot
from tests.conftest import HELSINKI


@pytest.fixture
def snapshot(db, config, clock):
    """Build the snapshot of a service point at the clock's now."""

    def build(service_point: str = "helsinki") -> dict:
        return build_snapshot(db, config, service_point, clock.now())

    return build


def queue_of(snapshot: dict, queue_id: str) -> dict:
    """One queue's part of a snapshot."""
    return next(queue for queue in snapshot["queues"] if queue["id"] == queue_id)


def call_next(db, config, clock, counter, clerk="clerk1"):
    """Press "call next" at a Helsinki counter."""
    return ticket_actions.call_next_ticket(
        db,
        config,
        service_point_id="helsinki",
        counter_number=counter,
        clerk=clerk,
        now=clock.now(),
    ).ticket


def finish(db, config, clock, ticket, counter):
    """Finish a ticket at a Helsinki counter."""
    return ticket_actions.finish_ticket(
        db,
        config,
        ticket_id=ticket.id,
        service_point_id="helsinki",
        counter_number=counter,
        clerk="clerk1",
        now=clock.now(),
    ).ticket


def test_empty_service_point(snapshot):
    state = snapshot()
    assert state["service_point"] == {
        "id": "helsinki",
        "name": {"fi": "Helsinki, Malmi", "sv": "Helsingfors, Malm", "en": "Helsinki, Malmi"},
        "address": "Malminkaari 5, 00700 Helsinki",
    }
    assert state["sequence"] == 0
    assert state["generated_at"] == "2026-11-30T08:00:00.000000+00:00"
    assert [queue["id"] for queue in state["queues"]] == ["urgent", "booking_help", "appointment"]
    assert all(queue["waiting_count"] == 0 for queue in state["queues"])
    assert all(queue["estimated_wait_minutes"] == 0 for queue in state["queues"])
    assert (state["now_serving"], state["recent_calls"], state["open_counters"]) == ([], [], [])


def test_opening_hours_in_utc(snapshot):
    assert snapshot()["hours"] == {
        "is_open": True,
        "is_accepting_tickets": True,
        "opens_at": "2026-11-30T06:00:00.000000+00:00",
        "closes_at": "2026-11-30T14:15:00.000000+00:00",
        "last_ticket_at": "2026-11-30T13:45:00.000000+00:00",
        "next_opens_at": None,
    }


def test_closed_on_saturday(snapshot, clock):
    clock.set(datetime(2026, 12, 5, 10, 0, tzinfo=HELSINKI))
    state = snapshot()
    assert state["hours"] == {
        "is_open": False,
        "is_accepting_tickets": False,
        "opens_at": None,
        "closes_at": None,
        "last_ticket_at": None,
        "next_opens_at": "2026-12-07T06:00:00.000000+00:00",  # Monday 08:00 in Helsinki
    }
    assert queue_of(state, "urgent")["is_likely_served_today"] is False


def test_waiting_numbers_in_order(snapshot, issue, clock):
    for queue in ("urgent", "booking_help", "urgent"):
        issue(queue, party_size=2)
        clock.advance(minutes=1)
    state = snapshot()
    assert state["sequence"] == 3
    urgent = queue_of(state, "urgent")
    assert urgent["waiting_count"] == 2
    assert [ticket["number"] for ticket in urgent["waiting"]] == ["A001", "A002"]
    assert urgent["waiting"][0]["party_size"] == 2
    assert queue_of(state, "booking_help")["waiting_count"] == 1
    assert queue_of(state, "appointment")["waiting_count"] == 0


def test_wait_estimate_shares_work_among_configured_counters(snapshot, issue):
    for _ in range(4):
        issue()
    urgent = queue_of(snapshot(), "urgent")
    # 12 minutes per customer, five Helsinki counters call urgent numbers: 4 * 2.4 = 9.6 -> 10.
    assert urgent["minutes_per_customer"] == 2.4
    assert urgent["estimated_wait_minutes"] == 10


def test_wait_estimate_counts_only_open_counters_once_any_is_open(
    snapshot, issue, db, config, clock
):
    for _ in range(4):
        issue()
    open_counter(db, config, "helsinki", 1, "clerk1", clock.now())
    state = snapshot()
    assert state["open_counters"] == [1]
    assert queue_of(state, "urgent")["estimated_wait_minutes"] == 48
    open_counter(db, config, "helsinki", 2, "clerk2", clock.now())
    assert queue_of(snapshot(), "urgent")["estimated_wait_minutes"] == 24
    close_counters_of(db, "clerk2", clock.now())
    assert snapshot()["open_counters"] == [1]


@pytest.mark.parametrize(("waiting", "is_likely_served_today"), [(2, True), (3, False)])
def test_late_arrivals_are_warned(
    snapshot, issue, db, config, clock, waiting, is_likely_served_today
):
    open_counter(db, config, "helsinki", 1, "clerk1", clock.now())
    clock.set(datetime(2026, 11, 30, 15, 40, tzinfo=HELSINKI))
    for _ in range(waiting):
        issue()  # 15:40 is before the 15:45 last-ticket time
    # One counter, 12 minutes each: 24 minutes ends 16:04, 36 minutes ends after 16:15.
    assert queue_of(snapshot(), "urgent")["is_likely_served_today"] is is_likely_served_today


def test_measured_service_time_replaces_the_default(snapshot, issue, db, config, clock):
    for _ in range(5):
        issue()
    for minutes in (20, 20, 20):
        ticket = call_next(db, config, clock, counter=1)
        clock.advance(minutes=minutes)
        finish(db, config, clock, ticket, counter=1)
    urgent = queue_of(snapshot(), "urgent")
    # Three finished tickets took 20 minutes each; five counters share the two still waiting.
    assert urgent["minutes_per_customer"] == 4.0
    assert urgent["estimated_wait_minutes"] == 8


def test_two_finished_tickets_are_too_few_to_trust(snapshot, issue, db, config, clock):
    for _ in range(3):
        issue()
    for _ in range(2):
        ticket = call_next(db, config, clock, counter=1)
        clock.advance(minutes=1)
        finish(db, config, clock, ticket, counter=1)
    assert queue_of(snapshot(), "urgent")["minutes_per_customer"] == 2.4


def test_now_serving_and_recent_calls(snapshot, issue, db, config, clock):
    issue()
    issue("booking_help")
    first = call_next(db, config, clock, counter=2)
    clock.advance(minutes=1)
    call_next(db, config, clock, counter=6)
    clock.advance(minutes=1)
    ticket_actions.recall_ticket(
        db,
        config,
        ticket_id=first.id,
        service_point_id="helsinki",
        counter_number=2,
        clerk="clerk1",
        now=clock.now(),
    )
    state = snapshot()
    assert state["now_serving"] == [
        {"number": "A001", "counter": 2, "queue": "urgent", "status": "called"},
        {"number": "B001", "counter": 6, "queue": "booking_help", "status": "called"},
    ]
    assert [(call["number"], call["counter"]) for call in state["recent_calls"]] == [
        ("A001", 2),
        ("B001", 6),
        ("A001", 2),
    ]
    assert all(queue["waiting_count"] == 0 for queue in state["queues"])


def test_yesterdays_numbers_are_not_shown(snapshot, issue, db, config, clock):
    issue()
    issue()
    call_next(db, config, clock, counter=1)
    clock.set(datetime(2026, 12, 1, 9, 0, tzinfo=HELSINKI))
    assert snapshot()["recent_calls"] == []  # yesterday's calls
    # The day-end sweep closes what the day left: the waiting number and the called one.
    expired = expire_ended_numbers(db, config, config.service_point("helsinki"), clock.now())
    assert [event.type for event in expired] == ["TicketExpired", "TicketExpired"]
    state = snapshot()
    assert queue_of(state, "urgent")["waiting_count"] == 0
    assert state["now_serving"] == []
    assert state["sequence"] == 5  # the event numbering goes on across days


def test_snapshot_holds_no_personal_data(snapshot, issue, db, config, clock):
    issue(language="sv", triage_answers={"matter": "residence_permit", "expiry_month": 1})
    call_next(db, config, clock, counter=1, clerk="maija.virtanen")
    text = json.dumps(snapshot())
    assert "maija.virtanen" not in text
    assert "triage" not in text
    assert "expiry" not in text


def test_each_service_point_has_its_own_snapshot(snapshot, issue):
    issue(service_point="tampere")
    assert snapshot("tampere")["sequence"] == 1
    assert queue_of(snapshot("tampere"), "urgent")["waiting_count"] == 1
    assert snapshot("helsinki")["sequence"] == 0
    assert queue_of(snapshot("helsinki"), "urgent")["waiting_count"] == 0


def test_unknown_service_point(snapshot):
    with pytest.raises(DomainError) as raised:
        snapshot("oulu")
    assert (raised.value.code, raised.value.status) == ("unknown_service_point", 404)
