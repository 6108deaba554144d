"""Kiosk API: triage a visit, and issue a waiting number (the server triages again)."""

from __future__ import annotations

import secrets

from apiflask import APIBlueprint
from flask import current_app

from kiosk.schemas import (
    AnswersSchema,
    IssuedTicketSchema,
    IssueTicketSchema,
    PrintStatusQuery,
    PrintStatusSchema,
    TriageResultSchema,
)
from shared.errors import DomainError, InvalidRequest, NotFound
from shared.queue.check_in import earliest_offer
from shared.queue.kiosk_pace import KioskPace
from shared.queue.snapshot import place_in_queue
from shared.queue.tickets import get_ticket, issue_ticket, require_service_point
from shared.queue.triage import Answers, Triage, TriageError, triage
from shared.queue.triage_outcomes import (
    record_shown_estimate,
    record_triage_outcome,
    shown_outcome,
)
from shared.storage.timestamps import utc_text
from shared.web.context import get_db, jono
from shared.web.i18n import current_language
from shared.web.kiosk_auth import KIOSK_ONLY, KioskIdentity, kiosk_required
from shared.web.kiosk_offer_tokens import sign_offer
from shared.web.rate_limit import HOUR, LIMITER_EXTENSION, RateLimiter
from shared.web.realtime import public_snapshot, publish

api = APIBlueprint("kiosk_api", __name__, url_prefix="/api/v1", tag="Kiosk")
# Each triage writes one outcome row: a kiosk asking far faster than people walk up (one visit
# every 6 seconds for an hour) is refused, so a script on a paired kiosk cannot fill the table.
TRIAGES_PER_KIOSK_PER_HOUR = 600


def limit_triages(kiosk: KioskIdentity) -> None:
    """Count a triage of this kiosk (its scope); refuse with 429 past the hour's limit."""
    limiter = current_app.extensions.setdefault(LIMITER_EXTENSION, RateLimiter())
    if not limiter.allow(
        "triage", kiosk.scope, TRIAGES_PER_KIOSK_PER_HOUR, HOUR, jono().clock.now()
    ):
        raise DomainError("too_many_requests", status=429)


def run_triage(service_point_id: str, answers: dict) -> Triage:
    """Triage the answers with the service point's local date and the configured rules."""
    state = jono()
    service_point = require_service_point(state.config, service_point_id)
    today = state.clock.now().astimezone(service_point.zone).date()
    try:
        return triage(
            Answers(**answers),
            today,
            urgency_window_months=state.config.rules.urgency_window_months,
            max_party_size=state.config.rules.max_party_size,
        )
    except TriageError as error:
        raise InvalidRequest(error.code, **error.params) from error


def is_queue_served_now(snapshot: dict, queue_id: str) -> bool:
    """Whether an open counter of the snapshot's service point calls from this queue.

    With none open, the snapshot's minutes assume every configured counter: an estimate the
    kiosk must not show as if it were known ("0 min, nobody ahead" before anyone is serving).
    """
    service_point = jono().config.service_point(snapshot["service_point"]["id"])
    open_counters = set(snapshot["open_counters"])
    return any(
        counter.number in open_counters and queue_id in counter.queues
        for counter in service_point.counters
    )


def place_and_estimate(snapshot: dict, ticket_id: int, queue_id: str) -> tuple[int, int | None]:
    """The people ahead of a ticket and its wait in minutes, None while no counter serves it."""
    ahead, estimate = place_in_queue(snapshot, ticket_id, queue_id)
    return ahead, estimate if is_queue_served_now(snapshot, queue_id) else None


def queue_estimate(snapshot: dict, queue_id: str) -> dict:
    """The waiting count and estimate of one queue (None while no counter serves it)."""
    queue = next(q for q in snapshot["queues"] if q["id"] == queue_id)
    served = is_queue_served_now(snapshot, queue_id)
    return {
        "queue": queue_id,
        "waiting_count": queue["waiting_count"],
        "estimated_wait_minutes": queue["estimated_wait_minutes"] if served else None,
        "is_likely_served_today": queue["is_likely_served_today"],
    }


@api.post("/service-points/<service_point_id>/triage")
@kiosk_required  # outermost, so a stranger gets 401 before the body is even validated
@api.input(AnswersSchema, arg_name="answers")
@api.output(TriageResultSchema)
@api.doc(
    operation_id="triageVisit",
    summary="Decide what a walk-in should do",
    description="Urgent number, booking help, online booking, postbox or asylum invitation, with"
    " how a large party splits into groups. An urgent walk-in may also get `appointment_offer`:"
    " the earliest free appointment here before the document may expire, within"
    " `urgent_offer_days` (take it with bookOfferedAppointment and its `offer_token`)."
    " Records the verdict the kiosk will show (matter, outcome, party size, language, kiosk:"
    " no personal data) for the statistics. For a paired kiosk of the service point, at most"
    f" {TRIAGES_PER_KIOSK_PER_HOUR} an hour.",
    **KIOSK_ONLY,
    responses={
        400: "Invalid answers",
        401: "Not a paired kiosk",
        403: "A kiosk of another service point",
        404: "Unknown service point",
        429: "The kiosk asks far faster than people walk up",
    },
)
def triage_visit(service_point_id: str, answers: dict, kiosk: KioskIdentity):
    """Triage the kiosk's answers, add the queue's current estimate, record the verdict."""
    limit_triages(kiosk)
    result = run_triage(service_point_id, answers)
    snapshot = public_snapshot(service_point_id)
    queue = jono().config.queue_of_kind(result.queue_kind) if result.queue_kind else None
    offer = appointment_offer(service_point_id, answers, result, kiosk)
    is_accepting = snapshot["hours"]["is_accepting_tickets"]
    record_triage_outcome(
        get_db(),
        service_point=service_point_id,
        kiosk=kiosk.scope,
        at=jono().clock.now(),
        matter=answers["matter"],
        outcome=shown_outcome(
            result.outcome, has_offer=offer is not None, is_accepting_tickets=is_accepting
        ),
        party_size=answers["party_size"],
        language=current_language(),
    )
    return {
        "outcome": result.outcome,
        "is_urgent": result.is_urgent,
        "queue": queue and queue.id,
        "party_groups": list(result.party_groups),
        "months_until_expiry": result.months_until_expiry,
        "reasons": list(result.reasons),
        "is_accepting_tickets": is_accepting,
        "estimate": queue and queue_estimate(snapshot, queue.id),
        "booking_url": f"{jono().config.public_base_url}/booking",
        "appointment_offer": offer,
    }


def appointment_offer(
    service_point_id: str, answers: dict, result: Triage, kiosk: KioskIdentity
) -> dict | None:
    """For an urgent walk-in of one group: the earliest free appointment here before the expiry."""
    if not result.is_urgent or len(result.party_groups) != 1 or answers.get("expiry_year") is None:
        return None
    state = jono()
    now = state.clock.now()
    slot = earliest_offer(
        get_db(),
        state.config,
        service_point_id=service_point_id,
        category=answers["matter"],
        party_size=answers["party_size"],
        expiry_year=answers["expiry_year"],
        expiry_month=answers["expiry_month"],
        now=now,
    )
    if slot is None:
        return None
    zone = state.config.service_point(service_point_id).zone
    offer = {
        "service_point": service_point_id,
        "kiosk": kiosk.scope,
        "starts_at": utc_text(slot.starts_at),
        "category": answers["matter"],
        "party_size": answers["party_size"],
        "expiry_year": answers["expiry_year"],
        "expiry_month": answers["expiry_month"],
    }
    return {
        "starts_at": utc_text(slot.starts_at),
        "offer_token": sign_offer(offer),
        "date": slot.day.isoformat(),
        "time": slot.starts_at.astimezone(zone).strftime("%H:%M"),
        "is_today": slot.day == now.astimezone(zone).date(),
    }


@api.post("/service-points/<service_point_id>/tickets")
@kiosk_required  # outermost, so a stranger gets 401 before the body is even validated
@api.input(IssueTicketSchema, arg_name="body")
@api.output(IssuedTicketSchema, status_code=201)
@api.doc(
    operation_id="issueTicket",
    summary="Issue a waiting number",
    description="Triages the answers again on the server and refuses when the outcome is not a"
    " waiting number. The same idempotency key from the same kiosk always returns the same"
    " ticket (status 200). For a paired kiosk of the service point, at a human pace: a burst of"
    " `kiosk_ticket_burst` numbers, then `kiosk_tickets_per_minute`.",
    **KIOSK_ONLY,
    responses={
        200: {
            "description": "The ticket issued earlier with the same idempotency key",
            "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/IssuedTicketSchema"}}
            },
        },
        400: "Invalid answers or a party above the limit",
        401: "Not a paired kiosk",
        403: "A kiosk of another service point",
        404: "Unknown service point",
        409: "Not a waiting-number matter, or numbers are not given out now",
        429: "The kiosk gives out numbers faster than people take them",
    },
)
def issue_ticket_route(service_point_id: str, body: dict, kiosk: KioskIdentity):
    """Issue a ticket for an urgent or booking-help visit, and tell how many are ahead."""
    state = jono()
    answers = body["answers"]
    result = run_triage(service_point_id, answers)
    if not result.gives_ticket:
        raise DomainError("not_a_ticket_outcome", status=409, outcome=result.outcome)
    queue = state.config.queue_of_kind(result.queue_kind)
    outcome = issue_ticket(
        get_db(),
        state.config,
        service_point_id=service_point_id,
        queue_id=queue.id,
        party_size=answers["party_size"],
        language=body["language"],
        category=answers["matter"],
        triage_answers={**answers, "reasons": list(result.reasons)},
        idempotency_key=body["idempotency_key"],
        now=state.clock.now(),
        kiosk=kiosk.scope,
        pace=KioskPace.of(state.config),
    )
    snapshots = publish(outcome.events)
    snapshot = snapshots.get(service_point_id) or public_snapshot(service_point_id)
    ticket = outcome.ticket
    if outcome.events:  # a replay of the same key was printed (or not) the first time
        ahead, estimate = place_and_estimate(snapshot, ticket.id, ticket.queue)
        record_shown_estimate(get_db(), ticket.id, estimate)  # what the kiosk shows next
        # Only after the commit: the ticket exists whatever becomes of the slip.
        ticket = state.printing.print_ticket(get_db(), ticket, ahead, estimate)
    return issued_ticket_body(ticket, snapshot), 201 if outcome.events else 200


def issued_ticket_body(ticket, snapshot: dict) -> dict:
    """A waiting number as the kiosk shows it (walk-in or checked-in appointment)."""
    queue_state = next(q for q in snapshot["queues"] if q["id"] == ticket.queue)
    ahead, estimate = place_and_estimate(snapshot, ticket.id, ticket.queue)
    return {
        "id": ticket.id,
        "number": ticket.number,
        "queue": ticket.queue,
        "status": ticket.status,
        "party_size": ticket.party_size,
        "language": ticket.language,
        "issued_at": utc_text(ticket.issued_at),
        "people_ahead": ahead,
        "estimated_wait_minutes": estimate,
        "is_likely_served_today": queue_state["is_likely_served_today"],
        "print_status": ticket.print_status,
        "status_token": ticket.status_token,
    }


@api.get("/tickets/<int:ticket_id>/print-status")
@kiosk_required  # outermost, so a stranger gets 401 before the query is even validated
@api.input(PrintStatusQuery, location="query", arg_name="query")
@api.output(PrintStatusSchema)
@api.doc(
    operation_id="getPrintStatus",
    summary="Whether a ticket's slip came out",
    description="For a kiosk of the ticket's service point. Needs the ticket's status token, so"
    " that numbers cannot be tried one by one.",
    **KIOSK_ONLY,
    responses={
        400: "The token is missing",
        401: "Not a paired kiosk",
        404: "Unknown ticket, or the token does not match",
    },
)
def get_print_status(ticket_id: int, query: dict, kiosk: KioskIdentity):
    """The ticket's number, state and print status, for the holder of its token."""
    try:
        ticket = get_ticket(get_db(), ticket_id)
    except NotFound:
        raise NotFound("unknown_ticket") from None  # no id in the answer: nothing to walk
    if (
        not ticket.status_token
        or not secrets.compare_digest(ticket.status_token, query["token"])
        or ticket.service_point != kiosk.service_point
    ):
        raise NotFound("unknown_ticket")
    return {
        "id": ticket.id,
        "number": ticket.number,
        "status": ticket.status,
        "print_status": ticket.print_status,
    }
