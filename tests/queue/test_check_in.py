"""Kiosk check-in with the reservation key: the window's edges, late means lost, the call order."""

from __future__ import annotations

import dataclasses
import itertools
import time
from datetime import datetime

import pytest

from shared.accounts.users import add_user
from shared.app import create_app
from shared.appointments.booking import book_appointment, get_appointment_by_id, hold_slot
from shared.appointments.reservation_keys import format_reservation_key
from shared.queue.ticket_actions import call_next_ticket
from shared.web.lost_appointments import LostAppointmentSweeper, sweeper_of
from tests.appointment_helpers import HELSINKI, count_booking_rows, local
from tests.conftest import CLERK_PASSWORD, count_rows, log_in, pair_as_kiosk

CHECK_IN = "/api/v1/service-points/helsinki/check-ins"
PEOPLE = itertools.count(1)


def book(db, config, starts_at, service_point="helsinki", party_size=1):
    """Book an appointment through the domain at 07:00 that Monday; returns the Booking."""
    now = local(7)
    held = hold_slot(
        db,
        config,
        service_point_id=service_point,
        category="travel_document",
        party_size=party_size,
        starts_at=starts_at,
        now=now,
    )
    return book_appointment(
        db,
        config,
        hold_token=held.token,
        email=f"person{next(PEOPLE)}@example.fi",
        phone=None,
        language="fi",
        now=now,
    )


def check_in(client, key, language="en"):
    return client.post(
        CHECK_IN,
        query_string={"lang": language},
        json={"reservation_key": key, "language": language},
    )


def all_rows(db):
    return {**count_rows(db), **count_booking_rows(db)}


@pytest.mark.parametrize(
    ("moment", "status", "outcome"),
    [
        (local(9, 59), 200, "too_early"),  # a minute before the window opens
        (local(10, 0), 201, "checked_in"),  # exactly when the window opens (60 minutes before)
        (local(11, 0), 201, "checked_in"),  # at the start
        (local(11, 1), 200, "lost"),  # a minute after the start
    ],
)
def test_check_in_at_the_window_edges(client, db, config, clock, moment, status, outcome):
    booking = book(db, config, local(11))
    clock.set(moment)
    response = check_in(client, format_reservation_key(booking.appointment.reservation_key))
    assert response.status_code == status, response.json
    assert response.json["outcome"] == outcome
    assert response.json["appointment_time"] == "11:00"
    appointment = get_appointment_by_id(db, booking.appointment.id)
    if outcome == "too_early":
        assert response.json["come_back_at"] == "10:00"
        assert response.json["come_back_date"] == "2026-11-30"
        assert response.json["ticket"] is None
        assert appointment.status == "booked"
    elif outcome == "checked_in":
        ticket = response.json["ticket"]
        assert ticket["number"] == "C001"
        assert ticket["queue"] == "appointment"
        assert appointment.status == "checked_in"
        assert appointment.ticket_id == ticket["id"]
        assert appointment.checked_in_at == moment
        types = [row[0] for row in db.execute("SELECT type FROM events ORDER BY id")]
        assert types[-2:] == ["TicketIssued", "AppointmentCheckedIn"]
    else:
        assert response.json["ticket"] is None
        assert appointment.status == "lost"
        assert db.execute("SELECT COUNT(*) FROM tickets").fetchone()[0] == 0


def test_checking_in_twice_shows_the_same_number(client, db, config, clock):
    booking = book(db, config, local(10, 30))
    key = booking.appointment.reservation_key
    first = check_in(client, key)
    rows = all_rows(db)
    again = check_in(client, key.lower())
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json["ticket"]["number"] == first.json["ticket"]["number"]
    assert all_rows(db) == rows


@pytest.mark.parametrize(
    "typed",
    [
        "{dashed}",
        "{dashed_lower}",
        "  {plain_lower} ",
        "http://127.0.0.1:8000/booking/manage?lang=fi&key={dashed}",
        "https://jono.example/booking/manage/{plain}",
    ],
)
def test_the_key_may_be_typed_in_any_case_or_scanned_as_an_address(client, db, config, typed):
    key = book(db, config, local(10, 30)).appointment.reservation_key
    dashed = format_reservation_key(key)
    text = typed.format(
        dashed=dashed, dashed_lower=dashed.lower(), plain=key, plain_lower=key.lower()
    )
    response = check_in(client, text)
    assert response.status_code == 201, response.json
    assert response.json["outcome"] == "checked_in"


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"reservation_key": "AAAA-AAAA"}, 404, "unknown_reservation_key"),
        ({"reservation_key": "HELLO"}, 404, "unknown_reservation_key"),
        ({"reservation_key": "https://evil.example/?key="}, 404, "unknown_reservation_key"),
        ({}, 400, "invalid_request"),
        ({"reservation_key": 12345678}, 400, "invalid_request"),
        ({"reservation_key": "x" * 301}, 400, "invalid_request"),
        ({"reservation_key": "{key}", "language": "de"}, 400, "invalid_request"),
    ],
)
def test_bad_keys_are_refused_and_write_nothing(client, db, config, body, status, code):
    key = book(db, config, local(10, 30)).appointment.reservation_key
    body = {
        name: value.format(key=key) if isinstance(value, str) else value
        for name, value in body.items()
    }
    rows = all_rows(db)
    response = client.post(CHECK_IN, json=body, headers={"Accept-Language": "en"})
    assert response.status_code == status, response.json
    assert response.json["error"]["code"] == code
    assert response.json["error"]["message"]
    assert all_rows(db) == rows


def test_a_wrong_key_gets_a_clear_message(client, db, config):
    response = check_in(client, "AAAA-AAAA")
    assert response.status_code == 404
    assert "reservation key" in response.json["error"]["message"]


def test_an_appointment_elsewhere_or_cancelled_is_refused(client, db, config):
    elsewhere = book(db, config, local(10, 30), service_point="tampere")
    rows = all_rows(db)
    response = check_in(client, elsewhere.appointment.reservation_key)
    assert response.status_code == 409
    assert response.json["error"]["code"] == "appointment_elsewhere"
    assert "Tampere" in response.json["error"]["message"]
    from shared.appointments.changes import cancel_appointment

    here = book(db, config, local(10, 45))
    cancel_appointment(
        db, config, reservation_key=here.appointment.reservation_key, pin=here.pin, now=local(9)
    )
    rows = all_rows(db)
    response = check_in(client, here.appointment.reservation_key)
    assert response.status_code == 409
    assert response.json["error"]["code"] == "appointment_cancelled"
    assert all_rows(db) == rows


def test_too_early_on_another_day_names_the_day(client, db, config, clock):
    booking = book(db, config, local(9, 0, day=1).replace(month=12))
    response = check_in(client, booking.appointment.reservation_key)
    assert response.json["outcome"] == "too_early"
    assert (response.json["come_back_date"], response.json["come_back_at"]) == (
        "2026-12-01",
        "08:00",
    )


def test_check_ins_are_rate_limited_per_kiosk(app, client, db, config):
    app.extensions["jono"].config = dataclasses.replace(
        config,
        appointments=dataclasses.replace(config.appointments, check_ins_per_client_per_hour=3),
    )
    codes = [check_in(client, "AAAA-AAAA").status_code for _ in range(4)]
    assert codes == [404, 404, 404, 429]


def test_overdue_appointments_are_lost_at_most_once_a_minute(app, db, config):
    early = book(db, config, local(10, 15))
    later = book(db, config, local(10, 30))
    sweeper = LostAppointmentSweeper(app)
    assert sweeper.sweep(db, local(10, 15)) == ()  # at the start it may still check in
    book(db, config, local(10, 45))
    assert sweeper.sweep(db, local(10, 15).replace(second=59)) == ()  # swept under a minute ago
    events = sweeper.sweep(db, local(10, 31))
    assert [(event.type, event.appointment_id) for event in events] == [
        ("AppointmentLost", early.appointment.id),
        ("AppointmentLost", later.appointment.id),
    ]
    assert get_appointment_by_id(db, early.appointment.id).status == "lost"


def test_the_background_sweep_marks_lost_and_broadcasts(app, db, config, clock, socket_client):
    booking = book(db, config, local(10, 15))
    socket = socket_client("helsinki")
    socket.get_received()
    clock.set(local(10, 16))
    sweeper = sweeper_of(app)
    sweeper.start(0.02)
    try:
        deadline = time.monotonic() + 5
        while get_appointment_by_id(db, booking.appointment.id).status != "lost":
            assert time.monotonic() < deadline, "the background sweep did not mark it lost"
            time.sleep(0.01)
    finally:
        sweeper.stop()
    deadline = time.monotonic() + 5
    received = []
    while "AppointmentLost" not in received:
        assert time.monotonic() < deadline, received
        received += [
            m["args"][0]["type"] for m in socket.get_received() if m["name"] == "queue_event"
        ]
        time.sleep(0.01)


def test_the_counter_sees_the_days_appointments_with_the_lost_ones(make_clerk, db, config, clock):
    lost = book(db, config, local(10, 15))
    booked = book(db, config, local(11))
    clerk = make_clerk(counter=3)
    clock.set(local(10, 20))
    response = clerk.get("/api/v1/counter/appointments")
    assert response.status_code == 200, response.json
    listed = {row["id"]: row for row in response.json["appointments"]}
    assert listed[lost.appointment.id]["status"] == "lost"
    assert listed[booked.appointment.id]["status"] == "booked"
    assert listed[booked.appointment.id]["time"] == "11:00"
    assert "reservation_key" not in listed[booked.appointment.id]


def test_the_counter_lists_a_later_days_appointment_once_its_check_in_is_open(db, config, clock):
    """Near midnight the next day's first appointment can check in already: the clerk sees it,
    with its date and its number; the day after stays out of the list."""
    wide = dataclasses.replace(
        config,
        appointments=dataclasses.replace(config.appointments, check_in_window_minutes=24 * 60),
    )
    tuesday = book(db, wide, datetime(2026, 12, 1, 10, tzinfo=HELSINKI))
    wednesday = book(db, wide, datetime(2026, 12, 2, 10, tzinfo=HELSINKI))
    monday = book(db, wide, local(15, 30))
    app = create_app(wide, clock=clock, testing=True)
    try:
        clock.set(local(15))
        kiosk = pair_as_kiosk(app.test_client(), db, wide, clock.now())
        checked_in = check_in(kiosk, format_reservation_key(tuesday.appointment.reservation_key))
        assert checked_in.status_code == 201, checked_in.json
        add_user(db, "clerk1", CLERK_PASSWORD, "clerk", clock.now())
        clerk = app.test_client()
        assert log_in(clerk, "clerk1").status_code == 200
        seat = {"service_point": "helsinki", "counter": 3}
        assert clerk.put("/api/v1/counter", json=seat).status_code == 200
        response = clerk.get("/api/v1/counter/appointments")
    finally:
        app.extensions["jono"].connections.close_all()
    assert response.status_code == 200, response.json
    assert response.json["date"] == "2026-11-30"
    listed = [(row["id"], row["date"], row["time"]) for row in response.json["appointments"]]
    assert listed == [
        (monday.appointment.id, "2026-11-30", "15:30"),
        (tuesday.appointment.id, "2026-12-01", "10:00"),
    ]
    assert response.json["appointments"][1]["ticket_number"] == checked_in.json["ticket"]["number"]
    assert wednesday.appointment.id not in [row[0] for row in listed]


def oldest_first(config):
    return dataclasses.replace(
        config, rules=dataclasses.replace(config.rules, call_order="oldest_first")
    )


@pytest.mark.parametrize(
    ("call_at", "expected"), [(10, ["C002", "A001", "C001"]), (11, ["C002", "C001", "A001"])]
)
def test_call_next_puts_due_appointments_first(db, config, clock, issue, call_at, expected):
    """Counter 3 calls the appointment and urgent queues, oldest first; due appointments jump."""
    from shared.queue.check_in import check_in_appointment

    settings = oldest_first(config)
    not_due = book(db, settings, local(10, 45)).appointment
    due = book(db, settings, local(10, 15)).appointment
    issue(queue="urgent", now=local(9, 50))
    for appointment, moment in ((not_due, local(9, 55)), (due, local(10, 0))):
        check_in_appointment(
            db,
            settings,
            service_point_id="helsinki",
            key_text=appointment.reservation_key,
            language="fi",
            now=moment,
        )
    numbers = []
    for minute in range(3):
        now = local(call_at, 20 + minute)
        outcome = call_next_ticket(
            db, settings, service_point_id="helsinki", counter_number=3, clerk="clerk1", now=now
        )
        numbers.append(outcome.ticket.number)
        db.execute("UPDATE tickets SET status = 'finished' WHERE id = ?", [outcome.ticket.id])
    assert numbers == expected


def test_a_counter_without_the_appointment_queue_keeps_its_order(db, config, issue):
    from shared.queue.check_in import check_in_appointment

    due = book(db, config, local(10, 15)).appointment
    check_in_appointment(
        db,
        config,
        service_point_id="helsinki",
        key_text=due.reservation_key,
        language="fi",
        now=local(10),
    )
    issue(queue="urgent", now=local(10, 5))
    outcome = call_next_ticket(
        db, config, service_point_id="helsinki", counter_number=1, clerk="clerk1", now=local(10, 20)
    )
    assert outcome.ticket.number == "A001"


def test_no_idempotency_key_can_take_or_block_a_check_in(client, pair_kiosk, db, config):
    """Check-ins were found by the key ``appointment-<id>``: sending that key first blocked the
    customer's check-in for good. Now a check-in is linked by the appointment's id."""
    booking = book(db, config, local(10, 30))
    appointment_id = booking.appointment.id
    for kiosk in (client, pair_kiosk("helsinki", name="Lobby 2")):
        squatter = kiosk.post(
            "/api/v1/service-points/helsinki/tickets",
            json={
                "answers": {
                    "matter": "residence_permit",
                    "expiry_year": 2027,
                    "expiry_month": 1,
                    "found_appointment": False,
                },
                "language": "en",
                "idempotency_key": f"appointment-{appointment_id}",
            },
        )
        assert squatter.status_code == 201, squatter.json  # just an urgent number of its own
    checked_in = check_in(client, format_reservation_key(booking.appointment.reservation_key))
    assert checked_in.status_code == 201, checked_in.json
    ticket = checked_in.json["ticket"]
    assert ticket["queue"] == "appointment"
    assert db.execute(
        "SELECT appointment_id, idempotency_key FROM tickets WHERE id = ?", [ticket["id"]]
    ).fetchone() == (appointment_id, None)
    again = check_in(
        pair_kiosk("helsinki", name="Lobby 3"),
        format_reservation_key(booking.appointment.reservation_key),
    )
    assert (again.status_code, again.json["ticket"]["id"]) == (200, ticket["id"])
