"""Request and response bodies of the kiosk API."""

from __future__ import annotations

from apiflask import Schema
from apiflask.fields import Boolean, Integer, List, Nested, String
from apiflask.validators import Length, OneOf, Range

from shared.config.reader import LANGUAGES
from shared.queue.triage import MATTERS, OUTCOMES
from shared.web.schemas import NEW_PIN, RESERVATION_KEY, TicketBaseSchema


class AnswersSchema(Schema):
    matter = String(required=True, validate=OneOf(MATTERS))
    party_size = Integer(load_default=1, validate=Range(min=1, max=99))
    expiry_year = Integer(load_default=None, allow_none=True, validate=Range(min=1900, max=2200))
    expiry_month = Integer(load_default=None, allow_none=True, validate=Range(min=1, max=12))
    passport_issued_by_finland = Boolean(load_default=None, allow_none=True)
    found_appointment = Boolean(load_default=None, allow_none=True)
    can_use_online_booking = Boolean(load_default=None, allow_none=True)
    no_expiring_document = Boolean(load_default=False)


class QueueEstimateSchema(Schema):
    queue = String()
    waiting_count = Integer()
    estimated_wait_minutes = Integer(
        allow_none=True, metadata={"description": "null while no counter serving the queue is open"}
    )
    is_likely_served_today = Boolean()


class AppointmentOfferSchema(Schema):
    starts_at = String(metadata={"description": "UTC, ISO 8601"})
    offer_token = String(
        metadata={
            "description": "send it to bookOfferedAppointment to take this time: signed, for"
            " this kiosk only, valid 10 minutes, once"
        }
    )
    date = String(metadata={"description": "local date at the service point"})
    time = String(metadata={"description": "local start time, HH:MM"})
    is_today = Boolean()


class TriageResultSchema(Schema):
    outcome = String(validate=OneOf(OUTCOMES))
    is_urgent = Boolean()
    queue = String(allow_none=True)
    party_groups = List(Integer())
    months_until_expiry = Integer(allow_none=True)
    reasons = List(String())
    is_accepting_tickets = Boolean()
    estimate = Nested(QueueEstimateSchema, allow_none=True)
    booking_url = String()
    appointment_offer = Nested(
        AppointmentOfferSchema,
        allow_none=True,
        metadata={"description": "urgent only: a free appointment here before the expiry"},
    )


class IssueTicketSchema(Schema):
    answers = Nested(AnswersSchema, required=True)
    language = String(load_default="fi", validate=OneOf(LANGUAGES))
    idempotency_key = String(
        required=True,
        validate=Length(min=8, max=80),
        metadata={
            "description": "one per kiosk interaction; a retry with the same key"
            " returns the same ticket"
        },
    )


class IssuedTicketSchema(TicketBaseSchema):
    people_ahead = Integer()
    estimated_wait_minutes = Integer(
        allow_none=True, metadata={"description": "null while no counter serving the queue is open"}
    )
    is_likely_served_today = Boolean()
    status_token = String(
        metadata={"description": "the key of the ticket's status page and print status"}
    )


class PrintStatusQuery(Schema):
    token = String(required=True, validate=Length(min=8, max=80))


class PrintStatusSchema(Schema):
    id = Integer()
    number = String()
    status = String()
    print_status = String(allow_none=True)


class CheckInSchema(Schema):
    reservation_key = String(
        required=True,
        validate=Length(min=1, max=300),
        metadata={
            "description": "the reservation key as typed (any case, with or without the hyphen),"
            " or the scanned confirmation QR code (an address carrying the key)"
        },
    )
    language = String(load_default="fi", validate=OneOf(LANGUAGES))


class CheckInResultSchema(Schema):
    outcome = String(
        validate=OneOf(("checked_in", "too_early", "lost")),
        metadata={"description": "checked_in: `ticket` is the number; lost: offer the triage"},
    )
    appointment_date = String(metadata={"description": "local date of the appointment"})
    appointment_time = String(metadata={"description": "local start time, HH:MM"})
    come_back_date = String(
        allow_none=True, metadata={"description": "too_early: the local date check-in opens"}
    )
    come_back_at = String(
        allow_none=True, metadata={"description": "too_early: the local time check-in opens"}
    )
    ticket = Nested(IssuedTicketSchema, allow_none=True)


class TakeOfferSchema(Schema):
    offer_token = String(
        required=True,
        validate=Length(min=1, max=1000),
        metadata={"description": "the `offer_token` of triageVisit's appointment_offer"},
    )
    language = String(load_default="fi", validate=OneOf(LANGUAGES))


class OfferedAppointmentSchema(Schema):
    reservation_key = RESERVATION_KEY
    pin = NEW_PIN
    date = String()
    time = String()
    check_in_from = String(metadata={"description": "local time the kiosk check-in opens"})
    print_status = String(
        allow_none=True, metadata={"description": "queued: the slip is printing; null: no printer"}
    )
    ticket = Nested(
        IssuedTicketSchema,
        allow_none=True,
        metadata={
            "description": "the time starts within the check-in window: checked in at once,"
            " this is its number (print_status is then the number's slip)"
        },
    )
