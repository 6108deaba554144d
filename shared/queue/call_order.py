"""Call order: checked-in appointments go first once their time has come.

`shared.queue.ticket_actions.call_next_ticket` sorts a counter's waiting tickets by its queue
order; a counter that serves an appointment queue then moves the due appointments in front,
earliest start first.
"""

from __future__ import annotations

from datetime import datetime

import sqlite_utils

from shared.config import Config
from shared.storage.timestamps import utc_text


def due_appointment_tickets(
    db: sqlite_utils.Database, config: Config, service_point_id: str, queue_ids, now: datetime
) -> dict[int, str]:
    """Waiting tickets of checked-in appointments that have started, by ticket id -> start.

    Only for a counter that serves an appointment queue: the others keep their own order.

    :param service_point_id: the counter's service point
    """
    appointment_queues = [
        queue_id for queue_id in queue_ids if config.queue(queue_id).kind == "appointment"
    ]
    if not appointment_queues:
        return {}
    placeholders = ", ".join("?" for _ in appointment_queues)
    # From the point's waiting tickets to their appointments (CROSS JOIN keeps that order): from
    # the appointments' side every checked-in appointment ever would be looked at (issue 14).
    rows = db.execute(
        "SELECT t.id, a.starts_at FROM tickets t CROSS JOIN appointments a"
        " ON a.id = t.appointment_id AND a.ticket_id = t.id"
        f" WHERE t.service_point = ? AND t.status = 'waiting' AND t.queue IN ({placeholders})"
        " AND a.status = 'checked_in' AND a.starts_at <= ?",
        [service_point_id, *appointment_queues, utc_text(now)],
    ).fetchall()
    return {ticket_id: starts_at for ticket_id, starts_at in rows}
