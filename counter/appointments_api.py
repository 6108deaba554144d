"""Counter API for appointments: book for a customer, print the slip, see the day's appointments.

Clerks only. The clerk books at their own service point or another of the points their account
may work at; the slot search is the public listFreeSlots.
"""

from __future__ import annotations

from datetime import timedelta

from apiflask import APIBlueprint
from flask import Response, current_app

from counter.access import seated_counter
from counter.schemas import (
    CounterBookedSchema,
    CounterBookingSchema,
    DayAppointmentsSchema,
    SlipRequestSchema,
)
from shared.appointments.booking import (
    APPOINTMENT_COLUMNS,
    appointment_from_row,
    book_appointment,
    hold_slot,
)
from shared.appointments.changes import authenticate
from shared.appointments.confirmation_slips import confirmation_escpos, confirmation_pdf
from shared.appointments.contacts import normalize_email, normalize_phone
from shared.appointments.reservation_keys import format_reservation_key
from shared.appointments.slots import local_today, require_point
from shared.storage.timestamps import utc_text
from shared.web.clerk_auth import (
    CLERK_ONLY,
    clerk_required,
    current_clerk,
    require_service_point_access,
)
from shared.web.context import get_db, jono
from shared.web.lost_appointments import sweeper_of
from shared.web.realtime import publish

api = APIBlueprint("counter_appointments_api", __name__, url_prefix="/api/v1", tag="Counter")


@api.post("/counter/appointments")
@clerk_required  # outermost, so an anonymous caller gets 401 before the body is even validated
@api.input(CounterBookingSchema, arg_name="body")
@api.output(CounterBookedSchema, status_code=201)
@api.doc(
    operation_id="bookAppointmentForCustomer",
    summary="Book an appointment for the customer at the counter",
    description="Find the time with listFreeSlots (this or another service point). Contact"
    " details are optional here. Answers with the reservation key and the PIN (shown once);"
    " print the slip with getConfirmationSlip, or set `print_at_kiosk` to print it on this"
    " service point's kiosk printer.",
    **CLERK_ONLY,
    responses={
        400: "Bad fields or contact details",
        401: "Not logged in",
        403: "Not one of the user's service points; or no CSRF token and no Origin of this site",
        404: "Unknown service point",
        409: "No counter chosen; the time was taken or is not offered; too many appointments",
    },
)
def book_for_customer(body: dict):
    """Hold and book the chosen time in one go, booked by the clerk."""
    own_point, _ = seated_counter()
    state = jono()
    point = require_point(state.config, body["service_point"] or own_point)
    require_service_point_access(point.id)
    now = state.clock.now()
    normalize_email(body["email"]), normalize_phone(body["phone"])  # refused before the hold
    hold = hold_slot(
        get_db(),
        state.config,
        service_point_id=point.id,
        category=body["category"],
        party_size=body["party_size"],
        starts_at=body["starts_at"],
        now=now,
    )
    booking = book_appointment(
        get_db(),
        state.config,
        hold_token=hold.token,
        email=body["email"],
        phone=body["phone"],
        language=body["language"],
        now=now,
        booked_by=current_clerk(),
    )
    publish(booking.events)
    appointment = booking.appointment
    printed = False
    if body["print_at_kiosk"]:
        own = state.config.service_point(own_point)
        printed = state.printing.print_slip(
            own.id,
            confirmation_escpos(
                state.config, appointment, booking.pin, body["language"], own.printer.profile
            ),
        )
    starts = appointment.starts_at.astimezone(point.zone)
    return {
        "id": appointment.id,
        "reservation_key": format_reservation_key(appointment.reservation_key),
        "pin": booking.pin,
        "service_point": point.id,
        "service_point_name": point.name.get(body["language"]),
        "category": appointment.category,
        "party_size": appointment.party_size,
        "starts_at": utc_text(appointment.starts_at),
        "date": starts.date().isoformat(),
        "time": starts.strftime("%H:%M"),
        "email": appointment.email,
        "phone": appointment.phone,
        "language": appointment.language,
        "print_status": "queued" if printed else None,
    }, 201


@api.post("/counter/appointments/confirmation-slip")
@clerk_required
@api.input(SlipRequestSchema, arg_name="body")
@api.doc(
    operation_id="getConfirmationSlip",
    summary="The confirmation slip of an appointment as a PDF, to print at the counter",
    description="Needs the reservation key and the PIN (in the body, never in a URL).",
    **CLERK_ONLY,
    responses={
        200: {"description": "The slip", "content": {"application/pdf": {}}},
        400: "Missing fields",
        401: "Not logged in",
        403: "The appointment is at a point not the user's; or no CSRF token and no Origin",
        404: "Wrong reservation key or PIN",
        429: "The key is locked for a while",
    },
)
def confirmation_slip(body: dict):
    """Render the slip with key and PIN for printing at the counter (only at the user's
    service points)."""
    state = jono()
    appointment = authenticate(
        get_db(), state.config, body["reservation_key"], body["pin"], state.clock.now()
    )
    require_service_point_access(appointment.service_point)
    pdf = confirmation_pdf(state.config, appointment, body["pin"].strip(), body["language"])
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": "inline; filename=appointment.pdf",
            "Cache-Control": "no-store",
        },
    )


@api.get("/counter/appointments")
@api.output(DayAppointmentsSchema)
@api.doc(
    operation_id="listTodaysAppointments",
    summary="Today's appointments at the clerk's service point",
    description="Booked, checked in, served (its number finished, with the time) and lost (late"
    " means lost: marked automatically once the"
    " start has passed without a check-in), plus any later appointment whose kiosk check-in"
    " is already open (just before midnight, that is the next day's first). No names, keys or"
    " contact details.",
    **CLERK_ONLY,
    responses={
        401: "Not logged in",
        403: "The counter's point is no longer the user's",
        409: "No counter chosen",
    },
)
@clerk_required
def todays_appointments():
    """The day's appointments and those open for check-in, earliest first, after marking the
    overdue ones lost."""
    service_point_id, _ = seated_counter()
    state = jono()
    sweeper_of(current_app).sweep_and_publish()
    point = require_point(state.config, service_point_id)
    now = state.clock.now()
    day = local_today(point, now)
    check_in_opens_until = now + timedelta(
        minutes=state.config.appointments.check_in_window_minutes
    )
    rows = (
        get_db()
        .execute(
            f"SELECT {APPOINTMENT_COLUMNS} FROM appointments WHERE service_point = ?"
            " AND (day = ? OR (day > ? AND starts_at <= ?)) AND status != 'cancelled'"
            " ORDER BY starts_at, id",
            [point.id, day.isoformat(), day.isoformat(), utc_text(check_in_opens_until)],
        )
        .fetchall()
    )
    appointments = [appointment_from_row(row) for row in rows]
    ticket_ids = [appointment.ticket_id for appointment in appointments if appointment.ticket_id]
    numbers = dict(
        get_db()
        .execute(
            f"SELECT id, number FROM tickets WHERE id IN ({', '.join('?' * len(ticket_ids))})",
            ticket_ids,
        )
        .fetchall()
    )
    return {
        "date": day.isoformat(),
        "appointments": [
            {
                "id": appointment.id,
                "date": appointment.starts_at.astimezone(point.zone).date().isoformat(),
                "time": appointment.starts_at.astimezone(point.zone).strftime("%H:%M"),
                "ends": appointment.ends_at.astimezone(point.zone).strftime("%H:%M"),
                "category": appointment.category,
                "party_size": appointment.party_size,
                "status": appointment.status,
                "ticket_number": numbers.get(appointment.ticket_id),
                "served_at": appointment.updated_at.astimezone(point.zone).strftime("%H:%M")
                if appointment.status == "served"
                else None,
            }
            for appointment in appointments
        ],
    }
