"""Request and response bodies of the counter API."""

from __future__ import annotations

from apiflask import Schema
from apiflask.fields import Dict, Integer, Nested, String
from apiflask.validators import Length, Range


class LoginSchema(Schema):
    username = String(required=True, validate=Length(min=1, max=80))
    password = String(required=True, validate=Length(min=1, max=200))


class ClerkSchema(Schema):
    username = String()
    role = String()


class OpenCounterSchema(Schema):
    service_point = String(required=True, validate=Length(min=1, max=40))
    counter = Integer(required=True, validate=Range(min=1, max=999))


class TransferSchema(Schema):
    queue = String(required=True, validate=Length(min=1, max=40))


class TicketDetailSchema(Schema):
    id = Integer()
    number = String()
    queue = String()
    status = String()
    party_size = Integer()
    language = String()
    category = String(allow_none=True)
    triage_answers = Dict(metadata={"description": "what the customer told the kiosk, to verify"})
    counter = Integer(allow_none=True)
    clerk = String(allow_none=True)
    issued_at = String()
    called_at = String(allow_none=True)
    print_status = String(
        allow_none=True,
        metadata={"description": "queued, printed, failed or skipped; null: no printer"},
    )


class CurrentTicketSchema(TicketDetailSchema):
    """The counter's current ticket. A subclass, because APIFlask 3.1 registers a schema used both
    nested and as a response twice, which apispec warns about."""


class CounterStateSchema(Schema):
    clerk = Nested(ClerkSchema)
    service_point = String(allow_none=True)
    counter = Integer(allow_none=True)
    current_ticket = Nested(CurrentTicketSchema, allow_none=True)
