"""Live updates over Socket.IO: one room per service point, snapshot first, then numbered events.

A client connects with ``auth={"service_point": "helsinki"}`` (or ``?service_point=``), is put in
that service point's room and immediately receives a ``snapshot``. Every change then arrives as a
``queue_event`` whose ``sequence`` is one more than the last; a client that sees a gap sends
``request_snapshot``. Events are sent only after their transaction has committed.
"""

from __future__ import annotations

import logging

from flask import request
from flask_socketio import SocketIO, emit, join_room

from shared.events import Event

socketio = SocketIO()
log = logging.getLogger(__name__)


def room_of(service_point_id: str) -> str:
    """The Socket.IO room of a service point."""
    return f"service-point:{service_point_id}"


def public_snapshot(service_point_id: str) -> dict:
    """The snapshot of a service point at the app clock's now."""
    from shared.app import get_db, jono
    from shared.snapshot import build_snapshot

    state = jono()
    return build_snapshot(get_db(), state.config, service_point_id, state.clock.now())


def publish(events: tuple[Event, ...] | list[Event]) -> dict[str, dict]:
    """Send committed events to their service points' rooms, each with the fresh snapshot.

    Called by HTTP handlers after the domain call returned, that is after the commit.
    Returns the snapshots it built, by service point, so the caller need not build them again.
    """
    from shared.app import get_db
    from shared.db import utc_text
    from shared.tickets import get_ticket

    snapshots: dict[str, dict] = {}
    for event in events:
        if event.service_point not in snapshots:
            snapshots[event.service_point] = public_snapshot(event.service_point)
        ticket = get_ticket(get_db(), event.ticket_id) if event.ticket_id else None
        payload = {
            "sequence": event.sequence,
            "type": event.type,
            "at": utc_text(event.at),
            "counter": event.counter,
            "queue": event.queue,
            "ticket": ticket
            and {"number": ticket.number, "queue": ticket.queue, "status": ticket.status},
            "snapshot": snapshots[event.service_point],
        }
        socketio.emit("queue_event", payload, to=room_of(event.service_point))
    return snapshots


@socketio.on("connect")
def on_connect(auth=None):
    """A display, counter, kiosk or phone page connects; it joins its room and gets a snapshot.

    Sent by: every live page. Heard by: only the connecting client (``snapshot``).
    """
    from shared.app import jono

    service_point_id = (auth or {}).get("service_point") if isinstance(auth, dict) else None
    service_point_id = service_point_id or request.args.get("service_point")
    if not service_point_id or jono().config.service_point(service_point_id) is None:
        raise ConnectionRefusedError("unknown_service_point")
    join_room(room_of(service_point_id))
    emit("snapshot", public_snapshot(service_point_id))


@socketio.on("request_snapshot")
def on_request_snapshot(data=None):
    """A client saw a gap in the sequence numbers (or woke up) and asks for the full state.

    Sent by: any live page. Heard by: only that client, as the acknowledgement and a ``snapshot``.
    """
    from shared.app import jono

    service_point_id = data.get("service_point") if isinstance(data, dict) else None
    if (
        not isinstance(service_point_id, str)
        or jono().config.service_point(service_point_id) is None
    ):
        return {"ok": False, "error": "unknown_service_point"}
    snapshot = public_snapshot(service_point_id)
    emit("snapshot", snapshot)
    return {"ok": True, "sequence": snapshot["sequence"]}
