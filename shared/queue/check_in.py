"""Kiosk check-in with the reservation key, and the appointment offered to urgent walk-ins.

Late means lost: the kiosk checks in from `check_in_window_minutes` before the start until the
start itself; after that the appointment is lost. The key alone checks in (no PIN): the answer
names no person and shows nothing but the waiting number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import sqlite_utils

from shared.appointments import slots
from shared.appointments.booking import (
    Appointment,
    Booking,
    book_appointment,
    find_appointment_by_key,
    get_appointment_by_id,
    hold_slot,
    write_lost_status,
)
from shared.appointments.reservation_keys import is_well_formed_key, normalize_reservation_key
from shared.config import Config
from shared.errors import DomainError, InvalidRequest, NotFound
from shared.queue.tickets import Ticket, get_ticket, insert_ticket, require_service_point
from shared.storage.event_log import Event, record_event
from shared.storage.timestamps import utc_text
from shared.storage.transactions import write_transaction

CHECKED_IN, TOO_EARLY, LOST = "checked_in", "too_early", "lost"
KIOSK_BOOKER = "kiosk"  # `booked_by` of appointments an urgent walk-in took at the kiosk


@dataclass(frozen=True)
class CheckIn:
    """What the kiosk tells the customer: `outcome` is checked_in, too_early or lost.

    `ticket` is the appointment's waiting number (checked_in); `opens_at` is when the check-in
    opens (too_early); `events` is empty when nothing changed.
    """

    outcome: str
    appointment: Appointment
    ticket: Ticket | None
    opens_at: datetime
    events: tuple[Event, ...]


def reservation_key_from_input(text: str) -> str:
    """The normalized key in what was typed or scanned: the key itself, or a URL carrying it.

    A URL may carry it as ``?key=ABCD-EFGH`` or as its last path segment.
    """
    text = (text or "").strip()
    if "/" in text or "?" in text:
        parts = urlsplit(text)
        keys = parse_qs(parts.query).get("key")
        text = keys[0] if keys else parts.path.rstrip("/").rsplit("/", 1)[-1]
    return re.sub(r"[^A-Za-z0-9]", "", normalize_reservation_key(text))


def check_in_opens_at(config: Config, appointment: Appointment) -> datetime:
    """The moment the kiosk starts checking this appointment in."""
    return appointment.starts_at - timedelta(minutes=config.appointments.check_in_window_minutes)


def is_check_in_open(config: Config, appointment: Appointment, now: datetime) -> bool:
    """Whether the kiosk checks this appointment in at `now`: from the window's start until the
    appointment starts (an appointment taken at the kiosk within it is checked in at once)."""
    return check_in_opens_at(config, appointment) <= now <= appointment.starts_at


def check_in_appointment(
    db: sqlite_utils.Database,
    config: Config,
    *,
    service_point_id: str,
    key_text: str,
    language: str,
    now: datetime,
    kiosk: str | None = None,
) -> CheckIn:
    """Check in with a reservation key: a number in the appointment queue, or why not.

    Checking in twice shows the same number again (the number is linked to its appointment by
    the appointment's id, so nothing another kiosk sends can take or block it).

    :param key_text: what the customer typed or scanned (a key, or a URL with it)
    :param language: the kiosk's language, for the ticket (and the service point's name)
    :param kiosk: the kiosk checking in (`Kiosk.scope`), recorded on the number
    :raises NotFound: ``unknown_reservation_key``
    :raises DomainError: ``appointment_elsewhere``, ``appointment_cancelled``
    """
    service_point = require_service_point(config, service_point_id)
    queue = config.queue_of_kind("appointment")
    if queue is None:
        raise NotFound("unknown_queue", queue="appointment")
    key = reservation_key_from_input(key_text)
    if not is_well_formed_key(key):
        raise NotFound("unknown_reservation_key")
    with write_transaction(db):
        appointment = find_appointment_by_key(db, key)
        if appointment is None:
            raise NotFound("unknown_reservation_key")
        if appointment.service_point != service_point.id:
            elsewhere = require_service_point(config, appointment.service_point)
            raise DomainError(
                "appointment_elsewhere", status=409, service_point=elsewhere.name.get(language)
            )
        if appointment.status == "cancelled":
            raise DomainError("appointment_cancelled", status=409)
        opens_at = check_in_opens_at(config, appointment)
        if appointment.status in ("checked_in", "served"):  # again: the same number
            ticket = get_ticket(db, appointment.ticket_id)
            return CheckIn(CHECKED_IN, appointment, ticket, opens_at, ())
        if appointment.status == "lost":
            return CheckIn(LOST, appointment, None, opens_at, ())
        if now < opens_at:
            return CheckIn(TOO_EARLY, appointment, None, opens_at, ())
        if now > appointment.starts_at:
            event = write_lost_status(db, appointment, now)
            lost = get_appointment_by_id(db, appointment.id)
            return CheckIn(LOST, lost, None, opens_at, (event,))
        outcome = insert_ticket(
            db,
            service_point,
            queue,
            party_size=appointment.party_size,
            language=language,
            category=appointment.category,
            triage_answers={"appointment_starts_at": utc_text(appointment.starts_at)},
            idempotency_key=None,
            now=now,
            kiosk=kiosk,
            appointment_id=appointment.id,
        )
        db.execute(
            "UPDATE appointments SET status = 'checked_in', ticket_id = ?, checked_in_at = ?,"
            " updated_at = ? WHERE id = ? AND status = 'booked'",
            [outcome.ticket.id, utc_text(now), utc_text(now), appointment.id],
        )
        event = record_event(
            db,
            type="AppointmentCheckedIn",
            service_point=service_point.id,
            at=now,
            ticket_id=outcome.ticket.id,
            from_status="booked",
            to_status="checked_in",
            queue=queue.id,
            appointment_id=appointment.id,
        )
        checked_in = get_appointment_by_id(db, appointment.id)
    return CheckIn(CHECKED_IN, checked_in, outcome.ticket, opens_at, (*outcome.events, event))


def offer_deadline(expiry_year: int, expiry_month: int) -> date:
    """The first day the document may have expired: only the month is known, so its first day."""
    return date(expiry_year, expiry_month, 1)


def earliest_offer(
    db: sqlite_utils.Database,
    config: Config,
    *,
    service_point_id: str,
    category: str,
    party_size: int,
    expiry_year: int,
    expiry_month: int,
    now: datetime,
) -> slots.Slot | None:
    """The earliest free appointment at the service point for an urgent walk-in, or None.

    Only within `urgent_offer_days` days (today included; 0: never), and only before the
    document may expire.
    """
    point = slots.require_point(config, service_point_id)
    if config.appointments.urgent_offer_days <= 0:
        return None
    search = slots.search_free_slots(
        db,
        config,
        service_point_ids=[point.id],
        category=category,
        party_size=party_size,
        now=now,
        first_day=slots.local_today(point, now),
        days=min(config.appointments.urgent_offer_days, slots.MAX_DAYS_PER_SEARCH),
    )
    deadline = offer_deadline(expiry_year, expiry_month)
    return next((slot for slot in search.slots if slot.day < deadline), None)


def book_offered_appointment(
    db: sqlite_utils.Database,
    config: Config,
    *,
    service_point_id: str,
    category: str,
    party_size: int,
    expiry_year: int,
    expiry_month: int,
    starts_at: datetime,
    language: str,
    now: datetime,
) -> Booking:
    """Book an offered time on the spot at the kiosk, without contact details.

    The time must be one `earliest_offer` could offer (within the offer days, before the expiry).

    :raises DomainError: ``slot_not_offered`` or ``slot_taken``
    """
    point = slots.require_point(config, service_point_id)
    if starts_at.tzinfo is None:
        raise InvalidRequest("invalid_request")
    day = starts_at.astimezone(point.zone).date()
    offer_days = config.appointments.urgent_offer_days
    last_day = slots.local_today(point, now) + timedelta(days=offer_days - 1)
    if offer_days <= 0 or day > last_day or day >= offer_deadline(expiry_year, expiry_month):
        raise DomainError("slot_not_offered", status=409)
    hold = hold_slot(
        db,
        config,
        service_point_id=point.id,
        category=category,
        party_size=party_size,
        starts_at=starts_at,
        now=now,
    )
    return book_appointment(
        db,
        config,
        hold_token=hold.token,
        email=None,
        phone=None,
        language=language,
        now=now,
        booked_by=KIOSK_BOOKER,
    )
