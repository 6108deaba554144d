"""Request and response bodies of the booking API (the OpenAPI document comes from these)."""

from __future__ import annotations

from apiflask import Schema
from apiflask.fields import Date, DateTime, Integer, List, Nested, String
from apiflask.validators import Length, OneOf, Range

from shared.config.reader import LANGUAGES
from shared.web.schemas import NEW_PIN, AppointmentBaseSchema, NamesSchema

KEY = String(
    required=True,
    validate=Length(min=1, max=40),
    metadata={"description": "the reservation key, with or without its hyphen"},
)
PIN = String(
    required=True,
    validate=Length(min=1, max=20),
    metadata={"description": "the PIN code; sent in the body so it never lands in a URL log"},
)
CONTACT_EMAIL = String(load_default=None, allow_none=True, validate=Length(max=254))
CONTACT_PHONE = String(load_default=None, allow_none=True, validate=Length(max=40))


class FreeSlotsQuery(Schema):
    category = String(required=True, validate=Length(min=1, max=40))
    service_point = String(
        load_default=None, metadata={"description": "one service point; else `city`, else all"}
    )
    city = String(load_default=None, metadata={"description": "the city's name in any language"})
    party_size = Integer(load_default=1, validate=Range(min=1, max=99))
    from_day = Date(
        data_key="from",
        load_default=None,
        metadata={"description": "the page's first day (default today)"},
    )
    days = Integer(load_default=7, validate=Range(min=1, max=62))


class FreeDaysQuery(FreeSlotsQuery):
    days = Integer(load_default=31, validate=Range(min=1, max=92))


class FreeSlotSchema(Schema):
    service_point = String()
    starts_at = String(metadata={"description": "UTC, ISO 8601: send it back to holdSlot"})
    ends_at = String()
    date = String(metadata={"description": "local date at the service point"})
    time = String(metadata={"description": "local start time, HH:MM"})


class FreeDaySchema(Schema):
    date = String()
    free_count = Integer()


class FreeSlotsSchema(Schema):
    slots = List(Nested(FreeSlotSchema))
    days = List(Nested(FreeDaySchema), metadata={"description": "days with free times"})
    first_day = String()
    last_day = String()
    next_day = String(allow_none=True, metadata={"description": "`from` of the next page"})
    horizon_day = String(metadata={"description": "the last bookable day"})
    length_minutes = Integer(allow_none=True)


class FreeDaysSchema(Schema):
    days = List(Nested(FreeDaySchema), metadata={"description": "days with free times"})
    closed_days = List(
        String(),
        metadata={
            "description": "days of the page on which no searched service point takes"
            " appointments (weekends, holidays, closed days); a day in neither list is full"
        },
    )
    today = String(metadata={"description": "today at the service points: days before it are past"})
    first_day = String()
    last_day = String()
    next_day = String(allow_none=True, metadata={"description": "`from` of the next page"})
    horizon_day = String(metadata={"description": "the last bookable day"})


class HoldSlotSchema(Schema):
    service_point = String(required=True, validate=Length(min=1, max=40))
    category = String(required=True, validate=Length(min=1, max=40))
    party_size = Integer(load_default=1, validate=Range(min=1, max=99))
    starts_at = DateTime(required=True, metadata={"description": "a free slot's starts_at"})
    replaces_hold = String(
        load_default=None,
        allow_none=True,
        validate=Length(max=100),
        metadata={"description": "your earlier hold to let go"},
    )


class HoldSchema(Schema):
    hold_token = String(metadata={"description": "keep it secret; it books the held time"})
    service_point = String()
    category = String()
    party_size = Integer()
    starts_at = String()
    ends_at = String()
    expires_at = String()


class BookAppointmentSchema(Schema):
    hold_token = String(required=True, validate=Length(min=8, max=100))
    email = CONTACT_EMAIL
    phone = CONTACT_PHONE
    language = String(load_default="fi", validate=OneOf(LANGUAGES))


class KeyAndPinSchema(Schema):
    reservation_key = KEY
    pin = PIN


class ContactSchema(KeyAndPinSchema):
    email = CONTACT_EMAIL
    phone = CONTACT_PHONE


class RescheduleSchema(KeyAndPinSchema):
    hold_token = String(required=True, validate=Length(min=8, max=100))


class AppointmentSchema(AppointmentBaseSchema):
    status = String(metadata={"description": "booked, checked_in, cancelled or lost"})
    service_point_name = Nested(NamesSchema)
    address = String()
    category_name = Nested(NamesSchema)
    ends_at = String()


class BookedAppointmentSchema(AppointmentSchema):
    pin = NEW_PIN
