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
        waiting = db.execute(
            "SELECT id, number, queue, party_size, queued_at FROM tickets"
            " WHERE service_point = ? AND day = ? AND status = ? ORDER BY queued_at, id",
            [service_point.id, day, WAITING],
        ).fetchall()
        active = db.execute(
            "SELECT number, counter, queue, status FROM tickets"
            " WHERE service_point = ? AND day = ? AND status IN ('called', 'serving')"
            " ORDER BY counter",
            [service_point.id, day],
        ).fetchall()
        recent = db.execute(
            "SELECT t.number, e.counter, e.queue, e.at FROM events e"
            " JOIN tickets t ON t.id = e.ticket_id WHERE e.service_point = ?"
            " AND e.type IN ('TicketCalled', 'TicketRecalled') AND t.day = ?"
            " ORDER BY e.sequence DESC LIMIT ?",
            [service_point.id, day, RECENT_CALLS],
        ).fetchall()
        open_counters = [
            row["counter"]
            for row in db.query(
                "SELECT counter FROM counter_sessions WHERE service_point = ? ORDER BY counter",
                [service_point.id],
            )
        ]
        service_minutes = average_service_minutes(db, service_point, day, config)
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
                "is_likely_served_today": bool(
                    hours.closes_at and now + timedelta(minutes=wait) < hours.closes_at
                ),
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


def average_service_minutes(db, service_point: ServicePoint, day: str, config: Config) -> float:
    """Mean minutes from call to finish over the day's latest finished tickets, from the event log.

    Falls back to the configured default until the day has a few finished customers.
    """
    rows = list(
        db.query(
            "SELECT finished.at AS finished_at, (SELECT MAX(called.at) FROM events called"
            "   WHERE called.ticket_id = finished.ticket_id AND called.type = 'TicketCalled'"
            "   AND called.sequence < finished.sequence) AS called_at"
            " FROM events finished JOIN tickets ON tickets.id = finished.ticket_id"
            " WHERE finished.service_point = ? AND finished.type = 'TicketFinished'"
            " AND tickets.day = ?"
            " ORDER BY finished.sequence DESC LIMIT ?",
            [service_point.id, day, SERVICE_TIME_SAMPLE],
        )
    )
    durations = [
        (parse_utc(row["finished_at"]) - parse_utc(row["called_at"])).total_seconds() / 60
        for row in rows
        if row["called_at"]
    ]
    if len(durations) < 3:  # too few to trust: a single quick case would promise a short wait
        return float(config.rules.default_service_minutes)
    return max(1.0, sum(durations) / len(durations))


def _counters_serving(service_point: ServicePoint, queue_id: str, open_counters: list[int]) -> int:
    """How many open counters call from this queue (all configured ones when none is open yet)."""
    serving = [c for c in service_point.counters if queue_id in c.queues]
    open_serving = [c for c in serving if c.number in open_counters]
    return len(open_serving) or len(serving)
