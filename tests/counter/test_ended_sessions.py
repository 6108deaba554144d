"""A clerk who walks away: when their session ends unused, the sweep frees their counter and
the number called there goes back to its place in the queue, as at a logout."""

from __future__ import annotations

import time

import pytest

from shared.accounts.users import set_disabled
from shared.web.ended_sessions import free_counters_of_ended_sessions
from shared.web.lost_appointments import LostAppointmentSweeper
from tests.conftest import log_in


@pytest.fixture
def sweep(app):
    """Run the sweeper thread's session sweep once, as it does every minute."""

    def run():
        with app.app_context():
            return free_counters_of_ended_sessions()

    return run


@pytest.fixture
def called(make_clerk, issue):
    """Clerk1 at Helsinki counter 1 with a number called there; returns (client, ticket id)."""
    ticket = issue().ticket
    clerk = make_clerk()
    assert clerk.post("/api/v1/counter/call-next").json["id"] == ticket.id
    return clerk, ticket.id


def ticket_state(db, ticket_id: int) -> tuple:
    """The ticket's status and counter as stored."""
    return tuple(
        db.execute("SELECT status, counter FROM tickets WHERE id = ?", [ticket_id]).fetchone()
    )


def open_counters(db) -> list[tuple]:
    """(service point, counter, clerk) of every counter held."""
    return [
        tuple(row)
        for row in db.execute("SELECT service_point, counter, clerk FROM counter_sessions")
    ]


def test_the_idle_timeout_frees_the_counter(called, sweep, db, clock, config, socket_client):
    clerk, ticket_id = called
    display = socket_client("helsinki")
    display.get_received()
    clock.advance(minutes=config.accounts.idle_minutes - 1)
    assert sweep() == ()
    assert open_counters(db) == [("helsinki", 1, "clerk1")]
    clock.advance(minutes=1)
    events = sweep()
    assert [event.type for event in events] == ["TicketReturnedToQueue", "CounterClosed"]
    assert open_counters(db) == []
    assert ticket_state(db, ticket_id) == ("waiting", None)
    heard = [m["args"][0]["type"] for m in display.get_received() if m["name"] == "queue_event"]
    assert heard == ["TicketReturnedToQueue", "CounterClosed"]
    assert clerk.get("/api/v1/counter").status_code == 401
    assert db.execute("SELECT COUNT(*) FROM clerk_sessions").fetchone()[0] == 0


def test_a_clerk_at_work_keeps_the_counter(called, sweep, db, clock, config):
    clerk, ticket_id = called
    for _ in range(3):
        clock.advance(minutes=config.accounts.idle_minutes - 1)
        assert clerk.get("/api/v1/counter").status_code == 200
        assert sweep() == ()
    assert ticket_state(db, ticket_id) == ("called", 1)


def test_another_live_session_of_the_clerk_keeps_the_counter(called, sweep, app, db, clock, config):
    """Logged in on a second machine too: the first one's ending frees nothing."""
    second = app.test_client()
    clock.advance(minutes=config.accounts.idle_minutes // 2)
    assert log_in(second, "clerk1").status_code == 200
    clock.advance(minutes=config.accounts.idle_minutes // 2 + 1)
    assert sweep() == ()
    assert open_counters(db) == [("helsinki", 1, "clerk1")]
    assert second.get("/api/v1/counter").json["counter"] == 1


def test_a_disabled_clerks_counter_is_freed_at_the_next_sweep(called, sweep, db, clock):
    _, ticket_id = called
    set_disabled(db, "clerk1", True, clock.now())  # `jono users disable clerk1`
    assert [event.type for event in sweep()] == ["TicketReturnedToQueue", "CounterClosed"]
    assert ticket_state(db, ticket_id) == ("waiting", None)


def test_the_sweeper_thread_does_it_by_itself(called, app, db, clock, config):
    """The in-server sweeper thread (every minute in `jono serve`; here every 50 ms)."""
    _, ticket_id = called
    clock.advance(minutes=config.accounts.idle_minutes)
    sweeper = LostAppointmentSweeper(app)
    sweeper.start(interval_seconds=0.05)
    try:
        deadline = time.monotonic() + 10
        while open_counters(db) and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        sweeper.stop()
    assert open_counters(db) == []
    assert ticket_state(db, ticket_id) == ("waiting", None)
