"""The snapshot of a service point: what displays, counters and kiosks show right now.

Numbers only, never personal data: the snapshot goes to public lobby displays. Nor anything
about the office's network: the printer's state is one word from a closed set, never its
address, device path or error text (those are in the log).
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

import sqlite_utils

from printers.backends import PrinterStatus
from shared.config import Config, ServicePoint
from shared.queue.opening import walk_in_hours
from shared.queue.printing import failed_prints, printer_status
from shared.queue.service_days import service_day_start
from shared.queue.tickets import WAITING, local_day, require_service_point
from shared.storage.event_log import last_sequence
from shared.storage.timestamps import parse_utc, utc_text

RECENT_CALLS = 8
SERVICE_TIME_SAMPLE = 20
PRINTER_STATES = frozenset(status.value for status in PrinterStatus)


def build_snapshot(
    db: sqlite_utils.Database, config: Config, service_point_id: str, now: datetime
) -> dict:
    """Return the full state of a service point as plain JSON-ready data.

    :param service_point_id: the service point
    :param now: the moment the snapshot describes
    """
    service_point = require_service_point(config, service_point_id)
    # One read transaction, so the sequence number matches the rows read with it.
    db.execute("BEGIN")
    try:
        sequence = last_sequence(db, service_point.id)
        day = local_day(service_point, now)
        # Plain tuples rather than sqlite-utils' dict rows: the waiting list can be long, and a
        # snapshot is built for every change.
        # Every waiting number: a service day's expire when the point closes, so only a queue open
        # across midnight holds any of an earlier day (shared.queue.service_days).
        waiting = db.execute(
            "SELECT id, number, queue, party_size, queued_at FROM tickets"
            " WHERE service_point = ? AND status = ? ORDER BY queued_at, id",
            [service_point.id, WAITING],
        ).fetchall()
        # Whatever day a number was issued on: one called before this service day began was
        # closed as expired when the day started (shared.queue.service_days).
        active = db.execute(
            "SELECT number, counter, queue, status FROM tickets"
            " WHERE service_point = ? AND status IN ('called', 'serving')"
            " ORDER BY counter",
            [service_point.id],
        ).fetchall()
        first_sequence = first_sequence_of_day(db, service_point, now)
        recent = []
        if first_sequence is not None:
            # From the day's first event on only: walking back until today's calls are found
            # went through every past call before the day's first one (issue 14). A number
            # returned or transferred to a queue waits again: it is no longer called (issue 15).
            recent = db.execute(
                "SELECT t.number, e.counter, e.queue, e.at FROM events e"
                " JOIN tickets t ON t.id = e.ticket_id WHERE e.service_point = ?"
                " AND e.type IN ('TicketCalled', 'TicketRecalled') AND e.sequence >= ?"
                " AND t.status != ? ORDER BY e.sequence DESC LIMIT ?",
                [service_point.id, first_sequence, WAITING, RECENT_CALLS],
            ).fetchall()
        open_counters = [
            row["counter"]
            for row in db.query(
                "SELECT counter FROM counter_sessions WHERE service_point = ? ORDER BY counter",
                [service_point.id],
            )
        ]
        service_minutes = average_service_minutes(db, service_point, day, config, first_sequence)
        printer = printer_status(db, service_point.id) or {}
        unprinted = failed_prints(db, service_point.id, day)
    finally:
        db.execute("COMMIT")
    hours = walk_in_hours(config, service_point, now)
    waiting_by_queue: dict[str, list[dict]] = {queue.id: [] for queue in config.queues}
    for ticket_id, number, queue_id, party_size, queued_at in waiting:
        waiting_by_queue.setdefault(queue_id, []).append(
            {"id": ticket_id, "number": number, "party_size": party_size, "queued_at": queued_at}
        )
    queues = []
    for queue in config.queues:
        in_queue = waiting_by_queue[queue.id]
        serving_counters = _counters_serving(service_point, queue.id, open_counters)
        minutes_per_customer = service_minutes / max(1, serving_counters)
        wait = math.ceil(len(in_queue) * minutes_per_customer)
        queues.append(
            {
                "id": queue.id,
                "prefix": queue.prefix,
                "kind": queue.kind,
                "name": queue.name.as_dict(),
                "waiting_count": len(in_queue),
                "estimated_wait_minutes": wait,
                "minutes_per_customer": round(minutes_per_customer, 2),
                # Open with no closing ahead (around the clock): served, whatever the wait.
                "is_likely_served_today": hours.is_open
                and (hours.closes_at is None or now + timedelta(minutes=wait) < hours.closes_at),
                "waiting": in_queue,
            }
        )
    return {
        "service_point": {
            "id": service_point.id,
            "name": service_point.name.as_dict(),
            "address": service_point.address,
        },
        "sequence": sequence,
        "generated_at": utc_text(now),
        "hours": {
            "is_open": hours.is_open,
            "is_accepting_tickets": hours.is_accepting_tickets,
            "opens_at": hours.opens_at and utc_text(hours.opens_at),
            "closes_at": hours.closes_at and utc_text(hours.closes_at),
            "last_ticket_at": hours.last_ticket_at and utc_text(hours.last_ticket_at),
            "next_opens_at": hours.next_opens_at and utc_text(hours.next_opens_at),
        },
        "queues": queues,
        "now_serving": [
            {"number": number, "counter": counter, "queue": queue_id, "status": status}
            for number, counter, queue_id, status in active
        ],
        "recent_calls": [
            {"number": number, "counter": counter, "queue": queue_id, "at": at}
            for number, counter, queue_id, at in recent
        ],
        "open_counters": open_counters,
        "printer": public_printer_state(service_point, printer),
        "failed_prints": [
            {key: row[key] for key in ("id", "number", "queue", "status")} for row in unprinted
        ],
    }


def public_printer_state(service_point: ServicePoint, printer: dict) -> dict:
    """What the screens may know of a kiosk printer: whether there is one, and how it is.

    The stored detail ("network printer 10.0.0.5:9100: connection refused", a device path) is
    left out: the snapshot is public, and a stranger learns nothing of the office's network
    from a lobby display. A status outside the closed set shows as "unknown".

    :param printer: the latest stored check (`shared.queue.printing.printer_status`), or {}
    """
    status = printer.get("status")
    return {
        "has_printer": service_point.printer.type != "none",
        "status": status if status in PRINTER_STATES or status is None else "unknown",
        "checked_at": printer.get("checked_at"),
    }


def place_in_queue(snapshot: dict, ticket_id: int, queue_id: str) -> tuple[int, int]:
    """How many wait before a ticket in its queue, and the minutes that makes, from a snapshot."""
    queue_state = next(q for q in snapshot["queues"] if q["id"] == queue_id)
    waiting_ids = [waiting["id"] for waiting in queue_state["waiting"]]
    ahead = waiting_ids.index(ticket_id) if ticket_id in waiting_ids else 0
    return ahead, math.ceil(ahead * queue_state["minutes_per_customer"])


def first_sequence_of_day(db, service_point: ServicePoint, now: datetime) -> int | None:
    """The number of the first event since the service day of `now` began (None: none yet).

    Events get rising numbers as they are written, so every event of the day comes at or after
    it: the calls of the day, also of a number issued before midnight at a point open around
    the clock. One range of the events' (service point, time) index, so it costs the same
    whatever the history.
    """
    row = db.execute(
        "SELECT MIN(sequence) FROM events WHERE service_point = ? AND at >= ?",
        [service_point.id, utc_text(service_day_start(service_point, now))],
    ).fetchone()
    return row[0]


def average_service_minutes(
    db, service_point: ServicePoint, day: str, config: Config, first_sequence: int | None
) -> float:
    """Mean minutes from call to finish over the day's latest finished tickets, from the event log.

    Falls back to the configured default until the day has a few finished customers.

    :param first_sequence: the day's first event (`first_sequence_of_day`; None: no ticket yet)
    """
    rows = []
    if first_sequence is not None:  # no ticket today: nobody finished
        # Bounded by the day's first event, as the recent calls are: until the day had
        # SERVICE_TIME_SAMPLE finished customers, the walk went through every past finish.
        rows = db.execute(
            "SELECT finished.at, (SELECT MAX(called.at) FROM events called"
            "   WHERE called.ticket_id = finished.ticket_id AND called.type = 'TicketCalled'"
            "   AND called.sequence < finished.sequence)"
            " FROM events finished JOIN tickets ON tickets.id = finished.ticket_id"
            " WHERE finished.service_point = ? AND finished.type = 'TicketFinished'"
            " AND finished.sequence >= ? AND tickets.day = ?"
            " ORDER BY finished.sequence DESC LIMIT ?",
            [service_point.id, first_sequence, day, SERVICE_TIME_SAMPLE],
        ).fetchall()
    durations = [
        (parse_utc(finished_at) - parse_utc(called_at)).total_seconds() / 60
        for finished_at, called_at in rows
        if called_at
    ]
    if len(durations) < 3:  # too few to trust: a single quick case would promise a short wait
        return float(config.rules.default_service_minutes)
    return max(1.0, sum(durations) / len(durations))


def _counters_serving(service_point: ServicePoint, queue_id: str, open_counters: list[int]) -> int:
    """How many open counters call from this queue (all configured ones when none is open yet)."""
    serving = [c for c in service_point.counters if queue_id in c.queues]
    open_serving = [c for c in serving if c.number in open_counters]
    return len(open_serving) or len(serving)
