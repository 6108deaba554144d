"""What the e-mails and text messages say: subject, plain text, HTML, SMS and the .ics entry.

Rendered in the appointment's language with the Babel catalogues (shared/translations), loaded
with `babel.support` so the domain and the sender worker need no Flask request. A message text
is built when the message is queued, from the appointment as it is at that moment.
"""

from __future__ import annotations

import functools
import html
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from babel.support import NullTranslations, Translations

from printers.wording import format_moment, persons, say
from shared.appointments.reservation_keys import format_reservation_key, manage_url
from shared.config import Config

TRANSLATIONS_FOLDER = Path(__file__).resolve().parents[1] / "translations"  # shared/translations
KINDS = ("confirmation", "reminder", "cancellation", "reschedule", "contact_changed", "contact_old")


def _(text: str) -> str:
    """Mark a msgid for extraction; it is translated by `translations(language)` later."""
    return text


SUBJECTS = {
    "confirmation": _("Your appointment is booked"),
    "reminder": _("Reminder: your appointment"),
    "cancellation": _("Your appointment is cancelled"),
    "reschedule": _("Your appointment has a new time"),
    "contact_changed": _("Your contact details were changed"),
    "contact_old": _("Your contact details were changed"),
}
OPENINGS = {
    "confirmation": _("Thank you. Your appointment is booked."),
    "reminder": _("This is a reminder of your appointment."),
    "cancellation": _("Your appointment has been cancelled. The time is free for others."),
    "reschedule": _("Your appointment has been moved to a new time."),
    "contact_changed": _("The contact details of your appointment were changed to these."),
    "contact_old": _(
        "The contact details of an appointment were changed, and this address is no longer"
        " used for it. If you did not do this, contact the service point."
    ),
}
SMS_TEXTS = {
    "confirmation": _("Appointment booked: %(when)s, %(place)s. Key %(key)s, PIN %(pin)s."),
    "reminder": _("Reminder: appointment %(when)s, %(place)s. Key %(key)s."),
    "cancellation": _("Your appointment %(when)s at %(place)s is cancelled."),
    "reschedule": _("Your appointment is moved to %(when)s, %(place)s. Key %(key)s."),
    "contact_changed": _("Contact details of appointment %(key)s changed. %(when)s, %(place)s."),
    "contact_old": _("The contact details of an appointment were changed from this number."),
}


@functools.cache
def translations(language: str) -> NullTranslations:
    """The catalogue of `language`; English (and any msgid not yet translated) stays as is."""
    if language == "en":
        return NullTranslations()
    return Translations.load(str(TRANSLATIONS_FOLDER), [language], domain="messages")


@dataclass(frozen=True)
class RenderedMessage:
    """One message ready to be queued."""

    subject: str
    text: str
    html: str | None


def when_text(language: str, moment: datetime) -> str:
    """ "maanantaina 30. marraskuuta 2026 klo 10.00", "Monday 30 November 2026, 10:00" in
    `language` (`moment` in the service point's time), as people in Finland write it."""
    return format_moment(language, moment, with_year=True)


def message_facts(config: Config, appointment, language: str) -> dict:
    """The appointment's facts a message shows, in the service point's local time."""

    point = config.service_point(appointment.service_point)
    local = appointment.starts_at.astimezone(point.zone)
    return {
        "when": when_text(language, local),
        "place": point.name.get(language),
        "address": point.address,
        "key": format_reservation_key(appointment.reservation_key),
        "persons": persons(language, appointment.party_size),
        "manage_url": manage_url(config, appointment.reservation_key, language),
    }


def render_email(kind: str, language: str, facts: dict, pin: str | None) -> RenderedMessage:
    """Subject, plain text and HTML of an e-mail of `kind` (the PIN only when given)."""
    gettext = translations(language).ugettext
    lines = [gettext(OPENINGS[kind]), ""]
    if kind != "contact_old":
        lines += [
            f"{say(language, 'time')}: {facts['when']}",
            f"{say(language, 'service_point')}: {facts['place']}",
            facts["address"],
            facts["persons"],
            f"{say(language, 'reservation_key')}: {facts['key']}",
        ]
        if pin:
            lines.append(f"{say(language, 'pin_code')}: {pin}")
        if kind != "cancellation":
            lines += [
                "",
                say(language, "late_means_lost"),
                say(language, "bring"),
                *(
                    f"- {say(language, thing)}"
                    for thing in ("bring_identity", "bring_attachments", "bring_everyone")
                ),
                "",
                say(language, "keep_key"),
                f"{say(language, 'manage_online')} {facts['manage_url']}",
            ]
    text = "\n".join(lines) + "\n"
    paragraphs = "".join(f"<p>{html.escape(line)}</p>" for line in lines if line)
    markup = (
        f'<!DOCTYPE html><html lang="{language}"><head><meta charset="utf-8">'
        f"<title>{html.escape(gettext(SUBJECTS[kind]))}</title></head><body>{paragraphs}"
        "</body></html>"
    )
    return RenderedMessage(gettext(SUBJECTS[kind]), text, markup)


def render_sms(kind: str, language: str, facts: dict, pin: str | None) -> RenderedMessage:
    """The short text message of `kind`."""
    gettext = translations(language).ugettext
    text = gettext(SMS_TEXTS[kind]) % {**facts, "pin": pin or ""}
    return RenderedMessage("", text, None)


def _ics_text(value: str) -> str:
    """Escape a TEXT value of iCalendar (RFC 5545, 3.3.11)."""
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _ics_moment(moment: datetime) -> str:
    """A UTC DATE-TIME (…Z) of iCalendar."""
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def calendar_entry(
    config: Config, appointment, language: str, now: datetime, cancelled: bool = False
) -> str:
    """An iCalendar (.ics) entry for the appointment, its times in UTC; one UID per appointment.

    SEQUENCE grows with every change, so a calendar replaces the earlier entry.
    """
    point = config.service_point(appointment.service_point)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Jono//Appointments//EN",
        f"METHOD:{'CANCEL' if cancelled else 'PUBLISH'}",
        "BEGIN:VEVENT",
        f"UID:appointment-{appointment.id}@jono",
        f"SEQUENCE:{int(now.timestamp())}",
        f"DTSTAMP:{_ics_moment(now)}",
        f"DTSTART:{_ics_moment(appointment.starts_at)}",
        f"DTEND:{_ics_moment(appointment.ends_at)}",
        f"SUMMARY:{_ics_text(say(language, 'appointment') + ': ' + point.name.get(language))}",
        f"LOCATION:{_ics_text(point.address)}",
        f"STATUS:{'CANCELLED' if cancelled else 'CONFIRMED'}",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "\r\n".join(lines) + "\r\n"
