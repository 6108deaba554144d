"""Request and response bodies of the manager's people and devices API (`manage.people_api`)."""

from __future__ import annotations

from apiflask import Schema
from apiflask.fields import Boolean, Integer, List, Nested, String
from apiflask.validators import Length, OneOf, Regexp

from shared.accounts.users import MINIMUM_PASSWORD_LENGTH, ROLES

POINT_ID = String(validate=Length(min=1, max=40))
USERNAME = Regexp(r"^[a-zA-Z0-9._-]{2,40}$")


class AccountSchema(Schema):
    username = String()
    role = String(metadata={"description": "clerk, manager or admin"})
    service_points = List(
        String(),
        metadata={"description": "the points of the account among those the caller runs"},
    )
    works_elsewhere = Boolean(
        metadata={"description": "the account also works at points the caller does not run"}
    )
    every_point = Boolean(metadata={"description": "the account may work at every point"})
    disabled = Boolean()
    may_change = Boolean(
        metadata={"description": "whether the caller may disable, reset or re-point it"}
    )


class AccountListSchema(Schema):
    service_point = String()
    accounts = List(Nested(AccountSchema))
    roles = List(String(), metadata={"description": "the roles the caller may give"})


class NewAccountSchema(Schema):
    username = String(required=True, validate=USERNAME)
    role = String(load_default="clerk", validate=OneOf(ROLES))
    service_points = List(
        POINT_ID,
        load_default=None,
        validate=Length(min=1, max=50),
        metadata={"description": "default: this service point only"},
    )
    password = String(
        load_default=None,
        validate=Length(min=MINIMUM_PASSWORD_LENGTH, max=200),
        metadata={"description": "default: a one-time password made here and shown once"},
    )


class PasswordResetSchema(Schema):
    password = String(
        load_default=None,
        validate=Length(min=MINIMUM_PASSWORD_LENGTH, max=200),
        metadata={"description": "default: a one-time password made here and shown once"},
    )


class AccountChangedSchema(Schema):
    account = Nested(AccountSchema)
    one_time_password = String(
        allow_none=True,
        metadata={"description": "the password made here: shown once, never stored in clear"},
    )


class ServicePointsSchema(Schema):
    service_points = List(POINT_ID, required=True, validate=Length(min=1, max=50))


class KioskSchema(Schema):
    id = Integer()
    name = String()
    state = String(metadata={"description": "paired, waiting (for its pairing), expired, revoked"})
    created_at = String()
    paired_at = String(allow_none=True)
    pairing_expires_at = String(allow_none=True)


class KioskAnswerSchema(KioskSchema):
    """A kiosk as an answer of its own. A subclass, because APIFlask 3.1 registers a schema used
    both nested and as a response twice, which apispec warns about."""


class KioskListSchema(Schema):
    service_point = String()
    kiosks = List(Nested(KioskSchema))


class NewKioskSchema(Schema):
    name = String(required=True, validate=Length(min=1, max=60))


class KioskNameSchema(Schema):
    name = String(required=True, validate=Length(min=1, max=60))


class KioskPairingSchema(Schema):
    kiosk = Nested(KioskSchema)
    pairing_address = String(
        metadata={"description": "open it once on the kiosk itself, within 24 hours"}
    )
    pairing_qr_svg = String(metadata={"description": "the same address as an SVG QR code"})


class SeatOfCounterSchema(Schema):
    counter = Integer()
    clerk = String(allow_none=True, metadata={"description": "who sits there; null: free"})


class CounterSeatsSchema(Schema):
    service_point = String()
    counters = List(Nested(SeatOfCounterSchema))
