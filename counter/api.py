"""Counter API: logging in and out, choosing a counter, and the actions on waiting numbers.

A clerk acts at the counter they opened; the counter comes from the server, never from the page,
and only at a service point their account may work at (`counter.access`).
"""

from __future__ import annotations

from apiflask import APIBlueprint

from counter.access import seated_counter, service_points_of
from counter.schemas import (
    CountersSchema,
    CounterStateSchema,
    LoggedInSchema,
    LoginSchema,
    LoginTokenSchema,
    OpenCounterSchema,
    TicketDetailSchema,
    TransferSchema,
    WaitingNumbersSchema,
)
from shared.errors import DomainError, NotFound
from shared.queue import ticket_actions, tickets
from shared.queue.counters import close_counters_of, counter_clerks, counter_of, open_counter
from shared.queue.snapshot import place_in_queue
from shared.queue.tickets import WAITING, require_service_point
from shared.storage.timestamps import utc_text
from shared.web.clerk_auth import (
    CLERK_ONLY,
    clerk_required,
    current_clerk,
    current_csrf_token,
    current_role,
    current_user,
    log_in,
    log_out,
    login_token,
    require_service_point_access,
)
from shared.web.context import get_db, jono
from shared.web.realtime import public_snapshot, publish

api = APIBlueprint("counter_api", __name__, url_prefix="/api/v1", tag="Counter")
ERRORS = {
    401: "Not logged in",
    403: "Not one of the user's service points; or no CSRF token and no Origin of this site",
    404: "Unknown ticket, queue or counter (or a ticket of another service point)",
    409: "Not allowed in the ticket's or counter's state",
}


def clerk_of(username: str, role: str, service_points: list[str]) -> dict:
    """The clerk as the counter page sees them."""
    return {"username": username, "role": role, "service_points": service_points}


def ticket_detail(ticket: tickets.Ticket | None) -> dict | None:
    """A ticket as the counter sees it, with the triage answers to verify."""
    if ticket is None:
        return None
    return {
        "id": ticket.id,
        "number": ticket.number,
        "queue": ticket.queue,
        "status": ticket.status,
        "party_size": ticket.party_size,
        "language": ticket.language,
        "category": ticket.category,
        "triage_answers": ticket.triage_answers,
        "counter": ticket.counter,
        "clerk": ticket.clerk,
        "issued_at": utc_text(ticket.issued_at),
        "called_at": ticket.called_at and utc_text(ticket.called_at),
        "print_status": ticket.print_status,
    }


@api.get("/session")
@api.output(LoginTokenSchema)
@api.doc(
    operation_id="getLoginToken",
    summary="The CSRF token for logging in from this browser (sets a login cookie)",
    description="A login must carry this token in the X-CSRF-Token header, or come with an"
    " Origin header of this site (as browsers send it).",
)
def get_login_token():
    """The login's CSRF token, bound to a cookie of its own."""
    return {"csrf_token": login_token()}


@api.post("/session")
@api.input(LoginSchema, arg_name="credentials")
@api.output(LoggedInSchema)
@api.doc(
    operation_id="loginClerk",
    summary="Log a clerk in (sets the session cookie)",
    description="Needs the token of getLoginToken in the X-CSRF-Token header, or an Origin of"
    " this site. A few wrong passwords lock the user name (and more the address) for a while;"
    " the answer says how many tries are left, or until when it is locked. The answer's"
    " csrf_token goes with every later POST, PUT and DELETE.",
    responses={
        401: "Wrong user name or password (the message says the tries left)",
        403: "Disabled account; or no CSRF token and no Origin of this site",
        429: "Too many wrong passwords: locked for a while (the message says until when)",
        503: "Too many logins at once: try again in a moment",
    },
)
def login(credentials: dict):
    """Check the password and start a session."""
    user, csrf_token = log_in(credentials["username"], credentials["password"])
    return {**clerk_of(user.username, user.role, service_points_of(user)), "csrf_token": csrf_token}


@api.delete("/session")
@api.output({}, status_code=204)
@api.doc(
    operation_id="logoutClerk",
    summary="Log out and free the clerk's counter",
    description="A number called at the counter goes back to its place in the queue.",
    **CLERK_ONLY,
    responses={401: "Not logged in", 403: "No CSRF token and no Origin of this site"},
)
@clerk_required
def logout():
    """End the session and close the counter the clerk held."""
    publish(close_counters_of(get_db(), current_clerk(), jono().clock.now()))
    log_out()
    return ""


@api.get("/counter")
@api.output(CounterStateSchema)
@api.doc(
    operation_id="getCounterState",
    summary="The clerk, their counter and its current ticket",
    **CLERK_ONLY,
    responses={401: "Not logged in"},
)
@clerk_required
def get_counter_state():
    """Who is logged in, which counter they hold and the ticket it is handling."""
    return _counter_state()


def _counter_state() -> dict:
    """The counter state as plain data: the decorated view returns an already serialised
    response, which a second `api.output` would turn into an empty object."""
    seat = counter_of(get_db(), current_clerk())
    current = tickets.current_ticket(get_db(), *seat) if seat else None
    return {
        "clerk": clerk_of(current_clerk(), current_role(), service_points_of(current_user())),
        "csrf_token": current_csrf_token(),
        "service_point": seat and seat[0],
        "counter": seat and seat[1],
        "current_ticket": ticket_detail(current),
    }


@api.put("/counter")
@clerk_required  # outermost, so an anonymous caller gets 401 before the body is even validated
@api.input(OpenCounterSchema, arg_name="choice")
@api.output(CounterStateSchema)
@api.doc(
    operation_id="openCounter",
    summary="Sit at a counter (frees the clerk's previous one)",
    description="A number called at the previous counter goes back to its place in the queue.",
    **CLERK_ONLY,
    responses=ERRORS,
)
def open_counter_route(choice: dict):
    """Open the chosen counter for the logged-in clerk, at one of their service points."""
    require_service_point_access(choice["service_point"])
    state = jono()
    events = open_counter(
        get_db(),
        state.config,
        choice["service_point"],
        choice["counter"],
        current_clerk(),
        state.clock.now(),
    )
    publish(events)
    return _counter_state()


@api.get("/service-points/<service_point_id>/counters")
@api.output(CountersSchema)
@api.doc(
    operation_id="listCounters",
    summary="The counters of a service point: the queues each calls and who holds it",
    description="For choosing a counter: a counter another clerk holds cannot be opened"
    " (openCounter answers 409 counter_taken).",
    **CLERK_ONLY,
    responses={
        401: "Not logged in",
        403: "Not one of the user's service points",
        404: "Unknown service point",
    },
)
@clerk_required
def list_counters(service_point_id: str):
    """Every counter of the point in the config's order, with its queues and its clerk."""
    require_service_point_access(service_point_id)
    point = require_service_point(jono().config, service_point_id)
    clerks = counter_clerks(get_db(), point.id)
    return {
        "service_point": point.id,
        "counters": [
            {
                "number": counter.number,
                "queues": list(counter.queues),
                "clerk": clerks.get(counter.number),
                "is_mine": clerks.get(counter.number) == current_clerk(),
            }
            for counter in point.counters
        ],
    }


@api.get("/counter/waiting")
@api.output(WaitingNumbersSchema)
@api.doc(
    operation_id="listWaitingTickets",
    summary="The numbers waiting at the clerk's service point, with their kiosk language",
    description="What the public snapshot leaves out for the counter's waiting list: the"
    " language each customer chose at the kiosk. Oldest first; `now` is the server's time, for"
    " the waiting times.",
    **CLERK_ONLY,
    responses={
        401: "Not logged in",
        403: "The counter's point is no longer the user's",
        409: "No counter chosen",
    },
)
@clerk_required
def list_waiting_tickets():
    """Every waiting number of the clerk's service point, oldest first."""
    service_point_id, _ = seated_counter()
    rows = (
        get_db()
        .execute(
            "SELECT id, number, queue, party_size, language, queued_at FROM tickets"
            " WHERE service_point = ? AND status = ? ORDER BY queued_at, id",
            [service_point_id, WAITING],
        )
        .fetchall()
    )
    columns = ("id", "number", "queue", "party_size", "language", "queued_at")
    return {
        "now": utc_text(jono().clock.now()),
        "tickets": [dict(zip(columns, row, strict=True)) for row in rows],
    }


@api.post("/counter/call-next")
@api.output(TicketDetailSchema)
@api.doc(
    operation_id="callNextTicket",
    summary="Call the next number to the clerk's counter",
    **CLERK_ONLY,
    responses=ERRORS,
)
@clerk_required
def call_next():
    """Call the next waiting number in the counter's queue order."""
    service_point_id, counter_number = seated_counter()
    state = jono()
    outcome = ticket_actions.call_next_ticket(
        get_db(),
        state.config,
        service_point_id=service_point_id,
        counter_number=counter_number,
        clerk=current_clerk(),
        now=state.clock.now(),
    )
    publish(outcome.events)
    return ticket_detail(outcome.ticket)


def _ticket_action(action, ticket_id: int, **extra):
    """Run one domain action on a ticket at the clerk's counter, then broadcast it."""
    service_point_id, counter_number = seated_counter()
    state = jono()
    outcome = action(
        get_db(),
        state.config,
        ticket_id=ticket_id,
        service_point_id=service_point_id,
        counter_number=counter_number,
        clerk=current_clerk(),
        now=state.clock.now(),
        **extra,
    )
    publish(outcome.events)
    return ticket_detail(outcome.ticket)


def _register_action(path: str, operation_id: str, summary: str, action) -> None:
    """Add one POST /tickets/<id>/<path> route for a simple ticket action."""

    @clerk_required
    def view(ticket_id: int):
        return _ticket_action(action, ticket_id)

    view.__name__ = operation_id
    view.__doc__ = summary
    view = api.doc(operation_id=operation_id, summary=summary, **CLERK_ONLY, responses=ERRORS)(view)
    view = api.output(TicketDetailSchema)(view)
    api.post(f"/tickets/<int:ticket_id>/{path}")(view)


_register_action(
    "call",
    "callTicket",
    "Call a specific waiting number to the counter",
    ticket_actions.call_ticket,
)
_register_action(
    "recall",
    "recallTicket",
    "Call the counter's current number again",
    ticket_actions.recall_ticket,
)
_register_action(
    "no-show",
    "markNoShow",
    "Close a called number whose holder did not come",
    ticket_actions.mark_no_show,
)
_register_action(
    "start", "startServing", "The customer is at the counter", ticket_actions.start_serving
)
_register_action("finish", "finishTicket", "The matter is handled", ticket_actions.finish_ticket)
_register_action(
    "return",
    "returnTicketToQueue",
    "Put the number back in its queue at its place",
    ticket_actions.return_ticket_to_queue,
)


@api.post("/tickets/<int:ticket_id>/transfer")
@clerk_required  # outermost, so an anonymous caller gets 401 before the body is even validated
@api.input(TransferSchema, arg_name="target")
@api.output(TicketDetailSchema)
@api.doc(
    operation_id="transferTicket",
    summary="Move a number to another queue; it keeps its number",
    **CLERK_ONLY,
    responses=ERRORS,
)
def transfer(ticket_id: int, target: dict):
    """Transfer a ticket to another queue."""
    return _ticket_action(ticket_actions.transfer_ticket, ticket_id, to_queue=target["queue"])


@api.post("/tickets/<int:ticket_id>/reprint")
@api.output(TicketDetailSchema)
@api.doc(
    operation_id="reprintTicket",
    summary="Print a waiting number's slip again at the kiosk",
    description="For a slip that did not come out or was lost. Only a waiting number of the"
    " clerk's own service point, and only where the kiosk has a printer.",
    **CLERK_ONLY,
    responses=ERRORS,
)
@clerk_required
def reprint(ticket_id: int):
    """Queue the slip of a waiting ticket again; the answer comes before the printer's."""
    service_point_id, _ = seated_counter()
    state = jono()
    ticket = tickets.get_ticket(get_db(), ticket_id)
    if ticket.service_point != service_point_id:
        raise NotFound("unknown_ticket", ticket=ticket_id)
    if not state.printing.has_printer(service_point_id):
        raise DomainError("no_printer")
    if ticket.status != tickets.WAITING:
        raise DomainError("reprint_not_waiting", number=ticket.number)
    ahead, estimate = place_in_queue(public_snapshot(service_point_id), ticket.id, ticket.queue)
    return ticket_detail(state.printing.print_ticket(get_db(), ticket, ahead, estimate))
