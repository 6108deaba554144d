"""Booking pages under /booking: book, see the confirmation, manage with key and PIN.

The pages are clients of the booking API; the only HTML form post is the confirmation PDF
(key and PIN in the body, a CSRF token beside them).
"""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request

from booking.api import appointment_by_key_and_pin
from booking.csrf import check_csrf, csrf_token
from printers.layout import ConfirmationFacts, confirmation_slip
from printers.pdf_render import render_pdf
from shared.appointments.reservation_keys import format_reservation_key, manage_url
from shared.errors import DomainError
from shared.web.context import jono
from shared.web.error_texts import error_message
from shared.web.i18n import current_language

pages = Blueprint(
    "booking",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/assets/booking",
)


def page_context() -> dict:
    """What every booking page needs: the service points by city, categories, rules."""
    config = jono().config
    language = current_language()
    cities: dict[str, list] = {}
    for point in config.service_points:
        cities.setdefault(point.city_name.get(language), []).append(point)
    return {
        "cities": dict(sorted(cities.items())),
        "categories": config.categories,
        "max_party_size": config.rules.max_party_size,
        "hold_minutes": config.appointments.hold_minutes,
        "csrf_token": csrf_token(),
        "point_names": {p.id: p.name.get(language) for p in config.service_points},
        "point_addresses": {p.id: p.address for p in config.service_points},
    }


@pages.get("/booking")
def book():
    """Book an appointment: place, matter, persons, day and time, contact, confirm."""
    return render_template("booking/book.html", **page_context())


@pages.get("/booking/manage")
def manage():
    """See, cancel, correct or move an appointment with its reservation key and PIN."""
    return render_template("booking/manage.html", **page_context())


@pages.post("/booking/confirmation.pdf")
def confirmation_pdf():
    """The confirmation slip as a PDF; key and PIN come in the form body, never the URL."""

    try:
        check_csrf()
        appointment = appointment_by_key_and_pin(
            request.form.get("reservation_key", ""), request.form.get("pin", "")
        )
    except DomainError as error:
        message = error_message(error.code, error.params)
        return render_template("booking/problem.html", message=message), error.status
    state = jono()
    point = state.config.service_point(appointment.service_point)
    language = current_language()
    facts = ConfirmationFacts(
        service_point_name=point.name.get(language),
        service_point_address=point.address,
        starts_at=appointment.starts_at.astimezone(point.zone),
        reservation_key=format_reservation_key(appointment.reservation_key),
        pin=request.form.get("pin", "").strip(),
        party_size=appointment.party_size,
        language=language,
        # The key in the QR code's address: scanned at the kiosk, it checks the appointment in.
        manage_url=manage_url(state.config, appointment.reservation_key, language),
    )
    pdf = render_pdf(confirmation_slip(facts), title="Jono")
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": "attachment; filename=appointment.pdf",
            "Cache-Control": "no-store",
        },
    )
