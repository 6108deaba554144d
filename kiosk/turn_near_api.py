"""Kiosk API: give a phone number for the "your turn is near" text message of a ticket."""

from __future__ import annotations

from apiflask import APIBlueprint, Schema
from apiflask.fields import Boolean, Integer, String
from apiflask.validators import Length

from shared.queue.turn_near import set_turn_near_phone
from shared.web.context import get_db, jono
from shared.web.kiosk_auth import KIOSK_ONLY, KioskIdentity, kiosk_required

api = APIBlueprint("kiosk_turn_near_api", __name__, url_prefix="/api/v1", tag="Kiosk")


class TurnNearPhoneSchema(Schema):
    token = String(
        required=True,
        validate=Length(min=1, max=128),
        metadata={"description": "the ticket's status token (from issueTicket)"},
    )
    phone = String(
        load_default=None,
        allow_none=True,
        validate=Length(max=40),
        metadata={"description": "the number to text; empty or null removes it"},
    )


class TurnNearPhoneResultSchema(Schema):
    ticket_id = Integer()
    subscribed = Boolean(metadata={"description": "true: a text comes when the turn is near"})
    people_ahead_threshold = Integer()


@api.put("/tickets/<int:ticket_id>/turn-near-phone")
@kiosk_required  # outermost, so a stranger gets 401 before the body is even validated
@api.input(TurnNearPhoneSchema, arg_name="body")
@api.output(TurnNearPhoneResultSchema)
@api.doc(
    operation_id="setTurnNearPhone",
    summary="Get a text message when your turn is near",
    description="Opt-in, for a waiting ticket: one SMS when at most `people_ahead_threshold`"
    " people are before it. The number is deleted when the ticket ends. Needs the ticket's"
    " status token, at a paired kiosk of the ticket's service point; only numbers of"
    " `turn_near_country_codes`, and at most `turn_near_phone_changes` changes per ticket.",
    **KIOSK_ONLY,
    responses={
        400: "Bad phone number, a country not served, or a missing token",
        401: "Not a paired kiosk",
        404: "Unknown ticket, or the token does not match",
        409: "Text messages are not in use, or the ticket no longer waits",
        429: "The number was changed too many times",
    },
)
def set_turn_near_phone_route(ticket_id: int, body: dict, kiosk: KioskIdentity):
    """Store or remove the ticket's phone number."""
    state = jono()
    phone = set_turn_near_phone(
        get_db(),
        state.config,
        ticket_id=ticket_id,
        token=body["token"],
        phone=body["phone"],
        now=state.clock.now(),
        service_point_id=kiosk.service_point,
    )
    return {
        "ticket_id": ticket_id,
        "subscribed": phone is not None,
        "people_ahead_threshold": state.config.notifications.turn_near_people_ahead,
    }
