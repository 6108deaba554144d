"""Live updates over Socket.IO: one room per service point, snapshot first, then numbered events.

A client connects with ``auth={"service_point": "helsinki"}`` (or ``?service_point=``), is put in
that service point's room and immediately receives a ``snapshot``. Every change then arrives as a
``queue_event`` whose ``sequence`` is one more than the last; a client that sees a gap sends
``request_snapshot``. Events are sent only after their transaction has committed.
"""

from __future__ import annotations

import logging
import threading

from flask import current_app, request
from flask_socketio import ConnectionRefusedError as SocketRefused
from flask_socketio import SocketIO, emit, join_room

from shared.queue.snapshot import build_snapshot
from shared.queue.tickets import get_ticket
from shared.storage.connections import connect
from shared.storage.event_log import Event, last_sequence
from shared.web.context import get_db, jono
from shared.web.rate_limit import client_address_key
from shared.web.snapshot_delta import diff
from shared.web.socket_guard import OriginCheck, SocketGuard

socketio = SocketIO()
log = logging.getLogger(__name__)


def room_of(service_point_id: str) -> str:
    """The Socket.IO room of a service point."""
    return f"service-point:{service_point_id}"


def public_snapshot(service_point_id: str) -> dict:
    """The snapshot of a service point at the app clock's now."""

    state = jono()
    return build_snapshot(get_db(), state.config, service_point_id, state.clock.now())


class OrderedDelivery:
    """Sends each service point's events exactly once and in sequence order, batched, with the
    delta from the state the room had before.

    Request threads commit in sequence order (BEGIN IMMEDIATE) but may reach `publish` in any
    order; a client that got event 7 before event 6 would drop 6 and miss an announcement. So
    publishing holds the service point's lock, builds one snapshot and sends, from the event log,
    every committed event after the last one sent up to that snapshot's sequence. Under load the
    threads queue at the lock and the first one sends the others' events too, with one snapshot
    for all of them; the others find their events sent and take that snapshot for their answer.
    The last event of a batch carries the delta from the snapshot sent before (its `base`) to
    this one; the first batch after a start carries the whole snapshot instead.
    """

    def __init__(self, last_sent: dict[str, int]):
        self._last_sent = dict(last_sent)
        self._latest: dict[str, dict] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def lock_of(self, service_point_id: str) -> threading.Lock:
        """The lock that orders one service point's deliveries."""
        with self._guard:
            return self._locks.setdefault(service_point_id, threading.Lock())

    def restart(self, last_sent: dict[str, int]) -> None:
        """Go on from another process's progress (this one became the relay): what the rooms
        were sent is not known here, so the next batch carries the whole snapshot."""
        for service_point_id, sequence in last_sent.items():
            with self.lock_of(service_point_id):
                self._last_sent[service_point_id] = sequence
                self._latest.pop(service_point_id, None)

    def covering_snapshot(self, service_point_id: str, up_to: int) -> dict | None:
        """The snapshot sent with event `up_to` or a later one, if they are sent; hold the lock."""
        latest = self._latest.get(service_point_id)
        if latest is not None and latest["sequence"] >= up_to:
            return latest
        return None

    def take_range(
        self, service_point_id: str, snapshot: dict
    ) -> tuple[tuple[int, int] | None, dict | None]:
        """Claim the sequence numbers (first, last) still to send up to the snapshot's, and
        return them with the snapshot the room had before (None: not known); hold the lock.
        The range is None when there is nothing to send (events sent by an earlier process)."""
        first = self._last_sent.get(service_point_id, 0) + 1
        before = self._latest.get(service_point_id)
        self._latest[service_point_id] = snapshot
        if snapshot["sequence"] < first:
            return None, before
        self._last_sent[service_point_id] = snapshot["sequence"]
        return (first, snapshot["sequence"]), before


def init_delivery(app) -> None:
    """Remember each service point's last event at start-up: later ones are still to be sent."""

    config = app.extensions["jono"].config
    connection = connect(config.database)
    try:
        last_sent = {
            point.id: last_sequence(connection, point.id) for point in config.service_points
        }
    finally:
        connection.close()
    app.extensions["jono_delivery"] = OrderedDelivery(last_sent)


def init_socket_guard(app) -> None:
    """Guard the app's sockets: origins, sockets per address, snapshot requests per socket."""
    config = app.extensions["jono"].config
    app.extensions["jono_socket_guard"] = SocketGuard(config.deployment.max_sockets_per_address)


def allowed_origins(config) -> OriginCheck:
    """Socket.IO's allowed origins for this deployment (see `shared.web.socket_guard`)."""
    return OriginCheck(config.public_base_url)


def _guard() -> SocketGuard:
    """This app's socket guard (set up by the app factory through init_socket_guard)."""
    return current_app.extensions["jono_socket_guard"]


def _relay():
    """This app's event relay (shared.web.relay.EventRelay, set up by the app factory)."""
    return current_app.extensions["jono_relay"]


def _delivery() -> OrderedDelivery:
    """This app's ordered delivery (set up by the app factory through init_delivery)."""

    return current_app.extensions["jono_delivery"]


def publish(events: tuple[Event, ...] | list[Event]) -> dict[str, dict]:
    """Send committed events to their service points' rooms, in order, with the room's delta.

    Called by HTTP handlers after the domain call returned, that is after the commit.
    Returns, by service point, a snapshot that includes the events (possibly later ones too),
    so the caller need not build one again. In a process that is not the relay (several
    processes share the events), the relay is told instead and the snapshot is built here.
    """
    newest: dict[str, int] = {}
    for event in events:
        newest[event.service_point] = max(newest.get(event.service_point, 0), event.sequence)
    relay = _relay()
    if not relay.is_publisher:
        for service_point_id in newest:
            relay.committed(service_point_id)
        return {service_point_id: public_snapshot(service_point_id) for service_point_id in newest}
    return {
        service_point_id: _deliver(service_point_id, up_to)
        for service_point_id, up_to in newest.items()
    }


def publish_state(service_point_id: str) -> None:
    """Bring the room up to date after a change that is no event (a printer's health): the
    events still unsent with their delta, or else the whole snapshot."""
    relay = _relay()
    if not relay.is_publisher:
        relay.committed(service_point_id, state=True)
        return
    _deliver(service_point_id, up_to=None, whole_state_if_none=True)


def deliver_pending(service_point_id: str, whole_state_if_none: bool = False) -> None:
    """Send the room the committed events not yet sent (the relay's look, or its wake-up)."""
    _deliver(service_point_id, up_to=None, whole_state_if_none=whole_state_if_none)


def restart_delivery(last_sent: dict[str, int]) -> None:
    """This process became the relay: go on from the progress the relays recorded."""
    _delivery().restart(last_sent)


def _deliver(service_point_id: str, up_to: int | None, whole_state_if_none: bool = False) -> dict:
    """Send the room every committed event not yet sent; return the snapshot they lead to.

    :param up_to: the caller's newest event: nothing to do when a batch already covered it
        (None: always look)
    :param whole_state_if_none: with no event to send, send the whole snapshot instead
    """
    delivery = _delivery()
    with delivery.lock_of(service_point_id):
        if up_to is not None:
            covering = delivery.covering_snapshot(service_point_id, up_to)
            if covering is not None:  # a thread ahead in the queue sent these events already
                return covering
        # Built under the lock, so a later event never carries an older state than the one
        # before it; its sequence is the newest committed event, and all up to it go.
        snapshot = public_snapshot(service_point_id)
        claimed, before = delivery.take_range(service_point_id, snapshot)
        room = room_of(service_point_id)
        if claimed is None:
            if whole_state_if_none:
                socketio.emit("snapshot", snapshot, to=room)
            return snapshot
        rows = get_db().query(
            "SELECT * FROM events WHERE service_point = ? AND sequence BETWEEN ? AND ?"
            " ORDER BY sequence",
            [service_point_id, *claimed],
        )
        for row in rows:
            payload = event_payload(row)
            if row["sequence"] == snapshot["sequence"]:  # the batch's last: the new state
                payload.update(state_change(before, snapshot))
            socketio.emit("queue_event", payload, to=room)
        _relay().sent(service_point_id, snapshot["sequence"])
        return snapshot


def state_change(before: dict | None, snapshot: dict) -> dict:
    """What a batch's last event carries: the delta from the state before, or the whole state."""
    if before is None:
        return {"snapshot": snapshot}
    return {"delta": {"base": before["sequence"], "change": diff(before, snapshot)}}


def event_payload(row: dict) -> dict:
    """The `queue_event` a client receives for one row of the event log (without the state)."""
    ticket = get_ticket(get_db(), row["ticket_id"]) if row["ticket_id"] else None
    return {
        "sequence": row["sequence"],
        "type": row["type"],
        "at": row["at"],
        "counter": row["counter"],
        "queue": row["queue"],
        "ticket": ticket
        and {"number": ticket.number, "queue": ticket.queue, "status": ticket.status},
    }


@socketio.on("connect")
def on_connect(auth=None):
    """A display, counter, kiosk or phone page connects; it joins its room and gets a snapshot.

    Sent by: every live page. Heard by: only the connecting client (``snapshot``).
    """

    service_point_id = (auth or {}).get("service_point") if isinstance(auth, dict) else None
    service_point_id = service_point_id or request.args.get("service_point")
    if not service_point_id or jono().config.service_point(service_point_id) is None:
        raise SocketRefused("unknown_service_point")  # the page learns why
    # Counted like the rate limits: an IPv6 client holds a whole /64, not one address.
    if not _guard().admit(request.sid, client_address_key(request.remote_addr)):
        raise SocketRefused("too_many_sockets")
    try:
        join_room(room_of(service_point_id))
        emit("snapshot", public_snapshot(service_point_id))
    except BaseException:  # refused after all: the socket must not go on counting
        _guard().release(request.sid)
        raise


@socketio.on("disconnect")
def on_disconnect(reason=None):
    """A live page went away: its socket no longer counts against its address.

    Sent by: Socket.IO itself. Heard by: nobody.
    """
    _guard().release(request.sid)


@socketio.on("request_snapshot")
def on_request_snapshot(data=None):
    """A client saw a gap in the sequence numbers (or woke up) and asks for the full state.

    Sent by: any live page. Heard by: only that client, as the acknowledgement and a ``snapshot``.
    """

    service_point_id = data.get("service_point") if isinstance(data, dict) else None
    if (
        not isinstance(service_point_id, str)
        or jono().config.service_point(service_point_id) is None
    ):
        return {"ok": False, "error": "unknown_service_point"}
    if not _guard().allow_snapshot(request.sid):
        return {"ok": False, "error": "too_many_requests"}
    snapshot = public_snapshot(service_point_id)
    emit("snapshot", snapshot)
    return {"ok": True, "sequence": snapshot["sequence"]}
