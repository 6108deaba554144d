"""API schemas shared by every part: the OpenAPI document and request validation come from these."""

from __future__ import annotations

from apiflask import Schema
from apiflask.fields import Boolean, Dict, Float, Integer, List, Nested, String
from apiflask.validators import OneOf

from shared.config.reader import LANGUAGES

Language = String(validate=OneOf(LANGUAGES), metadata={"description": "fi, sv or en"})


class NamesSchema(Schema):
    fi = String()
    sv = String()
    en = String()


class CounterSchema(Schema):
    number = Integer()
    queues = List(String())


class ServicePointSchema(Schema):
    id = String()
    name = Nested(NamesSchema)
    address = String()
    timezone = String()
    counters = List(Nested(CounterSchema))


class QueueSchema(Schema):
    id = String()
    prefix = String()
    kind = String()
    name = Nested(NamesSchema)


class CategorySchema(Schema):
    id = String()
    name = Nested(NamesSchema)


class ServicePointList(Schema):
    service_points = List(Nested(ServicePointSchema))
    queues = List(Nested(QueueSchema))
    categories = List(Nested(CategorySchema))


class WaitingTicketSchema(Schema):
    id = Integer()
    number = String()
    party_size = Integer()
    queued_at = String()


class QueueStateSchema(QueueSchema):
    waiting_count = Integer()
    estimated_wait_minutes = Integer(
        metadata={"description": "for someone who joins the queue now"}
    )
    minutes_per_customer = Float(
        metadata={"description": "service minutes divided by open counters"}
    )
    is_likely_served_today = Boolean()
    waiting = List(Nested(WaitingTicketSchema))


class CallSchema(Schema):
    number = String()
    counter = Integer()
    queue = String()
    at = String()
    status = String()


class HoursSchema(Schema):
    is_open = Boolean()
    is_accepting_tickets = Boolean()
    opens_at = String(allow_none=True)
    closes_at = String(allow_none=True)
    last_ticket_at = String(allow_none=True)
    next_opens_at = String(
        allow_none=True,
        metadata={"description": "while closed: when it opens next (UTC), within a month"},
    )


class PrinterStateSchema(Schema):
    has_printer = Boolean(metadata={"description": "false: the kiosk shows numbers on screen only"})
    status = String(
        allow_none=True,
        metadata={"description": "online, offline, paper_near_end, paper_out or unknown"},
    )
    checked_at = String(allow_none=True)


class FailedPrintSchema(Schema):
    id = Integer()
    number = String()
    queue = String()
    status = String()


class Snapshot(Schema):
    service_point = Dict()
    sequence = Integer(
        metadata={"description": "the last event number; live events continue from it"}
    )
    generated_at = String()
    hours = Nested(HoursSchema)
    queues = List(Nested(QueueStateSchema))
    now_serving = List(Nested(CallSchema))
    recent_calls = List(Nested(CallSchema))
    open_counters = List(Integer())
    printer = Nested(PrinterStateSchema)
    failed_prints = List(
        Nested(FailedPrintSchema),
        metadata={"description": "today's numbers whose slip did not come out"},
    )


class TicketBaseSchema(Schema):
    """The fields every answer about one issued ticket has (the counter's and the kiosk's)."""

    id = Integer()
    number = String()
    queue = String()
    status = String()
    party_size = Integer()
    language = String()
    issued_at = String()
    print_status = String(
        allow_none=True,
        metadata={"description": "queued, printed, failed or skipped; null: no printer"},
    )


RESERVATION_KEY = String(metadata={"description": "as shown to people: ABCD-EFGH"})
NEW_PIN = String(metadata={"description": "shown this once; only its hash is stored"})


class AppointmentBaseSchema(Schema):
    """The fields every answer about one appointment has (the booking API's and the counter's)."""

    reservation_key = RESERVATION_KEY
    service_point = String()
    category = String()
    party_size = Integer()
    starts_at = String()
    date = String()
    time = String()
    email = String(allow_none=True)
    phone = String(allow_none=True)
    language = String()


class ErrorDetail(Schema):
    code = String(metadata={"description": "machine-readable error code"})
    message = String(metadata={"description": "human-readable message in the caller's language"})
    details = Dict()
    params = Dict(
        metadata={
            "description": "the values the message names, for programs (such as"
            " `retry_after_seconds`, `tries_left`, `locked_until`)"
        }
    )


class ErrorSchema(Schema):
    error = Nested(ErrorDetail)
