"""Contact details of appointments: e-mail and phone checked and normalized, and the cap on how
many future appointments one e-mail address or phone number may hold (appointments were resold).
"""

from __future__ import annotations

import re
from datetime import datetime

import sqlite_utils

from shared.config import Config
from shared.errors import DomainError, InvalidRequest
from shared.storage.timestamps import utc_text

ACTIVE_STATUSES = ("booked", "checked_in")


def normalize_email(text: str | None) -> str | None:
    """The e-mail address as stored (trimmed, lower case), None when empty; refuse a bad one."""
    email = (text or "").strip().lower()
    if not email:
        return None
    if len(email) > 254 or not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s.]{2,}", email):
        raise InvalidRequest("invalid_email")
    return email


def normalize_phone(text: str | None) -> str | None:
    """The phone number in international form (+358...), None when empty; refuse a bad one.

    A number starting with 0 is taken as Finnish, so 040 123 4567 and +358 40 1234567 are one.
    """
    phone = re.sub(r"[\s().-]", "", text or "")
    if not phone:
        return None
    if phone.startswith("00"):
        phone = "+" + phone[2:]
    elif phone.startswith("0"):
        phone = "+358" + phone[1:]
    if not re.fullmatch(r"\+[1-9]\d{6,14}", phone):
        raise InvalidRequest("invalid_phone")
    return phone


def normalize_contact(email: str | None, phone: str | None) -> tuple[str | None, str | None]:
    """Both contact details normalized; at least one is required."""
    email, phone = normalize_email(email), normalize_phone(phone)
    if email is None and phone is None:
        raise InvalidRequest("contact_required")
    return email, phone


def check_contact_limit(
    db: sqlite_utils.Database,
    config: Config,
    email: str | None,
    phone: str | None,
    now: datetime,
    except_id: int | None = None,
) -> None:
    """Refuse when the e-mail or phone already holds the most future appointments allowed."""
    limit = config.appointments.max_future_appointments_per_contact
    if limit <= 0:
        return
    for column, value in (("email", email), ("phone", phone)):
        if value is None:
            continue
        count = db.execute(
            f"SELECT COUNT(*) FROM appointments WHERE {column} = ? AND status IN (?, ?)"
            " AND starts_at > ? AND id IS NOT ?",
            [value, *ACTIVE_STATUSES, utc_text(now), except_id],
        ).fetchone()[0]
        if count >= limit:
            raise DomainError("too_many_appointments", status=409, limit=limit)
