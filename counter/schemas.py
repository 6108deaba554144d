"""Request and response bodies of the counter API."""

from __future__ import annotations

from apiflask import Schema
from apiflask.fields import Boolean, DateTime, Dict, Integer, List, Nested, String
from apiflask.validators import Length, OneOf, Range

from shared.config.reader import LANGUAGES
from shared.web.schemas import NEW_PIN, AppointmentBaseSchema, TicketBaseSchema


class LoginSchema(Schema):
    username = String(required=True, validate=Length(min=1, max=80))
    password = String(required=True, validate=Length(min=1, max=200))


class ClerkSchema(Schema):
    username = String()
    role = String(metadata={"description": "clerk or admin (admins may free others' counters)"})
    service_points = List(
        String(), metadata={"description": "the ids of the service points the user may work at"}
    )


class LoggedInSchema(ClerkSchema):
    csrf_token = String(
        metadata={
            "description": "send it as the X-CSRF-Token header with every POST, PUT and DELETE"
            " of this session (unless the request's Origin is the site's own)"
        }
    )


class LoginTokenSchema(Schema):
    csrf_token = String(
        metadata={"description": "send it as the X-CSRF-Token header of the login (loginClerk)"}
    )


class OpenCounterSchema(Schema):
    service_point = String(required=True, validate=Length(min=1, max=40))
    counter = Integer(required=True, validate=Range(min=1, max=999))


class TransferSchema(Schema):
    queue = String(required=True, validate=Length(min=1, max=40))


class TicketDetailSchema(TicketBaseSchema):
    category = String(allow_none=True)
    triage_answers = Dict(metadata={"description": "what the customer told the kiosk, to verify"})
    counter = Integer(allow_none=True)
    clerk = String(allow_none=True)
    called_at = String(allow_none=True)


class CurrentTicketSchema(TicketDetailSchema):
    """The counter's current ticket. A subclass, because APIFlask 3.1 registers a schema used both
    nested and as a response twice, which apispec warns about."""


class CounterStateSchema(Schema):
    clerk = Nested(ClerkSchema)
    csrf_token = String(
        metadata={"description": "the session's token for the X-CSRF-Token header (see login)"}
    )
    service_point = String(allow_none=True)
    counter = Integer(allow_none=True)
    current_ticket = Nested(CurrentTicketSchema, allow_none=True)


class CounterSeatSchema(Schema):
    number = Integer()
    queues = List(String(), metadata={"description": "the queues it calls, in its order"})
    clerk = String(allow_none=True, metadata={"description": "who holds it; null: free"})
    is_mine = Boolean(metadata={"description": "the logged-in clerk holds it"})


class CountersSchema(Schema):
    service_point = String()
    counters = List(Nested(CounterSeatSchema))


class WaitingNumberSchema(Schema):
    id = Integer()
    number = String()
    queue = String()
    party_size = Integer()
    language = String(metadata={"description": "fi, sv or en: the language chosen at the kiosk"})
    queued_at = String(metadata={"description": "UTC: since when it waits in its queue"})


class WaitingNumbersSchema(Schema):
    now = String(metadata={"description": "the server's time (UTC)"})
    tickets = List(Nested(WaitingNumberSchema))


class CounterBookingSchema(Schema):
    service_point = String(
        load_default=None,
        allow_none=True,
        validate=Length(min=1, max=40),
        metadata={"description": "where the appointment is; default the clerk's service point"},
    )
    category = String(required=True, validate=Length(min=1, max=40))
    party_size = Integer(load_default=1, validate=Range(min=1, max=99))
    starts_at = DateTime(required=True, metadata={"description": "a free slot's starts_at"})
    email = String(load_default=None, allow_none=True, validate=Length(max=254))
    phone = String(load_default=None, allow_none=True, validate=Length(max=40))
    language = String(load_default="fi", validate=OneOf(LANGUAGES))
    print_at_kiosk = Boolean(
        load_default=False,
        metadata={"description": "also print the confirmation slip on this service point's kiosk"},
    )


class CounterBookedSchema(AppointmentBaseSchema):
    id = Integer()
    pin = NEW_PIN
    service_point_name = String()
    print_status = String(
        allow_none=True, metadata={"description": "queued: printing at the kiosk; null: not"}
    )


class SlipRequestSchema(Schema):
    reservation_key = String(required=True, validate=Length(min=1, max=40))
    pin = String(required=True, validate=Length(min=1, max=20))
    language = String(load_default="fi", validate=OneOf(LANGUAGES))


class DayAppointmentSchema(Schema):
    id = Integer()
    date = String(
        metadata={"description": "local date: a later one than the list's while check-in is open"}
    )
    time = String(metadata={"description": "local start time, HH:MM"})
    ends = String(metadata={"description": "local end time, HH:MM"})
    category = String()
    party_size = Integer()
    status = String(
        metadata={"description": "booked, checked_in, served, lost (cancelled are left out)"}
    )
    ticket_number = String(allow_none=True)
    served_at = String(
        allow_none=True,
        metadata={"description": "local time, HH:MM, its number was finished; null: not served"},
    )


class DayAppointmentsSchema(Schema):
    date = String(metadata={"description": "today at the service point"})
    appointments = List(Nested(DayAppointmentSchema))
