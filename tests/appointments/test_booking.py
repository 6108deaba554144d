"""Appointments in the domain: holds, booking, contact rules, rescheduling, lost, the event log."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from shared.appointments.booking import (
    book_appointment,
    find_appointment_by_key,
    hold_slot,
    mark_appointment_lost,
    mark_overdue_appointments_lost,
    normalize_phone,
)
from shared.appointments.changes import (
    authenticate,
    cancel_appointment,
    reschedule_appointment,
    update_appointment_contact,
)
from shared.appointments.reservation_keys import KEY_ALPHABET, format_reservation_key
from shared.errors import DomainError, InvalidRequest
from tests.appointment_helpers import MONDAY_EARLY, count_booking_rows, local, one_day_config


@pytest.fixture
def small(config):
    """Helsinki with one desk, bookable only on Monday 30 November 2026."""
    return one_day_config(config, desks=1)


def hold(db, config, starts_at, now=MONDAY_EARLY, **options):
    values = {"service_point_id": "helsinki", "category": "travel_document", "party_size": 1}
    return hold_slot(db, config, starts_at=starts_at, now=now, **(values | options))


def book(db, config, starts_at, now=MONDAY_EARLY, email="anna@example.fi", phone=None):
    held = hold(db, config, starts_at, now)
    return book_appointment(
        db, config, hold_token=held.token, email=email, phone=phone, language="fi", now=now
    )


def seats_of(db, appointment_id):
    return db.execute(
        "SELECT day, desk, minute FROM slot_seats WHERE appointment_id = ? ORDER BY minute",
        [appointment_id],
    ).fetchall()


def test_book_from_a_hold(db, small):
    booking = book(db, small, local(9), phone="040 123 4567")
    appointment = booking.appointment
    assert appointment.status == "booked"
    assert appointment.starts_at == local(9)
    assert appointment.ends_at == local(9, 15)
    assert appointment.email == "anna@example.fi"
    assert appointment.phone == "+358401234567"
    assert re.fullmatch(f"[{KEY_ALPHABET}]{{8}}", appointment.reservation_key)
    assert re.fullmatch(r"\d{6}", booking.pin)
    assert re.fullmatch(
        r"[A-Z0-9]{4}-[A-Z0-9]{4}", format_reservation_key(appointment.reservation_key)
    )
    assert seats_of(db, appointment.id) == [("2026-11-30", 1, 9 * 60)]
    assert [event.type for event in booking.events] == ["AppointmentBooked"]
    row = db.execute(
        "SELECT type, appointment_id, to_status FROM events WHERE appointment_id = ?",
        [appointment.id],
    ).fetchone()
    assert row == ("AppointmentBooked", appointment.id, "booked")
    assert find_appointment_by_key(db, appointment.reservation_key).id == appointment.id


def test_a_held_time_is_not_offered_to_others(db, small):
    hold(db, small, local(9))
    with pytest.raises(DomainError) as raised:
        hold(db, small, local(9))
    assert raised.value.code == "slot_taken"


def test_an_expired_hold_frees_its_time(db, small):
    first = hold(db, small, local(9))
    later = MONDAY_EARLY + timedelta(minutes=small.appointments.hold_minutes)
    second = hold(db, small, local(9), now=later)  # the first hold ran out: free again
    with pytest.raises(DomainError) as raised:
        book_appointment(
            db, small, hold_token=first.token, email="a@b.fi", phone=None, language="en", now=later
        )
    assert raised.value.code == "hold_expired"
    booking = book_appointment(
        db, small, hold_token=second.token, email="a@b.fi", phone=None, language="en", now=later
    )
    assert booking.appointment.starts_at == local(9)


def test_choosing_another_time_lets_the_first_go(db, small):
    first = hold(db, small, local(9))
    hold(db, small, local(10), replaces_token=first.token)
    hold(db, small, local(9))  # free again at once


@pytest.mark.parametrize(
    ("starts_at", "code"),
    [
        (local(6, 59), "slot_not_offered"),  # before today's now
        (local(9, day=29), "slot_not_offered"),  # yesterday
        (local(9) + timedelta(days=1), "slot_not_offered"),  # beyond the one-day horizon
        (local(9, 7), "slot_not_offered"),  # off the grid
        (local(14, 15), "slot_not_offered"),  # would end after the hours
    ],
)
def test_times_that_are_not_offered(db, small, starts_at, code):
    before = count_booking_rows(db)
    with pytest.raises(DomainError) as raised:
        hold(db, small, starts_at)
    assert raised.value.code == code
    assert count_booking_rows(db) == before


@pytest.mark.parametrize(
    ("email", "phone", "code"),
    [
        (None, None, "contact_required"),
        ("", "  ", "contact_required"),
        ("anna@", None, "invalid_email"),
        ("anna example.fi", None, "invalid_email"),
        (None, "12", "invalid_phone"),
        (None, "040-abc", "invalid_phone"),
    ],
)
def test_contact_details_are_checked_before_anything_is_written(db, small, email, phone, code):
    held = hold(db, small, local(9))
    before = count_booking_rows(db)
    with pytest.raises(InvalidRequest) as raised:
        book_appointment(
            db,
            small,
            hold_token=held.token,
            email=email,
            phone=phone,
            language="fi",
            now=MONDAY_EARLY,
        )
    assert raised.value.code == code
    assert count_booking_rows(db) == before


def test_phone_numbers_written_either_way_are_one():
    assert normalize_phone("040 123 4567") == normalize_phone("+358 40 1234567")
    assert normalize_phone("00358401234567") == "+358401234567"


def test_future_appointments_per_contact_are_capped(db, small):
    book(db, small, local(9), email="Anna@Example.fi")
    book(db, small, local(10), email="anna@example.fi", phone="0401234567")
    with pytest.raises(DomainError) as raised:
        book(db, small, local(11), email="ANNA@example.fi")
    assert raised.value.code == "too_many_appointments"
    assert raised.value.params == {"limit": 2}
    with pytest.raises(DomainError):
        book(db, small, local(11), email="other@example.fi", phone="+358 40 123 4567")
    book(db, small, local(12), email="other@example.fi")


def test_cancelled_and_past_appointments_do_not_count(db, small):
    first = book(db, small, local(9))
    book(db, small, local(10))
    cancel_appointment(
        db,
        small,
        reservation_key=first.appointment.reservation_key,
        pin=first.pin,
        now=MONDAY_EARLY,
    )
    book(db, small, local(11))


def test_correct_contact_details(db, small):
    booking = book(db, small, local(9))
    change = update_appointment_contact(
        db,
        small,
        reservation_key=booking.appointment.reservation_key,
        pin=booking.pin,
        email=None,
        phone="+358 50 765 4321",
        now=MONDAY_EARLY,
    )
    assert (change.appointment.email, change.appointment.phone) == (None, "+358507654321")
    assert change.events[0].type == "AppointmentContactCorrected"


def test_reschedule_moves_in_one_step_and_keeps_key_and_pin(db, small):
    booking = book(db, small, local(9))
    key, pin = booking.appointment.reservation_key, booking.pin
    new = hold(db, small, local(11))
    change = reschedule_appointment(
        db, small, reservation_key=key, pin=pin, hold_token=new.token, now=MONDAY_EARLY
    )
    assert change.appointment.starts_at == local(11)
    assert change.appointment.id == booking.appointment.id
    assert seats_of(db, booking.appointment.id) == [("2026-11-30", 1, 11 * 60)]
    assert [event.type for event in change.events] == ["AppointmentRescheduled"]
    assert authenticate(db, small, key, pin, MONDAY_EARLY).starts_at == local(11)
    hold(db, small, local(9))  # the old time is free again


@pytest.mark.parametrize("problem", ["expired", "mismatch", "cancelled"])
def test_a_failed_reschedule_keeps_the_old_time(db, small, problem):
    booking = book(db, small, local(9))
    appointment = booking.appointment
    options = {"category": "citizenship"} if problem == "mismatch" else {}
    new = hold(db, small, local(11), **options)
    now = MONDAY_EARLY
    if problem == "expired":
        now += timedelta(minutes=small.appointments.hold_minutes)
    if problem == "cancelled":
        cancel_appointment(
            db, small, reservation_key=appointment.reservation_key, pin=booking.pin, now=now
        )
    old_seats = seats_of(db, appointment.id)
    with pytest.raises(DomainError) as raised:
        reschedule_appointment(
            db,
            small,
            reservation_key=appointment.reservation_key,
            pin=booking.pin,
            hold_token=new.token,
            now=now,
        )
    assert (
        raised.value.code
        == {
            "expired": "hold_expired",
            "mismatch": "hold_mismatch",
            "cancelled": "appointment_not_changeable",
        }[problem]
    )
    assert seats_of(db, appointment.id) == old_seats
    still = authenticate(db, small, appointment.reservation_key, booking.pin, now)
    assert still.starts_at == local(9)


def test_late_means_lost(db, small):
    early = book(db, small, local(9))
    later = book(db, small, local(10))
    events = mark_overdue_appointments_lost(db, local(9, 1))
    assert [event.appointment_id for event in events] == [early.appointment.id]
    assert events[0].type == "AppointmentLost"
    lost = authenticate(db, small, early.appointment.reservation_key, early.pin, local(9, 1))
    assert lost.status == "lost"
    with pytest.raises(DomainError) as raised:
        cancel_appointment(
            db, small, reservation_key=lost.reservation_key, pin=early.pin, now=local(9, 1)
        )
    assert raised.value.code == "appointment_not_changeable"
    change = mark_appointment_lost(db, later.appointment.id, local(10))
    assert change.appointment.status == "lost"
    with pytest.raises(DomainError):
        mark_appointment_lost(db, later.appointment.id, local(10))
