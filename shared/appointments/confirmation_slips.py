"""The appointment confirmation slip for one booking: as a PDF, or as ESC/POS for a kiosk.

Its QR code opens the manage page with the reservation key filled in; the kiosk's check-in
accepts that same address when it is scanned.
"""

from __future__ import annotations

from printers.escpos_render import render_escpos
from printers.layout import ConfirmationFacts, confirmation_slip
from printers.pdf_render import render_pdf
from shared.appointments.booking import Appointment
from shared.appointments.reservation_keys import format_reservation_key, manage_url
from shared.appointments.slots import require_point
from shared.config import Config


def confirmation_facts(
    config: Config, appointment: Appointment, pin: str, language: str
) -> ConfirmationFacts:
    """What the slip says, in `language` and the service point's local time."""
    point = require_point(config, appointment.service_point)
    return ConfirmationFacts(
        service_point_name=point.name.get(language),
        service_point_address=point.address,
        starts_at=appointment.starts_at.astimezone(point.zone),
        reservation_key=format_reservation_key(appointment.reservation_key),
        pin=pin,
        party_size=appointment.party_size,
        language=language,
        manage_url=manage_url(config, appointment.reservation_key, language),
    )


def confirmation_pdf(config: Config, appointment: Appointment, pin: str, language: str) -> bytes:
    """The confirmation slip as a PDF, to print at the counter."""
    facts = confirmation_facts(config, appointment, pin, language)
    return render_pdf(confirmation_slip(facts), title="Jono")


def confirmation_escpos(
    config: Config, appointment: Appointment, pin: str, language: str, profile: str
) -> bytes:
    """The confirmation slip as ESC/POS bytes for a kiosk printer model."""
    facts = confirmation_facts(config, appointment, pin, language)
    return render_escpos(confirmation_slip(facts), profile=profile)
