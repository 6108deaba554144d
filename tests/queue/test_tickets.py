"""Waiting numbers: issuing, numbering, idempotency, opening hours and the cutoff."""

from __future__ import annotations

import dataclasses
from datetime import datetime

import pytest

from shared.errors import DomainError
from shared.queue import tickets
from tests.conftest import HELSINKI, count_rows


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


def test_a_key_is_only_looked_up_among_the_tickets_of_its_own_kiosk(issue, db):
    first = issue(idempotency_key="shared-key-0001", kiosk="kiosk:1")
    other = issue(idempotency_key="shared-key-0001", kiosk="kiosk:2")
    assert other.ticket.id != first.ticket.id
    assert other.ticket.status_token != first.ticket.status_token
    assert count_rows(db) == {"tickets": 2, "events": 2}


def test_a_key_without_a_kiosk_is_a_programming_error(issue):
    with pytest.raises(ValueError):
        issue(idempotency_key="no-kiosk-0001", kiosk=None)


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
