"""The outbox: messages queued in the same transaction as the change that causes them.

Appointment functions call `enqueue_appointment_messages` inside their `write_transaction`, so a
booking and its confirmation commit (or roll back) together. `shared.notifications.sender`
delivers them. A UNIQUE `dedupe_key` (appointment, kind, channel, recipient, appointment time)
makes a second enqueue of the same message a no-op. The PIN of a confirmation is kept in the
row only until the message is sent or given up, then scrubbed; it is never logged.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime

import sqlite_utils

from shared.config import Config
from shared.notifications.texts import calendar_entry, message_facts, render_email, render_sms
from shared.storage.timestamps import parse_utc, utc_text

log = logging.getLogger(__name__)  # message ids and kinds only: never a PIN or an address
PIN_KINDS = ("confirmation",)
CALENDAR_KINDS = ("confirmation", "reminder", "reschedule", "contact_changed", "cancellation")


@dataclass(frozen=True)
class MessageRecord:
    """One message of the outbox as the counter screen shows it."""

    id: int
    channel: str
    recipient: str
    kind: str
    language: str
    subject: str
    status: str
    attempts: int
    last_error: str | None
    created_at: datetime
    sent_at: datetime | None
    next_attempt_at: datetime


def enqueue_appointment_messages(
    db: sqlite_utils.Database,
    config: Config,
    appointment,
    kind: str,
    now: datetime,
    *,
    pin: str | None = None,
    email: str | None = ...,
    phone: str | None = ...,
    dedupe_kind: str | None = None,
) -> int:
    """Queue the e-mail and SMS of `kind` for the appointment; call inside `write_transaction`.

    :param pin: the PIN in clear, only for a confirmation (shown in it, then scrubbed)
    :param email: send to this address instead of the appointment's (None: no e-mail)
    :param phone: send to this number instead of the appointment's (None: no SMS)
    :param dedupe_kind: what the dedupe key names instead of `kind` (each reminder offset)
    :returns: how many messages were queued (a duplicate counts 0)
    """
    settings = config.notifications
    if not settings.enabled:
        return 0
    email = appointment.email if email is ... else email
    phone = appointment.phone if phone is ... else phone
    language = appointment.language
    pin = pin if kind in PIN_KINDS else None
    moment = utc_text(appointment.starts_at)
    key = f"{appointment.id}:{dedupe_kind or kind}"
    email_key = f"{key}:email:{email}:{moment}:{_change_stamp(kind, now)}"
    sms_key = f"{key}:sms:{phone}:{moment}:{_change_stamp(kind, now)}"
    # Reminders are looked for every few seconds: one already queued is not rendered again.
    email = email if email and not _is_queued(db, email_key) else None
    phone = phone if phone and not _is_queued(db, sms_key) else None
    if not email and not phone:
        return 0
    facts = message_facts(config, appointment, language)
    queued = 0
    if email:
        rendered = render_email(kind, language, facts, pin)
        attachments = []
        if kind in CALENDAR_KINDS:
            attachments.append(
                {
                    "type": "calendar",
                    "filename": "appointment.ics",
                    "content": calendar_entry(
                        config, appointment, language, now, cancelled=kind == "cancellation"
                    ),
                }
            )
        if pin:
            attachments.append(
                {
                    "type": "confirmation_pdf",
                    "filename": "appointment.pdf",
                    "appointment_id": appointment.id,
                    "starts_at": moment,
                    "service_point": appointment.service_point,
                }
            )
        queued += _insert(
            db,
            appointment.id,
            "email",
            email,
            kind,
            language,
            rendered,
            attachments,
            pin,
            now,
            email_key,
        )
    if phone:
        rendered = render_sms(kind, language, facts, pin)
        queued += _insert(
            db,
            appointment.id,
            "sms",
            phone,
            kind,
            language,
            rendered,
            [],
            pin,
            now,
            sms_key,
            skipped=None if settings.sms_enabled else "SMS gateway not configured",
        )
    return queued


def _is_queued(db: sqlite_utils.Database, dedupe_key: str) -> bool:
    """True when a message with this dedupe key exists already (sent, waiting or given up)."""
    return bool(db.execute("SELECT 1 FROM messages WHERE dedupe_key = ?", [dedupe_key]).fetchone())


def _change_stamp(kind: str, now: datetime) -> str:
    """Contact changes may repeat for the same time: they are told apart by their moment."""
    return utc_text(now) if kind in ("contact_changed", "contact_old") else ""


def _insert(
    db, appointment_id, channel, recipient, kind, language, rendered, attachments, pin, now,
    dedupe_key, skipped=None,
) -> int:  # fmt: skip
    """Insert one message unless its dedupe key is already there."""
    cursor = db.execute(
        "INSERT INTO messages (appointment_id, channel, recipient, kind, language, subject,"
        " body_text, body_html, attachments, secret, status, next_attempt_at, last_error,"
        " created_at, dedupe_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (dedupe_key) DO NOTHING",
        [
            appointment_id,
            channel,
            recipient,
            kind,
            language,
            rendered.subject,
            rendered.text if not skipped else None,
            rendered.html if not skipped else None,
            json.dumps(attachments) if not skipped else "[]",
            pin if not skipped else None,
            "skipped" if skipped else "pending",
            utc_text(now),
            skipped,
            utc_text(now),
            dedupe_key,
        ],
    )
    return cursor.rowcount


def enqueue_contact_change(
    db: sqlite_utils.Database, config: Config, before, after, now: datetime
) -> int:
    """Tell the new contact details the change, and the old ones (no PIN) that they are out."""
    queued = enqueue_appointment_messages(db, config, after, "contact_changed", now)
    old_email = before.email if before.email != after.email else None
    old_phone = before.phone if before.phone != after.phone else None
    if old_email or old_phone:
        queued += enqueue_appointment_messages(
            db, config, before, "contact_old", now, email=old_email, phone=old_phone
        )
    return queued


def appointment_messages(db: sqlite_utils.Database, appointment_id: int) -> list[MessageRecord]:
    """The messages of one appointment, oldest first (for the counter screen)."""
    rows = db.execute(
        "SELECT id, channel, recipient, kind, language, subject, status, attempts, last_error,"
        " created_at, sent_at, next_attempt_at FROM messages WHERE appointment_id = ?"
        " ORDER BY id",
        [appointment_id],
    ).fetchall()
    return [
        MessageRecord(*row[:9], parse_utc(row[9]), parse_utc(row[10]), parse_utc(row[11]))
        for row in rows
    ]
