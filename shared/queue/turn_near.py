"""The opt-in "your turn is near" text message for a waiting number.

At the kiosk a person may give a phone number for their ticket (authorised by the ticket's
unguessable status token). Whenever the queue moves, every waiting ticket with a number and at
most `turn_near_people_ahead` people before it gets one SMS (queued in the same transaction; the
dedupe key makes it once per ticket). The number is deleted when the ticket ends (finished or no
show) and with it the recipient of its messages; numbers of earlier days are deleted too.
"""

from __future__ import annotations

import secrets
from datetime import datetime

import sqlite_utils

from shared.appointments.contacts import normalize_phone
from shared.config import Config
from shared.errors import DomainError, InvalidRequest, NotFound
from shared.notifications.texts import translations
from shared.queue.tickets import local_day
from shared.storage.timestamps import utc_text
from shared.storage.transactions import write_transaction

TURN_NEAR_KIND = "turn_near"
ENDED = ("finished", "no_show")


def _(text: str) -> str:
    """Mark a msgid for extraction; translated per ticket language below."""
    return text


TURN_NEAR_TEXT = _("Your turn is near: %(ahead)s before you. Number %(number)s, %(place)s.")


def set_turn_near_phone(
    db: sqlite_utils.Database,
    config: Config,
    *,
    ticket_id: int,
    token: str,
    phone: str | None,
    now: datetime,
    service_point_id: str | None = None,
) -> str | None:
    """Store (or with an empty number, remove) the phone number of a waiting ticket.

    Only numbers of the allowed countries (`turn_near_country_codes`), and only a few times per
    ticket (`turn_near_phone_changes`): the kiosk is not a free way to text anyone.

    :param token: the ticket's status token, which only its holder has
    :param service_point_id: the asking kiosk's service point; another point's ticket is unknown
    :returns: the number as stored
    :raises NotFound: ``unknown_ticket`` for a wrong id, token or service point
    :raises DomainError: ``sms_not_available`` when no SMS gateway is set; ``ticket_not_waiting``;
        ``phone_changes_used`` (429) when the ticket's number was changed too often
    :raises InvalidRequest: ``invalid_phone``; ``phone_country_not_served``
    """
    settings = config.notifications
    if not settings.sms_enabled or not settings.enabled:
        raise DomainError("sms_not_available", status=409)
    phone = normalize_phone(phone)
    if phone is not None and not phone.startswith(settings.turn_near_country_codes):
        raise InvalidRequest(
            "phone_country_not_served", country_codes=", ".join(settings.turn_near_country_codes)
        )
    if not isinstance(token, str) or not token:
        raise InvalidRequest("invalid_request")
    with write_transaction(db):
        row = db.execute(
            "SELECT status_token, status, service_point, notify_phone, phone_changes"
            " FROM tickets WHERE id = ?",
            [ticket_id],
        ).fetchone()
        if row is None or not row[0] or not secrets.compare_digest(row[0], token):
            raise NotFound("unknown_ticket")
        if service_point_id is not None and row[2] != service_point_id:
            raise NotFound("unknown_ticket")
        if row[1] != "waiting":
            raise DomainError("ticket_not_waiting", status=409)
        if phone == row[3]:
            return phone  # the same number again (a retry) changes nothing
        if row[4] >= settings.turn_near_phone_changes:
            raise DomainError(
                "phone_changes_used", status=429, limit=settings.turn_near_phone_changes
            )
        db.execute(
            "UPDATE tickets SET notify_phone = ?, phone_changes = phone_changes + 1 WHERE id = ?",
            [phone, ticket_id],
        )
        notify_turn_near(db, config, row[2], now)
    return phone


def notify_turn_near(
    db: sqlite_utils.Database, config: Config, service_point_id: str, now: datetime
) -> int:
    """Queue the text for every waiting ticket that is now near; call inside the transaction.

    Also forgets the numbers of tickets that ended. Returns how many texts were queued.
    """
    point = config.service_point(service_point_id)
    today = local_day(point, now)
    _forget_ended(db, service_point_id, today)
    waiting = db.execute(
        "SELECT id, number, language, notify_phone, (SELECT COUNT(*) FROM tickets AS other"
        "  WHERE other.service_point = mine.service_point"
        "  AND other.status = 'waiting' AND other.queue = mine.queue"
        "  AND (other.queued_at < mine.queued_at"
        "   OR (other.queued_at = mine.queued_at AND other.id < mine.id)))"
        " FROM tickets AS mine WHERE service_point = ? AND status = 'waiting'"
        " AND notify_phone IS NOT NULL",
        [service_point_id],
    ).fetchall()
    if not waiting or not config.notifications.sms_enabled:
        return 0
    queued = 0
    for ticket_id, number, language, phone, ahead in waiting:
        if ahead > config.notifications.turn_near_people_ahead:
            continue
        text = translations(language).ugettext(TURN_NEAR_TEXT) % {
            "ahead": ahead,
            "number": number,
            "place": point.name.get(language),
        }
        queued += db.execute(
            "INSERT INTO messages (ticket_id, channel, recipient, kind, language, body_text,"
            " status, next_attempt_at, created_at, dedupe_key)"
            " VALUES (?, 'sms', ?, ?, ?, ?, 'pending', ?, ?, ?)"
            " ON CONFLICT (dedupe_key) DO NOTHING",
            [
                ticket_id,
                phone,
                TURN_NEAR_KIND,
                language,
                text,
                utc_text(now),
                utc_text(now),
                f"ticket:{ticket_id}:{TURN_NEAR_KIND}",
            ],
        ).rowcount
    return queued


def _forget_ended(db: sqlite_utils.Database, service_point_id: str, today: str) -> None:
    """Delete the numbers of ended tickets (finished, no-show, expired), and of earlier days'
    that are not waiting (a queue open across midnight keeps its waiting numbers)."""
    ended = [
        row[0]
        for row in db.execute(
            "SELECT id FROM tickets WHERE notify_phone IS NOT NULL AND service_point = ?"
            " AND (status IN ('finished', 'no_show', 'expired')"
            " OR (day < ? AND status != 'waiting'))",
            [service_point_id, today],
        ).fetchall()
    ]
    for ticket_id in ended:
        db.execute("UPDATE tickets SET notify_phone = NULL WHERE id = ?", [ticket_id])
        db.execute(
            "DELETE FROM messages WHERE ticket_id = ? AND status IN ('pending', 'skipped')",
            [ticket_id],
        )
        db.execute("UPDATE messages SET recipient = '' WHERE ticket_id = ?", [ticket_id])
