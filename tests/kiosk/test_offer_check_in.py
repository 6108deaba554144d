"""An offered appointment that starts within the check-in window is checked in at once: the
walk-in gets their number in the appointment queue, not a time to come back and a key to type."""

from __future__ import annotations

import dataclasses

from shared.appointments.booking import find_appointment_by_key
from shared.appointments.reservation_keys import normalize_reservation_key

URGENT = {
    "matter": "residence_permit",
    "expiry_year": 2027,
    "expiry_month": 1,
    "found_appointment": False,
    "party_size": 2,
}
TRIAGE = "/api/v1/service-points/helsinki/triage"
TAKE = "/api/v1/service-points/helsinki/offered-appointments"


def take_offer(client):
    """Triage an urgent walk-in and take the time offered; the answer."""
    offer = client.post(TRIAGE, json=URGENT).json["appointment_offer"]
    return client.post(TAKE, json={"offer_token": offer["offer_token"], "language": "sv"})


def test_a_time_within_the_window_is_checked_in_at_once(client, db):
    response = take_offer(client)  # 10:00; offered 10:15, check-in open from 09:15
    assert response.status_code == 201, response.json
    body = response.json
    assert (body["time"], body["check_in_from"]) == ("10:15", "09:15")
    ticket = body["ticket"]
    assert ticket["number"] == "C001" and ticket["queue"] == "appointment"
    assert (ticket["party_size"], ticket["language"], ticket["status"]) == (2, "sv", "waiting")
    appointment = find_appointment_by_key(db, normalize_reservation_key(body["reservation_key"]))
    assert (appointment.status, appointment.ticket_id) == ("checked_in", ticket["id"])
    again = client.post(
        "/api/v1/service-points/helsinki/check-ins",
        json={"reservation_key": body["reservation_key"], "language": "sv"},
    )
    assert (again.status_code, again.json["ticket"]["number"]) == (200, "C001")  # the same


def test_a_time_beyond_the_window_is_only_booked(app, client, config, db):
    app.extensions["jono"].config = dataclasses.replace(
        config, appointments=dataclasses.replace(config.appointments, check_in_window_minutes=10)
    )
    body = take_offer(client).json
    assert (body["time"], body["check_in_from"], body["ticket"]) == ("10:15", "10:05", None)
    appointment = find_appointment_by_key(db, normalize_reservation_key(body["reservation_key"]))
    assert appointment.status == "booked"
    assert db.execute("SELECT COUNT(*) FROM tickets").fetchone()[0] == 0
