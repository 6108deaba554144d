"""Booking API: free times, holds, booking, and managing an appointment with key and PIN.

Thin: parse, check the client's rate limit, call the domain, publish the events after commit.
Every body is JSON (a cross-site form cannot send application/json, so these need no CSRF token),
and the PIN travels only in bodies, never in a URL.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import date, timedelta
from typing import TypeVar

from apiflask import APIBlueprint
from flask import current_app

from booking.schemas import (
    AppointmentSchema,
    BookAppointmentSchema,
    BookedAppointmentSchema,
    ContactSchema,
    FreeDaysQuery,
    FreeDaysSchema,
    FreeSlotsQuery,
    FreeSlotsSchema,
    HoldSchema,
    HoldSlotSchema,
    KeyAndPinSchema,
    RescheduleSchema,
)
from shared.appointments import free_days, slots
from shared.appointments.booking import Appointment, AppointmentChange, book_appointment, hold_slot
from shared.appointments.changes import (
    authenticate,
    cancel_appointment,
    reschedule_appointment,
    update_appointment_contact,
)
from shared.appointments.reservation_keys import format_reservation_key
from shared.config import Config, ServicePoint
from shared.errors import NotFound
from shared.storage.timestamps import utc_text
from shared.web.context import get_db, jono
from shared.web.rate_limit import count_client_try
from shared.web.realtime import publish

api = APIBlueprint("booking_api", __name__, url_prefix="/api/v1", tag="Appointments")
Result = TypeVar("Result")
KEY_AND_PIN_ERRORS = {
    400: "Missing fields",
    404: "Wrong reservation key or PIN (the same answer for both); `error.params.tries_left`"
    " says how many more wrong tries lock the key, and `error.params.locked_until` when this"
    " try locked it",
    429: "Too many tries from this address (`too_many_requests`), or the key is locked"
    " (`key_locked`, with `error.params.locked_until`; the right PIN too is refused until then)",
}


def limit_client(bucket: str) -> None:
    """Count a try of this client (its address) and refuse when it has had too many."""
    rules = jono().config.appointments
    limit = {
        "pin": rules.pin_attempts_per_client_per_hour,
        "booking": rules.bookings_per_client_per_hour,
    }[bucket]
    count_client_try(bucket, limit)


def limited_call(bucket: str, domain_function: Callable[..., Result], **fields: object) -> Result:
    """Count a try of this client in `bucket` (see `limit_client`), then call `domain_function`
    with the database, the config, the clock's `now` and `fields`."""
    limit_client(bucket)
    state = jono()
    return domain_function(get_db(), state.config, now=state.clock.now(), **fields)


def appointment_body(appointment: Appointment) -> dict:
    """An appointment as the API shows it to its owner."""
    config = jono().config
    point = config.service_point(appointment.service_point)
    local = appointment.starts_at.astimezone(point.zone)
    category = config.category(appointment.category)
    return {
        "reservation_key": format_reservation_key(appointment.reservation_key),
        "status": appointment.status,
        "service_point": point.id,
        "service_point_name": point.name.as_dict(),
        "address": point.address,
        "category": appointment.category,
        "category_name": category.name.as_dict() if category else None,
        "party_size": appointment.party_size,
        "starts_at": utc_text(appointment.starts_at),
        "ends_at": utc_text(appointment.ends_at),
        "date": local.date().isoformat(),
        "time": local.strftime("%H:%M"),
        "email": appointment.email,
        "phone": appointment.phone,
        "language": appointment.language,
    }


@api.get("/free-slots")
@api.input(FreeSlotsQuery, location="query", arg_name="query")
@api.output(FreeSlotsSchema)
@api.doc(
    operation_id="listFreeSlots",
    summary="Free appointment times",
    description="At one service point, every point of a city, or all points; one page of up to"
    " 62 days from `from`. Page on with `next_day` until it is null (the rolling horizon).",
    responses={400: "Bad category, party size or page", 404: "Unknown service point or city"},
)
def list_free_slots(query: dict):
    """One page of free times, with the days that have any."""
    state = jono()
    config = state.config
    point_ids = searched_points(query)
    search = slots.search_free_slots(
        get_db(),
        config,
        service_point_ids=point_ids,
        category=query["category"],
        party_size=query["party_size"],
        now=state.clock.now(),
        first_day=query["from_day"],
        days=query["days"],
    )
    zones = {point_id: config.service_point(point_id).zone for point_id in point_ids}
    lengths = {
        slots.appointment_length(
            config, config.service_point(p), query["category"], query["party_size"]
        )
        for p in point_ids
    }
    free = [
        {
            "service_point": slot.service_point,
            "starts_at": utc_text(slot.starts_at),
            "ends_at": utc_text(slot.ends_at),
            "date": slot.day.isoformat(),
            "time": slot.starts_at.astimezone(zones[slot.service_point]).strftime("%H:%M"),
        }
        for slot in search.slots
    ]
    per_day = Counter(slot["date"] for slot in free)
    # Built to FreeSlotsSchema already: thousands of times through marshmallow again cost more
    # than the search itself, so the answer goes out as it is.
    return current_app.json.response(
        {
            "slots": free,
            "days": [{"date": day, "free_count": per_day[day]} for day in sorted(per_day)],
            "first_day": search.first_day.isoformat(),
            "last_day": search.last_day.isoformat(),
            "next_day": search.next_day and search.next_day.isoformat(),
            "horizon_day": search.horizon_day.isoformat(),
            "length_minutes": lengths.pop() if len(lengths) == 1 else None,
        }
    )


@api.get("/free-days")
@api.input(FreeDaysQuery, location="query", arg_name="query")
@api.output(FreeDaysSchema)
@api.doc(
    operation_id="listFreeDays",
    summary="Days with free appointment times",
    description="The same search as listFreeSlots (up to 92 days from `from`), answered with"
    " the days that have free times and how many each has, without the times themselves:"
    " what a calendar of days needs. Ask listFreeSlots with `days=1` for a chosen day's times.",
    responses={400: "Bad category, party size or page", 404: "Unknown service point or city"},
)
def list_free_days(query: dict):
    """The days with free times in one page, and how many each has."""
    state = jono()
    point_ids = searched_points(query)
    now = state.clock.now()
    counted = free_days.count_free_days(
        get_db(),
        state.config,
        service_point_ids=point_ids,
        category=query["category"],
        party_size=query["party_size"],
        now=now,
        first_day=query["from_day"],
        days=query["days"],
    )
    points = [state.config.service_point(point_id) for point_id in point_ids]
    return {
        "days": [{"date": day.isoformat(), "free_count": count} for day, count in counted.days],
        "closed_days": [day.isoformat() for day in closed_days(state.config, points, counted)],
        "today": min(slots.local_today(point, now) for point in points).isoformat(),
        "first_day": counted.first_day.isoformat(),
        "last_day": counted.last_day.isoformat(),
        "next_day": counted.next_day and counted.next_day.isoformat(),
        "horizon_day": counted.horizon_day.isoformat(),
    }


def closed_days(
    config: Config, points: list[ServicePoint], counted: free_days.FreeDays
) -> list[date]:
    """The days of a counted page on which none of `points` takes appointments (weekends,
    holidays, closed days): the calendar shows them as closed, not as fully booked."""
    day = counted.first_day
    found = []
    while day <= min(counted.last_day, counted.horizon_day):
        if not any(slots.is_open_for_appointments(config, point, day) for point in points):
            found.append(day)
        day += timedelta(days=1)
    return found


def searched_points(query: dict) -> list[str]:
    """The service point ids a free-time query asks about: one point, a city's, or all.

    :raises NotFound: an unknown service point or city
    """
    config = jono().config
    if query["service_point"]:
        slots.require_point(config, query["service_point"])
        return [query["service_point"]]
    point_ids = slots.service_points_in(config, query["city"])
    if not point_ids:
        raise NotFound("unknown_city", city=query["city"])
    return point_ids


@api.post("/holds")
@api.input(HoldSlotSchema, arg_name="body")
@api.output(HoldSchema, status_code=201)
@api.doc(
    operation_id="holdSlot",
    summary="Keep a free time for a few minutes",
    description="The time is kept for `hold_minutes` while the form is filled in, and freed when"
    " the hold runs out unless it was booked. `replaces_hold` lets go of your earlier hold.",
    responses={
        400: "Bad fields",
        404: "Unknown service point",
        409: "The time was taken or is not offered",
        429: "Too many tries from this address",
    },
)
def hold_slot_route(body: dict):
    """Hold a time."""
    hold = limited_call(
        "booking",
        hold_slot,
        service_point_id=body["service_point"],
        category=body["category"],
        party_size=body["party_size"],
        starts_at=body["starts_at"],
        replaces_token=body["replaces_hold"],
    )
    return {
        "hold_token": hold.token,
        "service_point": hold.service_point,
        "category": hold.category,
        "party_size": hold.party_size,
        "starts_at": utc_text(hold.starts_at),
        "ends_at": utc_text(hold.ends_at),
        "expires_at": utc_text(hold.expires_at),
    }, 201


@api.post("/appointments")
@api.input(BookAppointmentSchema, arg_name="body")
@api.output(BookedAppointmentSchema, status_code=201)
@api.doc(
    operation_id="bookAppointment",
    summary="Book the held time",
    description="Needs an e-mail address or a phone number (or both). Answers with the"
    " reservation key and the PIN code; the PIN is shown only this once.",
    responses={
        400: "Bad or missing contact details",
        409: "The hold ran out, or this e-mail or phone has too many appointments",
        429: "Too many tries from this address",
    },
)
def book_appointment_route(body: dict):
    """Book an appointment from a hold."""
    booking = limited_call(
        "booking",
        book_appointment,
        hold_token=body["hold_token"],
        email=body["email"],
        phone=body["phone"],
        language=body["language"],
    )
    publish(booking.events)
    return {**appointment_body(booking.appointment), "pin": booking.pin}, 201


def key_and_pin_route(
    path: str,
    schema: type,
    *,
    operation_id: str,
    summary: str,
    description: str | None = None,
    responses: dict | None = None,
) -> Callable:
    """Register a POST route that takes a reservation key and PIN in its body (`schema`) and
    answers with the appointment; `responses` adds to (or overrides) the key-and-PIN errors."""

    def register(view: Callable) -> Callable:
        documented = api.doc(
            operation_id=operation_id,
            summary=summary,
            description=description,
            responses={**KEY_AND_PIN_ERRORS, **(responses or {})},
        )(view)
        return api.post(path)(
            api.input(schema, arg_name="body")(api.output(AppointmentSchema)(documented))
        )

    return register


def appointment_by_key_and_pin(reservation_key: str, pin: str) -> Appointment:
    """Count a PIN try of this client, then the appointment behind the key and PIN.

    :raises DomainError: ``too_many_requests`` or ``key_locked`` (429), ``wrong_key_or_pin`` (404)
    """
    return limited_call("pin", authenticate, reservation_key=reservation_key, pin=pin)


def change_by_key_and_pin(
    change: Callable[..., AppointmentChange], body: dict, **fields: object
) -> dict:
    """Count a PIN try of this client, make `change` with the body's key and PIN (and `fields`),
    publish its events after commit, and answer with the changed appointment."""
    result = limited_call(
        "pin", change, reservation_key=body["reservation_key"], pin=body["pin"], **fields
    )
    publish(result.events)
    return appointment_body(result.appointment)


@key_and_pin_route(
    "/appointments/lookup",
    KeyAndPinSchema,
    operation_id="getAppointment",
    summary="See an appointment with its reservation key and PIN",
)
def get_appointment_route(body: dict):
    """The appointment behind a key and PIN."""
    return appointment_body(appointment_by_key_and_pin(body["reservation_key"], body["pin"]))


@key_and_pin_route(
    "/appointments/cancel",
    KeyAndPinSchema,
    operation_id="cancelAppointment",
    summary="Cancel an appointment",
    description="The time returns to the pool at once.",
    responses={409: "Already cancelled, passed or checked in"},
)
def cancel_appointment_route(body: dict):
    """Cancel with key and PIN."""
    return change_by_key_and_pin(cancel_appointment, body)


@key_and_pin_route(
    "/appointments/contact",
    ContactSchema,
    operation_id="updateAppointmentContact",
    summary="Correct the e-mail address or phone number",
    responses={
        400: "Bad or missing contact details",
        409: "Not changeable now, or the new contact has too many appointments",
    },
)
def update_contact_route(body: dict):
    """Replace both contact details (send the one you keep too)."""
    return change_by_key_and_pin(
        update_appointment_contact, body, email=body["email"], phone=body["phone"]
    )


@key_and_pin_route(
    "/appointments/reschedule",
    RescheduleSchema,
    operation_id="rescheduleAppointment",
    summary="Move an appointment to a held time in one step",
    description="Hold the new time first (holdSlot, same category and party size). The old"
    " time is let go in the same transaction that books the new one; on any error the"
    " appointment stays as it was. The reservation key and PIN stay the same.",
    responses={
        409: "The hold ran out or does not match, or the appointment cannot change now",
    },
)
def reschedule_route(body: dict):
    """Reschedule with key and PIN to a held time."""
    return change_by_key_and_pin(reschedule_appointment, body, hold_token=body["hold_token"])
