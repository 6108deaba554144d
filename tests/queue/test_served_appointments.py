"""A checked-in appointment whose number is finished at a counter is served."""

from __future__ import annotations

import pytest

from shared.appointments.booking import get_appointment_by_id
from shared.appointments.reservation_keys import format_reservation_key
from shared.queue.check_in import check_in_appointment
from shared.queue.ticket_actions import (
    call_next_ticket,
    finish_ticket,
    mark_no_show,
    return_ticket_to_queue,
)
from shared.storage.timestamps import utc_text
from tests.appointment_helpers import local
from tests.queue.test_check_in import book

COUNTER = {"service_point_id": "helsinki", "counter_number": 3, "clerk": "clerk1"}


def checked_in_and_called(db, config):
    """An appointment at 10:15, checked in at 10:00 and called to counter 3 at 10:10."""
    appointment = book(db, config, local(10, 15)).appointment
    check_in_appointment(
        db,
        config,
        service_point_id="helsinki",
        key_text=appointment.reservation_key,
        language="sv",
        now=local(10, 0),
    )
    called = call_next_ticket(db, config, **COUNTER, now=local(10, 10))
    return appointment, called.ticket


def test_finishing_a_check_in_number_marks_its_appointment_served(db, config):
    appointment, ticket = checked_in_and_called(db, config)
    outcome = finish_ticket(db, config, ticket_id=ticket.id, **COUNTER, now=local(10, 31))
    served = get_appointment_by_id(db, appointment.id)
    assert served.status == "served"
    assert served.updated_at == local(10, 31)
    assert served.checked_in_at == local(10, 0)  # the check-in's time stays
    assert [event.type for event in outcome.events] == ["TicketFinished", "AppointmentServed"]
    row = db.execute(
        "SELECT ticket_id, appointment_id, from_status, to_status, at FROM events"
        " WHERE type = 'AppointmentServed'"
    ).fetchone()
    assert row == (ticket.id, appointment.id, "checked_in", "served", utc_text(local(10, 31)))


def test_finishing_a_walk_in_number_touches_no_appointment(db, config, issue):
    appointment = book(db, config, local(10, 15)).appointment  # booked, not checked in
    issue(queue="urgent", now=local(9, 50))
    called = call_next_ticket(db, config, **COUNTER, now=local(9, 55))
    outcome = finish_ticket(db, config, ticket_id=called.ticket.id, **COUNTER, now=local(10, 5))
    assert [event.type for event in outcome.events] == ["TicketFinished"]
    assert get_appointment_by_id(db, appointment.id).status == "booked"


@pytest.mark.parametrize("action", [mark_no_show, return_ticket_to_queue])
def test_a_no_show_or_a_return_leaves_the_appointment_checked_in(db, config, action):
    appointment, ticket = checked_in_and_called(db, config)
    outcome = action(db, config, ticket_id=ticket.id, **COUNTER, now=local(10, 20))
    assert "AppointmentServed" not in [event.type for event in outcome.events]
    assert get_appointment_by_id(db, appointment.id).status == "checked_in"


def test_checking_in_again_after_being_served_shows_the_same_number(db, config):
    """The kiosk must not mark a served appointment lost when its key is typed again."""
    appointment, ticket = checked_in_and_called(db, config)
    finish_ticket(db, config, ticket_id=ticket.id, **COUNTER, now=local(10, 31))
    again = check_in_appointment(
        db,
        config,
        service_point_id="helsinki",
        key_text=format_reservation_key(appointment.reservation_key),
        language="sv",
        now=local(10, 40),  # after the start: a booked appointment would be lost now
    )
    assert (again.outcome, again.ticket.id, again.events) == ("checked_in", ticket.id, ())
    assert get_appointment_by_id(db, appointment.id).status == "served"
