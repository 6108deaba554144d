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
    db: sqlite_utils.Database, config: Config, queue_ids, now: datetime
) -> dict[int, str]:
    """Waiting tickets of checked-in appointments that have started, by ticket id -> start.

    Only for a counter that serves an appointment queue: the others keep their own order.
    """
    appointment_queues = [
        queue_id for queue_id in queue_ids if config.queue(queue_id).kind == "appointment"
    ]
    if not appointment_queues:
        return {}
    placeholders = ", ".join("?" for _ in appointment_queues)
    rows = db.execute(
        "SELECT a.ticket_id, a.starts_at FROM appointments a JOIN tickets t ON t.id = a.ticket_id"
        f" WHERE a.status = 'checked_in' AND a.starts_at <= ? AND t.status = 'waiting'"
        f" AND t.queue IN ({placeholders})",
        [utc_text(now), *appointment_queues],
    ).fetchall()
    return {ticket_id: starts_at for ticket_id, starts_at in rows}
