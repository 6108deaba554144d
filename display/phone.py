"""The phone status page: the QR code on a slip opens /t/<token>; no login, numbers only."""

from __future__ import annotations

from apiflask import APIBlueprint, Schema
from apiflask.fields import Integer, String
from flask import Blueprint, Response, render_template, request
from flask_babel import force_locale

from display.routes import queue_counters
from shared.config.reader import LANGUAGES
from shared.errors import NotFound
from shared.queue.counters import counter_clerks
from shared.queue.ticket_status import ticket_status
from shared.web.context import get_db, jono
from shared.web.qr import qr_svg

pages = Blueprint(
    "phone",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/assets/phone",
)
api = APIBlueprint("ticket_status_api", __name__, url_prefix="/api/v1", tag="Phone")


class TicketStatusSchema(Schema):
    number = String(metadata={"example": "A042"})
    queue = String()
    status = String(metadata={"description": "waiting, called, serving, finished or no_show"})
    people_ahead = Integer()
    estimated_wait_minutes = Integer()
    counter = Integer(allow_none=True, metadata={"description": "where to go once called"})


def status_body(status) -> dict:
    """The public fields of a ticket's status."""
    return {
        "number": status.number,
        "queue": status.queue,
        "status": status.status,
        "people_ahead": status.people_ahead,
        "estimated_wait_minutes": status.estimated_wait_minutes,
        "counter": status.counter,
    }


@api.get("/ticket-status/<token>")
@api.output(TicketStatusSchema)
@api.doc(
    operation_id="getTicketStatus",
    summary="A waiting number's state, for the holder of its slip",
    description="Found by the unguessable token in the slip's QR code, valid until the end of the"
    " ticket's day. Numbers only: no personal data.",
    responses={404: "Unknown or expired token"},
)
def get_ticket_status(token: str):
    """The number, queue, state, people ahead, estimate and counter of one ticket."""
    state = jono()
    return status_body(ticket_status(get_db(), state.config, token, state.clock.now()))


@pages.get("/t/<token>")
def phone_status(token: str):
    """The phone page of one ticket; an unknown or expired token gets a translated 404 page."""
    state = jono()
    try:
        status = ticket_status(get_db(), state.config, token, state.clock.now())
    except NotFound:
        return render_template("display/phone_not_found.html"), 404
    service_point = state.config.service_point(status.service_point)
    queue = state.config.queue(status.queue)
    # Opened from the slip's QR code, the page speaks the language chosen at the kiosk.
    chosen = request.args.get("lang")
    language = chosen if chosen in LANGUAGES else status.language
    with force_locale(language if language in LANGUAGES else state.config.default_language):
        return render_template(
            "display/phone.html",
            token=token,
            status=status_body(status),
            service_point=service_point,
            queue_names={q.id: q.name.as_dict() for q in state.config.queues},
            queue=queue,
            # With none of its queue's counters open, the wait is not estimated (not "0 min").
            queue_counters=queue_counters(service_point),
            open_counters=sorted(counter_clerks(get_db(), service_point.id)),
        )


@pages.get("/t/<token>/qr.svg")
def phone_status_qr(token: str):
    """The QR code of a ticket's phone page, for the kiosk's ticket screen (with or without a slip).

    Only for a live token: an unknown or expired one gets 404 like the page itself, so the route
    tells nothing that guessing /t/<token> would not.
    """
    state = jono()
    try:
        ticket_status(get_db(), state.config, token, state.clock.now())
    except NotFound:
        return Response("Not found", status=404, mimetype="text/plain")
    svg = qr_svg(f"{state.config.public_base_url}/t/{token}")
    response = Response(str(svg), mimetype="image/svg+xml")
    response.headers["Cache-Control"] = "private, no-store"  # the token is the key to the page
    return response
