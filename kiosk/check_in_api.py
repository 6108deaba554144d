"""Kiosk API for appointments: check in with the reservation key, or take an offered time.

For paired kiosks of the service point, and rate limited per kiosk address like reservation key
look-ups; an offered time only with the signed offer token triageVisit made, once.
"""

from __future__ import annotations

from datetime import timedelta

from apiflask import APIBlueprint

from kiosk.api import issued_ticket_body, place_and_estimate
from kiosk.schemas import (
    CheckInResultSchema,
    CheckInSchema,
    OfferedAppointmentSchema,
    TakeOfferSchema,
)
from shared.appointments.confirmation_slips import confirmation_escpos
from shared.appointments.reservation_keys import format_reservation_key
from shared.errors import DomainError
from shared.queue import kiosk_offers
from shared.queue.check_in import (
    CHECKED_IN,
    TOO_EARLY,
    book_offered_appointment,
    check_in_appointment,
    is_check_in_open,
)
from shared.queue.kiosk_pace import KioskPace
from shared.queue.triage_outcomes import record_shown_estimate
from shared.storage.timestamps import parse_utc
from shared.web.context import get_db, jono
from shared.web.kiosk_auth import KIOSK_ONLY, KioskIdentity, kiosk_required
from shared.web.kiosk_offer_tokens import read_offer
from shared.web.rate_limit import count_client_try
from shared.web.realtime import public_snapshot, publish

api = APIBlueprint("kiosk_check_in_api", __name__, url_prefix="/api/v1", tag="Kiosk")


def limit_kiosk() -> None:
    """Count a try of this kiosk (its address); refuse with 429 when it has had too many."""
    count_client_try("check_in", jono().config.appointments.check_ins_per_client_per_hour)


@api.post("/service-points/<service_point_id>/check-ins")
@kiosk_required  # outermost, so a stranger gets 401 before the body is even validated
@api.input(CheckInSchema, arg_name="body")
@api.output(CheckInResultSchema)
@api.doc(
    operation_id="checkInAppointment",
    summary="Check in for an appointment at the kiosk",
    description="With the reservation key alone (typed, or the confirmation's QR code scanned)."
    " From `check_in_window_minutes` before the start until the start: a number in the"
    " appointment queue, printed (201; the same number again on a repeat, 200). Earlier:"
    " `too_early` with the time to come back. Later: the appointment is lost (`lost`); the"
    " kiosk offers the walk-in questions. The answer names no person. For a paired kiosk of"
    " the service point.",
    **KIOSK_ONLY,
    responses={
        201: {
            "description": "Checked in: a new number",
            "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/CheckInResultSchema"}}
            },
        },
        400: "Missing fields",
        401: "Not a paired kiosk",
        403: "A kiosk of another service point",
        404: "Unknown reservation key, or unknown service point",
        409: "The appointment is at another service point, or was cancelled",
        429: "Too many tries from this kiosk",
    },
)
def check_in(service_point_id: str, body: dict, kiosk: KioskIdentity):
    """Check in, or say when to come back, or that the appointment is lost."""
    state = jono()
    limit_kiosk()
    result = check_in_appointment(
        get_db(),
        state.config,
        service_point_id=service_point_id,
        key_text=body["reservation_key"],
        language=body["language"],
        now=state.clock.now(),
        kiosk=kiosk.scope,
    )
    snapshots = publish(result.events)
    zone = state.config.service_point(service_point_id).zone
    starts = result.appointment.starts_at.astimezone(zone)
    opens = result.opens_at.astimezone(zone)
    answer = {
        "outcome": result.outcome,
        "appointment_date": starts.date().isoformat(),
        "appointment_time": starts.strftime("%H:%M"),
        "come_back_date": opens.date().isoformat() if result.outcome == TOO_EARLY else None,
        "come_back_at": opens.strftime("%H:%M") if result.outcome == TOO_EARLY else None,
        "ticket": None,
    }
    if result.outcome != CHECKED_IN:
        return answer
    snapshot = snapshots.get(service_point_id) or public_snapshot(service_point_id)
    ticket = result.ticket
    if result.events:  # printed once, on the check-in that made the number
        ticket = print_new_number(ticket, snapshot)
    answer["ticket"] = issued_ticket_body(ticket, snapshot)
    return answer, 201 if result.events else 200


def print_new_number(ticket, snapshot: dict):
    """Keep the estimate the kiosk shows and print the slip of a number just made."""
    ahead, estimate = place_and_estimate(snapshot, ticket.id, ticket.queue)
    record_shown_estimate(get_db(), ticket.id, estimate)
    return jono().printing.print_ticket(get_db(), ticket, ahead, estimate)


@api.post("/service-points/<service_point_id>/offered-appointments")
@kiosk_required  # outermost, so a stranger gets 401 before the body is even validated
@api.input(TakeOfferSchema, arg_name="body")
@api.output(OfferedAppointmentSchema, status_code=201)
@api.doc(
    operation_id="bookOfferedAppointment",
    summary="Take the appointment offered to an urgent walk-in",
    description="Only with the `offer_token` of triageVisit's `appointment_offer`: signed, for"
    " the kiosk it was made at, valid 10 minutes and taken once (the time, matter, party and"
    " document expiry come from it, and are checked again). Counts towards the kiosk's pace."
    " Booked without contact details; the reservation key and PIN are shown once and the"
    " confirmation slip is printed at the kiosk. A time that starts within the check-in window"
    " is checked in at once: `ticket` is then its number in the appointment queue, and that"
    " number's slip is printed instead of the confirmation.",
    **KIOSK_ONLY,
    responses={
        400: "Invalid request",
        401: "Not a paired kiosk",
        403: "A kiosk of another service point",
        404: "Unknown service point",
        409: "The offer is not genuine, expired, taken, or the time was taken meanwhile",
        429: "Too many from this kiosk",
    },
)
def take_offer(service_point_id: str, body: dict, kiosk: KioskIdentity):
    """Book the offered time on the spot and print its confirmation slip."""
    state = jono()
    offer = read_offer(body["offer_token"])
    if offer.get("service_point") != service_point_id or offer.get("kiosk") != kiosk.scope:
        raise DomainError("offer_invalid", status=409)
    limit_kiosk()
    kiosk_offers.claim_offer(
        get_db(), offer["offer"], kiosk.scope, KioskPace.of(state.config), state.clock.now()
    )
    try:
        booking = book_offered_appointment(
            get_db(),
            state.config,
            service_point_id=service_point_id,
            category=offer["category"],
            party_size=offer["party_size"],
            expiry_year=offer["expiry_year"],
            expiry_month=offer["expiry_month"],
            starts_at=parse_utc(offer["starts_at"]),
            language=body["language"],
            now=state.clock.now(),
        )
    except DomainError:
        kiosk_offers.release_offer(get_db(), offer["offer"])
        raise
    publish(booking.events)
    appointment = booking.appointment
    point = state.config.service_point(service_point_id)
    starts = appointment.starts_at.astimezone(point.zone)
    opens = starts - timedelta(minutes=state.config.appointments.check_in_window_minutes)
    answer = {
        "reservation_key": format_reservation_key(appointment.reservation_key),
        "pin": booking.pin,
        "date": starts.date().isoformat(),
        "time": starts.strftime("%H:%M"),
        "check_in_from": opens.strftime("%H:%M"),
        "print_status": None,
        "ticket": None,
    }
    if is_check_in_open(state.config, appointment, state.clock.now()):
        answer["ticket"] = check_in_taken_offer(service_point_id, appointment, body, kiosk)
        answer["print_status"] = answer["ticket"]["print_status"]
        return answer, 201
    printed = state.printing.print_slip(
        point.id,
        confirmation_escpos(
            state.config, appointment, booking.pin, body["language"], point.printer.profile
        ),
    )
    answer["print_status"] = "queued" if printed else None
    return answer, 201


def check_in_taken_offer(service_point_id: str, appointment, body: dict, kiosk: KioskIdentity):
    """Check in an appointment just taken whose check-in is open: its number, as shown."""
    state = jono()
    result = check_in_appointment(
        get_db(),
        state.config,
        service_point_id=service_point_id,
        key_text=appointment.reservation_key,
        language=body["language"],
        now=state.clock.now(),
        kiosk=kiosk.scope,
    )
    snapshots = publish(result.events)
    snapshot = snapshots.get(service_point_id) or public_snapshot(service_point_id)
    ticket = print_new_number(result.ticket, snapshot) if result.events else result.ticket
    return issued_ticket_body(ticket, snapshot)
