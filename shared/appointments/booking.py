"""Appointments: hold a free time, book it, mark it lost or served; look it up by id or
reservation key.

Changing an appointment with its reservation key and PIN (cancel, correct contact details,
reschedule) is in `shared.appointments.changes`; contact checks in `shared.appointments.contacts`.
Every function that writes opens `write_transaction` (BEGIN IMMEDIATE); the UNIQUE seat
constraint is the backstop.
"""

from __future__ import annotations

import logging
import secrets
import sqlite3
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlite_utils

from shared.appointments import slots
from shared.appointments.contacts import (  # noqa: F401 (normalize_phone: part of this API)
    ACTIVE_STATUSES,
    check_contact_limit,
    normalize_contact,
    normalize_email,
    normalize_phone,
)
from shared.appointments.reservation_keys import hash_pin, new_pin, new_reservation_key
from shared.config import Config
from shared.errors import DomainError, InvalidRequest
from shared.notifications.outbox import enqueue_appointment_messages
from shared.storage.event_log import Event, record_event
from shared.storage.timestamps import parse_utc, utc_text
from shared.storage.transactions import write_transaction

log = logging.getLogger(__name__)  # ids and places only: never a PIN, key or contact detail
HOLD_TOKEN_BYTES = 24


@dataclass(frozen=True)
class Hold:
    """A free time kept for one person for a few minutes; `token` lets only them book it."""

    id: int
    token: str
    service_point: str
    category: str
    party_size: int
    day: date
    start_minute: int
    end_minute: int
    desk: int
    starts_at: datetime
    ends_at: datetime
    expires_at: datetime


@dataclass(frozen=True)
class Appointment:
    """A booked appointment. The PIN is not here: only its hash is stored.

    `status`: booked, checked_in, served (its check-in number was finished at a counter;
    `updated_at` is when), cancelled or lost.
    """

    id: int
    service_point: str
    reservation_key: str
    category: str
    party_size: int
    day: date
    start_minute: int
    end_minute: int
    desk: int
    starts_at: datetime
    ends_at: datetime
    status: str
    email: str | None
    phone: str | None
    language: str
    booked_by: str | None
    ticket_id: int | None
    booked_at: datetime
    updated_at: datetime
    checked_in_at: datetime | None


@dataclass(frozen=True)
class Booking:
    """A new appointment with its PIN in clear: show it once, never store or log it."""

    appointment: Appointment
    pin: str
    events: tuple[Event, ...]


@dataclass(frozen=True)
class AppointmentChange:
    """An appointment after a change, and the events the change recorded."""

    appointment: Appointment
    events: tuple[Event, ...]


def release_expired_holds(db: sqlite_utils.Database, now: datetime) -> int:
    """Free the seats of holds that have run out; call inside `write_transaction`."""
    expired = [
        row[0]
        for row in db.execute(
            "SELECT id FROM appointment_holds WHERE expires_at <= ?", [utc_text(now)]
        ).fetchall()
    ]
    for hold_id in expired:
        db.execute("DELETE FROM slot_seats WHERE hold_id = ?", [hold_id])
        db.execute("DELETE FROM appointment_holds WHERE id = ?", [hold_id])
    return len(expired)


def hold_slot(
    db: sqlite_utils.Database,
    config: Config,
    *,
    service_point_id: str,
    category: str,
    party_size: int,
    starts_at: datetime,
    now: datetime,
    replaces_token: str | None = None,
) -> Hold:
    """Keep a free time for `hold_minutes` while the person fills in the form.

    :param starts_at: an aware moment, one of the free times `shared.appointments.slots` offered
    :param replaces_token: a hold of the same person to let go (they chose another time)
    :raises DomainError: ``slot_taken`` when the time is no longer free
    """
    point = slots.require_point(config, service_point_id)
    slots.check_category(config, category)
    slots.check_party_size(config, party_size)
    if starts_at.tzinfo is None:
        raise InvalidRequest("invalid_request")
    try:
        local = starts_at.astimezone(point.zone)
    except OverflowError as error:  # year 1 or 9999: no time anyone is offered
        raise DomainError("slot_not_offered", status=409) from error
    day = local.date()
    start_minute = local.hour * 60 + local.minute
    length = slots.appointment_length(config, point, category, party_size)
    if (
        starts_at <= now
        or local.second
        or local.microsecond
        or day > slots.horizon_day(config, point, now)
        or not slots.is_open_for_appointments(config, point, day)
        or not slots.is_on_grid(config, point, day, start_minute, length)
        # The repeated hour's second pass reads like its first, whose seats it would take:
        # only the moment the search offers (the first) is held.
        or slots.local_moment(point, day, start_minute) != starts_at
    ):
        raise DomainError("slot_not_offered", status=409)
    # Refused on a plain read, without the write lock: in a rush most tries find the time gone,
    # and queueing them for the lock (SQLite's busy wait) made everyone slow. The write below
    # checks again. With replaces_token, the person's own hold may be what takes the seat.
    free = replaces_token or _free_desk_now(db, config, point, day, start_minute, length, now)
    if free is None:
        raise DomainError("slot_taken", status=409)
    token = secrets.token_urlsafe(HOLD_TOKEN_BYTES)
    expires_at = now + timedelta(minutes=config.appointments.hold_minutes)
    try:
        with write_transaction(db):
            release_expired_holds(db, now)
            if replaces_token:
                release_hold(db, replaces_token)
            desk = _free_desk_now(db, config, point, day, start_minute, length, now)
            if desk is None:
                raise DomainError("slot_taken", status=409)
            hold_id = db.execute(
                "INSERT INTO appointment_holds (token, service_point, category, party_size, day,"
                " start_minute, end_minute, desk, starts_at, ends_at, created_at, expires_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    token,
                    point.id,
                    category,
                    party_size,
                    day.isoformat(),
                    start_minute,
                    start_minute + length,
                    desk,
                    utc_text(starts_at),
                    # Real minutes, the same as the wall clock's (`is_on_grid`): at the end of
                    # the repeated hour's first pass the wall clock's end would be an hour late.
                    utc_text(starts_at + timedelta(minutes=length)),
                    utc_text(now),
                    utc_text(expires_at),
                ],
            ).lastrowid
            _take_seats(db, point.id, day, desk, start_minute, length, config, hold_id=hold_id)
    except sqlite3.IntegrityError as error:  # the UNIQUE seat said no: someone was faster
        raise DomainError("slot_taken", status=409) from error
    return get_hold(db, token, now)


def _free_desk_now(db, config, point, day, start_minute, length, now) -> int | None:
    """The lowest desk free for the whole appointment, counting live holds as taken."""
    minutes = range(start_minute, start_minute + length)
    taken = slots.taken_seats(db, [point.id], day, day, now, minutes).get(
        (point.id, str(day)), set()
    )
    return slots.free_desk(config, point, day, start_minute, length, taken)


def release_hold(db: sqlite_utils.Database, token: str) -> None:
    """Let a hold go at once (call inside `write_transaction`)."""
    row = db.execute("SELECT id FROM appointment_holds WHERE token = ?", [token]).fetchone()
    if row:
        db.execute("DELETE FROM slot_seats WHERE hold_id = ?", [row[0]])
        db.execute("DELETE FROM appointment_holds WHERE id = ?", [row[0]])


def get_hold(db: sqlite_utils.Database, token: str, now: datetime) -> Hold:
    """The live hold with this token; ``hold_expired`` when it ran out or never was."""
    row = db.execute(
        "SELECT id, token, service_point, category, party_size, day, start_minute, end_minute,"
        " desk, starts_at, ends_at, expires_at FROM appointment_holds"
        " WHERE token = ? AND expires_at > ?",
        [token, utc_text(now)],
    ).fetchone()
    if row is None:
        raise DomainError("hold_expired", status=409)
    return Hold(
        *row[:5],
        date.fromisoformat(row[5]),
        *row[6:9],
        parse_utc(row[9]),
        parse_utc(row[10]),
        parse_utc(row[11]),
    )


def _take_seats(db, point_id, day, desk, start_minute, length, config, *, hold_id) -> None:
    """Insert the hold's seats, one per grid step (the UNIQUE constraint guards each)."""
    expires = db.execute(
        "SELECT expires_at FROM appointment_holds WHERE id = ?", [hold_id]
    ).fetchone()[0]
    for minute in range(start_minute, start_minute + length, config.appointments.slot_minutes):
        db.execute(
            "INSERT INTO slot_seats (service_point, day, desk, minute, hold_id, expires_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [point_id, day.isoformat(), desk, minute, hold_id, expires],
        )


def turn_hold_into_seats_of(db: sqlite_utils.Database, hold: Hold, appointment_id: int) -> None:
    """Give the hold's seats to the appointment and drop the hold (inside the transaction)."""
    db.execute(
        "UPDATE slot_seats SET appointment_id = ?, hold_id = NULL, expires_at = NULL"
        " WHERE hold_id = ?",
        [appointment_id, hold.id],
    )
    db.execute("DELETE FROM appointment_holds WHERE id = ?", [hold.id])


def book_appointment(
    db: sqlite_utils.Database,
    config: Config,
    *,
    hold_token: str,
    email: str | None,
    phone: str | None,
    language: str,
    now: datetime,
    booked_by: str | None = None,
) -> Booking:
    """Book the held time: a new appointment with a reservation key and a PIN.

    :param booked_by: the clerk's user name when booked at a counter (contact details optional)
    :raises DomainError: ``hold_expired``, ``too_many_appointments``
    """
    if booked_by is None:
        email, phone = normalize_contact(email, phone)
    else:
        email, phone = normalize_email(email), normalize_phone(phone)
    pin = new_pin()
    pin_hash = hash_pin(pin)  # slow on purpose: done before the write lock is taken
    with write_transaction(db):
        release_expired_holds(db, now)
        hold = get_hold(db, hold_token, now)
        check_contact_limit(db, config, email, phone, now)
        key = new_reservation_key()
        while db.execute("SELECT 1 FROM appointments WHERE reservation_key = ?", [key]).fetchone():
            key = new_reservation_key()
        appointment_id = db.execute(
            "INSERT INTO appointments (service_point, reservation_key, pin_hash, category,"
            " party_size, day, start_minute, end_minute, desk, starts_at, ends_at, status, email,"
            " phone, language, booked_by, booked_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'booked', ?, ?, ?, ?, ?, ?)",
            [
                hold.service_point,
                key,
                pin_hash,
                hold.category,
                hold.party_size,
                hold.day.isoformat(),
                hold.start_minute,
                hold.end_minute,
                hold.desk,
                utc_text(hold.starts_at),
                utc_text(hold.ends_at),
                email,
                phone,
                language,
                booked_by,
                utc_text(now),
                utc_text(now),
            ],
        ).lastrowid
        turn_hold_into_seats_of(db, hold, appointment_id)
        event = record_event(
            db,
            type="AppointmentBooked",
            service_point=hold.service_point,
            at=now,
            to_status="booked",
            clerk=booked_by,
            appointment_id=appointment_id,
        )
        enqueue_appointment_messages(
            db, config, get_appointment_by_id(db, appointment_id), "confirmation", now, pin=pin
        )
    log.info("appointment %s booked at %s for %s", appointment_id, hold.service_point, hold.day)
    return Booking(get_appointment_by_id(db, appointment_id), pin, (event,))


APPOINTMENT_COLUMNS = (
    "id, service_point, reservation_key, category, party_size, day, start_minute, end_minute,"
    " desk, starts_at, ends_at, status, email, phone, language, booked_by, ticket_id, booked_at,"
    " updated_at, checked_in_at"
)


def appointment_from_row(row) -> Appointment:
    """Build an Appointment from a row selected with APPOINTMENT_COLUMNS."""
    values = list(row)
    values[5] = date.fromisoformat(values[5])
    for index in (9, 10, 17, 18, 19):
        values[index] = parse_utc(values[index])
    return Appointment(*values)


def get_appointment_by_id(db: sqlite_utils.Database, appointment_id: int) -> Appointment | None:
    """The appointment with this id, or None."""
    row = db.execute(
        f"SELECT {APPOINTMENT_COLUMNS} FROM appointments WHERE id = ?", [appointment_id]
    ).fetchone()
    return appointment_from_row(row) if row else None


def find_appointment_by_key(db: sqlite_utils.Database, reservation_key: str) -> Appointment | None:
    """The appointment with this (normalized) reservation key, without a PIN: for check-in."""
    row = db.execute(
        f"SELECT {APPOINTMENT_COLUMNS} FROM appointments WHERE reservation_key = ?",
        [reservation_key],
    ).fetchone()
    return appointment_from_row(row) if row else None


def mark_appointment_lost(
    db: sqlite_utils.Database, appointment_id: int, now: datetime
) -> AppointmentChange:
    """Mark a booked appointment lost (late means lost); its time has passed, seats stay."""
    with write_transaction(db):
        appointment = get_appointment_by_id(db, appointment_id)
        if appointment is None or appointment.status != "booked":
            raise DomainError("appointment_not_changeable", status=409)
        event = write_lost_status(db, appointment, now)
    return AppointmentChange(get_appointment_by_id(db, appointment_id), (event,))


def mark_overdue_appointments_lost(db: sqlite_utils.Database, now: datetime) -> tuple[Event, ...]:
    """Mark lost every booked appointment whose start has passed without a check-in.

    At the very start the kiosk still checks in (the window runs until the start, inclusive).
    """
    with write_transaction(db):
        rows = db.execute(
            f"SELECT {APPOINTMENT_COLUMNS} FROM appointments WHERE status = 'booked'"
            " AND starts_at < ? ORDER BY starts_at",
            [utc_text(now)],
        ).fetchall()
        events = tuple(write_lost_status(db, appointment_from_row(row), now) for row in rows)
    return events


def write_lost_status(db: sqlite_utils.Database, appointment: Appointment, now: datetime) -> Event:
    """Write the lost status and its event (call inside `write_transaction`)."""
    db.execute(
        "UPDATE appointments SET status = 'lost', updated_at = ? WHERE id = ?",
        [utc_text(now), appointment.id],
    )
    return record_event(
        db,
        type="AppointmentLost",
        service_point=appointment.service_point,
        at=now,
        from_status="booked",
        to_status="lost",
        appointment_id=appointment.id,
    )


def write_served_status(db: sqlite_utils.Database, ticket_id: int, now: datetime) -> Event | None:
    """Mark served the checked-in appointment whose waiting number `ticket_id` is, now that a
    counter finished it; `updated_at` records when. Returns its event, or None when the number
    is no appointment's (call inside `write_transaction`)."""
    # By the ticket's own link to its appointment (both primary keys): appointments have no
    # index on ticket_id, and a finish must not scan them all.
    row = db.execute(
        "SELECT a.id, a.service_point FROM tickets t JOIN appointments a ON a.id = t.appointment_id"
        " WHERE t.id = ? AND a.status = 'checked_in'",
        [ticket_id],
    ).fetchone()
    if row is None:
        return None
    appointment_id, service_point_id = row
    db.execute(
        "UPDATE appointments SET status = 'served', updated_at = ? WHERE id = ?",
        [utc_text(now), appointment_id],
    )
    return record_event(
        db,
        type="AppointmentServed",
        service_point=service_point_id,
        at=now,
        ticket_id=ticket_id,
        from_status="checked_in",
        to_status="served",
        appointment_id=appointment_id,
    )
