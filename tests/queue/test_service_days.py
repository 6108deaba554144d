"""Service days with clear edges: waiting numbers expire when the point closes, a counter is
free the next morning, and a point open around the clock keeps its queue across midnight with
numbering that restarts at its `day_starts_at`."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, time, timedelta

import pytest

from shared.config import ConfigError, load_config
from shared.config.opening_hours import OpeningHours
from shared.queue.opening import first_closing_after
from shared.queue.service_days import expire_ended_numbers
from shared.queue.snapshot import build_snapshot
from shared.queue.ticket_actions import call_next_ticket
from shared.queue.ticket_status import ticket_status
from shared.queue.tickets import get_ticket
from shared.web.lost_appointments import sweeper_of
from tests.conftest import HELSINKI, PROJECT_ROOT

MONDAY = date(2026, 11, 30)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    """A moment in Helsinki."""
    return datetime.combine(day, time(hour, minute), tzinfo=HELSINKI)


def all_day(config, day_starts_minute: int = 0):
    """The config with Helsinki open around the clock, its day starting at that minute."""
    hours = {weekday: OpeningHours(time(0), time.max) for weekday in range(7)}
    points = tuple(
        dataclasses.replace(point, opening_hours=hours, day_starts_minute=day_starts_minute)
        if point.id == "helsinki"
        else point
        for point in config.service_points
    )
    return dataclasses.replace(config, service_points=points)


def expire(db, config, now):
    """Run the day-end sweep of Helsinki at `now`; the event types it recorded."""
    return [
        event.type
        for event in expire_ended_numbers(db, config, config.service_point("helsinki"), now)
    ]


def test_waiting_numbers_expire_at_closing_with_an_event(db, config, issue, clock):
    clock.set(at(MONDAY, 15, 30))
    first, second = issue().ticket, issue().ticket
    assert expire(db, config, at(MONDAY, 16, 14)) == []  # still open
    assert get_ticket(db, first.id).status == "waiting"
    assert expire(db, config, at(MONDAY, 16, 15)) == ["TicketExpired", "TicketExpired"]
    assert {get_ticket(db, t.id).status for t in (first, second)} == {"expired"}
    row = db.execute(
        "SELECT from_status, to_status FROM events WHERE type = 'TicketExpired' LIMIT 1"
    ).fetchone()
    assert row == ("waiting", "expired")
    assert expire(db, config, at(MONDAY, 16, 30)) == []  # once


def test_a_number_called_yesterday_does_not_hold_the_counter_next_morning(db, config, issue, clock):
    clock.set(at(MONDAY, 15, 40))
    issue()
    called = call_next_ticket(
        db, config, service_point_id="helsinki", counter_number=1, clerk="c", now=clock.now()
    ).ticket
    tuesday = at(MONDAY + timedelta(days=1), 8, 0)
    assert expire(db, config, tuesday) == ["TicketExpired"]
    assert get_ticket(db, called.id).status == "expired"
    clock.set(tuesday)
    fresh = issue().ticket
    assert fresh.number == "A001"  # a new day, new numbers
    again = call_next_ticket(
        db, config, service_point_id="helsinki", counter_number=1, clerk="c", now=tuesday
    )
    assert again.ticket.id == fresh.id


def test_an_all_day_point_keeps_calling_across_midnight(db, config, issue, clock):
    around_the_clock = all_day(config)
    clock.set(at(MONDAY, 23, 50))
    before = issue(settings=around_the_clock).ticket
    after_midnight = at(MONDAY + timedelta(days=1), 0, 10)
    assert expire(db, around_the_clock, after_midnight) == []
    clock.set(after_midnight)
    new = issue(settings=around_the_clock).ticket
    assert (before.day, new.day) == ("2026-11-30", "2026-12-01")
    assert new.number == "A001"  # numbering restarted at midnight
    status = ticket_status(db, around_the_clock, before.status_token, after_midnight)
    assert (status.status, status.people_ahead) == ("waiting", 0)
    called = call_next_ticket(
        db,
        around_the_clock,
        service_point_id="helsinki",
        counter_number=1,
        clerk="c",
        now=after_midnight,
    )
    assert called.ticket.id == before.id  # yesterday's number first, in its place


def test_numbering_restarts_at_the_configured_hour(db, config, issue, clock):
    four_am = all_day(config, day_starts_minute=4 * 60)
    tuesday = MONDAY + timedelta(days=1)
    clock.set(at(tuesday, 1, 0))
    night = issue(settings=four_am).ticket
    clock.set(at(tuesday, 3, 59))
    assert issue(settings=four_am).ticket.number == "A002"  # still Monday's service day
    clock.set(at(tuesday, 4, 0))
    morning = issue(settings=four_am).ticket
    assert (night.day, morning.day, morning.number) == ("2026-11-30", "2026-12-01", "A001")


def test_the_first_closing_after_a_moment(config):
    point = config.service_point("helsinki")
    assert first_closing_after(config, point, at(MONDAY, 10)) == at(MONDAY, 16, 15)
    friday = MONDAY + timedelta(days=4)
    assert first_closing_after(config, point, at(friday, 17)) == at(friday + timedelta(1), 0)
    around = all_day(config)
    assert first_closing_after(around, around.service_point("helsinki"), at(MONDAY, 10)) is None


def test_day_starts_at_is_read_and_checked(tmp_path):
    text = (PROJECT_ROOT / "config.toml").read_text()
    anchor = 'timezone = "Europe/Helsinki"'
    path = tmp_path / "config.toml"
    path.write_text(text.replace(anchor, anchor + '\nday_starts_at = "04:30"', 1))
    assert load_config(path).service_point("helsinki").day_starts_minute == 4 * 60 + 30
    path.write_text(text.replace(anchor, anchor + '\nday_starts_at = "25:00"', 1))
    with pytest.raises(ConfigError, match=r"service_points\[0\]\.day_starts_at"):
        load_config(path)


def test_the_background_sweep_expires_and_the_displays_hear_it(
    app, db, issue, clock, socket_client
):
    from shared.web.lost_appointments import sweeper_of

    clock.set(at(MONDAY, 15, 40))
    ticket = issue().ticket
    display = socket_client("helsinki")
    display.get_received()
    clock.set(at(MONDAY, 16, 16))
    with app.app_context():
        events = sweeper_of(app).sweep_and_publish()
    assert "TicketExpired" in [event.type for event in events]
    heard = [
        message["args"][0] for message in display.get_received() if message["name"] == "queue_event"
    ]
    # (The number's own TicketIssued, made through the domain, goes out first.)
    assert [event["type"] for event in heard][-1] == "TicketExpired"
    assert get_ticket(db, ticket.id).status == "expired"


def test_the_clerk_sees_yesterdays_expired_numbers_next_morning(
    app, make_clerk, issue, clock, config
):
    clock.set(at(MONDAY, 15, 0))
    first, second = issue().ticket, issue(party_size=2).ticket
    clock.set(at(MONDAY + timedelta(days=1), 8, 30))
    with app.app_context():
        sweeper_of(app).sweep_and_publish()
    clerk = make_clerk("clerk1", "helsinki", 1)
    listed = clerk.get("/api/v1/service-points/helsinki/expired-tickets")
    assert listed.status_code == 200, listed.json
    assert listed.json["day"] == "2026-11-30"
    assert [(n["number"], n["party_size"]) for n in listed.json["numbers"]] == [
        (first.number, 1),
        (second.number, 2),
    ]
    other_day = clerk.get("/api/v1/service-points/helsinki/expired-tickets?day=2026-12-01")
    assert other_day.json["numbers"] == []
    assert (
        app.test_client().get("/api/v1/service-points/helsinki/expired-tickets").status_code == 401
    )


def carried_and_called(db, config, issue, clock):
    """At a point open around the clock: a number issued at 23:50 and called at 00:05.
    Returns the config, the ticket and the moment of the call."""
    around_the_clock = all_day(config)
    clock.set(at(MONDAY, 23, 50))
    carried = issue(settings=around_the_clock).ticket
    after_midnight = at(MONDAY + timedelta(days=1), 0, 5)
    call_next_ticket(
        db,
        around_the_clock,
        service_point_id="helsinki",
        counter_number=1,
        clerk="c",
        now=after_midnight,
    )
    return around_the_clock, carried, after_midnight


def test_a_number_carried_across_midnight_and_called_after_it_is_not_expired(
    db, config, issue, clock
):
    around_the_clock, carried, after_midnight = carried_and_called(db, config, issue, clock)
    assert expire(db, around_the_clock, after_midnight + timedelta(minutes=5)) == []
    assert get_ticket(db, carried.id).status == "called"


def test_the_display_shows_a_carried_number_called_after_midnight(db, config, issue, clock):
    around_the_clock, carried, after_midnight = carried_and_called(db, config, issue, clock)
    state = build_snapshot(db, around_the_clock, "helsinki", after_midnight)
    assert [call["number"] for call in state["recent_calls"]] == [carried.number]
    assert [serving["number"] for serving in state["now_serving"]] == [carried.number]
