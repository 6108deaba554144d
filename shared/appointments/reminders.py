"""Reminders: which booked appointments are due a reminder now, queued through the outbox.

The offsets come from `[notifications] reminder_offsets_hours` (hours before the start). The sender
calls `schedule_reminders` at every look (every few seconds), so it reads outside the write lock
first and only the appointments with a reminder to queue are read again inside it.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

import sqlite_utils

from shared.appointments.booking import APPOINTMENT_COLUMNS, appointment_from_row
from shared.config import Config
from shared.notifications.outbox import enqueue_appointment_messages
from shared.storage.timestamps import utc_text
from shared.storage.transactions import write_transaction

log = logging.getLogger(__name__)  # counts only: never an address


def schedule_reminders(db: sqlite_utils.Database, config: Config, now: datetime) -> int:
    """Queue the reminders that are due now; return how many were queued.

    A reminder `offset` hours before the start is due once that moment has passed, for a booked
    appointment still ahead whose last change (booking, reschedule, contact change) came before
    that moment; when several are due only the nearest goes out. The dedupe key holds the
    appointment's time, so a rescheduled appointment gets its own reminders and none twice.
    The appointments are looked through outside the write lock (this runs every few seconds);
    only those with a reminder to queue are read again inside it.
    """
    offsets = sorted(config.notifications.reminder_offsets_hours)
    if not offsets or not config.notifications.enabled:
        return 0
    latest = now + timedelta(hours=offsets[-1])
    candidates = [
        appointment.id
        for appointment in map(
            appointment_from_row,
            db.execute(
                f"SELECT {APPOINTMENT_COLUMNS} FROM appointments WHERE status = 'booked'"
                " AND starts_at > ? AND starts_at <= ? ORDER BY starts_at, id",
                [utc_text(now), utc_text(latest)],
            ).fetchall(),
        )
        if _due_offset(appointment, offsets, now) is not None
    ]
    if not candidates:
        return 0
    queued = 0
    with write_transaction(db):
        for appointment_id in candidates:
            row = db.execute(
                f"SELECT {APPOINTMENT_COLUMNS} FROM appointments"
                " WHERE id = ? AND status = 'booked'",
                [appointment_id],
            ).fetchone()
            appointment = row and appointment_from_row(row)
            offset = appointment and _due_offset(appointment, offsets, now)
            if offset:  # still booked and due (it may have changed since the look above)
                queued += enqueue_appointment_messages(
                    db, config, appointment, "reminder", now, dedupe_kind=f"reminder-{offset}h"
                )
    if queued:
        log.info("%s reminders queued", queued)
    return queued


def _due_offset(appointment, offsets: list[int], now: datetime) -> int | None:
    """The nearest reminder offset (hours) due now for an appointment ahead, or None."""
    if appointment.starts_at <= now:
        return None
    for offset in offsets:  # nearest first
        due = appointment.starts_at - timedelta(hours=offset)
        if due <= now and due > appointment.updated_at:
            return offset
    return None
