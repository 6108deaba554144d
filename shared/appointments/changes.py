"""What a person does with a reservation key and PIN: see, cancel, correct contact, reschedule.

An unknown key and a wrong PIN get the same answer (``wrong_key_or_pin``) after the same work.
After `wrong_pins_before_lock` wrong tries a key (known or not, so locking tells nothing) is
locked for `lock_minutes`. The try is counted and the PIN checked in one write transaction
(see `authenticate`), so a lock cannot be raced.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

import sqlite_utils

from shared.appointments.booking import (
    APPOINTMENT_COLUMNS,
    Appointment,
    AppointmentChange,
    check_contact_limit,
    get_appointment_by_id,
    get_hold,
    normalize_contact,
    release_expired_holds,
    turn_hold_into_seats_of,
)
from shared.appointments.reservation_keys import (
    is_well_formed_key,
    normalize_pin,
    normalize_reservation_key,
)
from shared.appointments.reservation_keys import pin_matches as _pin_matches
from shared.config import Config
from shared.errors import DomainError, InvalidRequest
from shared.notifications.outbox import enqueue_appointment_messages, enqueue_contact_change
from shared.storage.event_log import record_event
from shared.storage.timestamps import parse_utc, utc_text
from shared.storage.transactions import write_transaction

MAX_KEY_LENGTH = 40
log = logging.getLogger(__name__)  # never the PIN, nor the key that was tried


def authenticate(
    db: sqlite_utils.Database, config: Config, reservation_key: str, pin: str, now: datetime
) -> Appointment:
    """The appointment behind a reservation key and PIN, counting the try.

    The lock is read, the try counted and the PIN checked in one BEGIN IMMEDIATE transaction, so
    tries of one key are checked one after another: however many arrive at once, no more PINs
    are checked than `wrong_pins_before_lock` before the lock, and no try in flight clears,
    shortens or overwrites a lock another made (it reads that lock first and is refused).

    :raises DomainError: ``key_locked`` (429, with ``locked_until`` and ``minutes``) while
        locked, even for the right PIN; else ``wrong_key_or_pin`` (404, with ``tries_left``,
        and ``locked_until`` and ``minutes`` when this try locked the key)
    """
    key = normalize_reservation_key(reservation_key)[:MAX_KEY_LENGTH]
    pin = normalize_pin(pin)
    if not key:
        raise InvalidRequest("invalid_request")
    rules = config.appointments
    with write_transaction(db):
        failures = _count_try(db, key, now)
        row = None
        if is_well_formed_key(key):
            row = db.execute(
                f"SELECT {APPOINTMENT_COLUMNS}, pin_hash FROM appointments"
                " WHERE reservation_key = ?",
                [key],
            ).fetchone()
        # Hashing inside the write lock costs some 3 ms per try (PIN_HASH_METHOD); it is what
        # makes the count and the check one step.
        if _pin_matches(row[-1] if row else None, pin):
            # The lock was read above in this transaction, so this clears only a count.
            db.execute("DELETE FROM pin_failures WHERE reservation_key = ?", [key])
            return get_appointment_by_id(db, row[0])
        log.info("wrong reservation key or PIN (appointment %s)", row[0] if row else None)
        locked_until = None
        if failures >= rules.wrong_pins_before_lock:
            locked_until = now + timedelta(minutes=rules.lock_minutes)
            db.execute(
                "UPDATE pin_failures SET locked_until = ? WHERE reservation_key = ?",
                [utc_text(locked_until), key],
            )
            log.warning(
                "a reservation key was locked after %s wrong PINs", rules.wrong_pins_before_lock
            )
    # Raised after the commit: the counted try must stay counted.
    raise DomainError(
        "wrong_key_or_pin",
        status=404,
        tries_left=max(0, rules.wrong_pins_before_lock - failures),
        **({"locked_until": locked_until, "minutes": rules.lock_minutes} if locked_until else {}),
    )


def _count_try(db: sqlite_utils.Database, key: str, now: datetime) -> int:
    """Count one more try of the key, inside the caller's write transaction, and return the
    count; a right PIN deletes it again.

    :raises DomainError: ``key_locked`` while the key is locked: nothing is counted or checked
    """
    row = db.execute(
        "SELECT failures, locked_until FROM pin_failures WHERE reservation_key = ?", [key]
    ).fetchone()
    failures = row[0] if row else 0
    if row and row[1]:
        locked_until = parse_utc(row[1])
        if locked_until > now:
            minutes = max(1, int((locked_until - now).total_seconds() + 59) // 60)
            raise DomainError("key_locked", status=429, minutes=minutes, locked_until=locked_until)
        failures = 0  # the lock has ended: the tries start over
    failures += 1
    db.execute(
        "INSERT INTO pin_failures (reservation_key, failures, locked_until, last_failure_at)"
        " VALUES (?, ?, NULL, ?) ON CONFLICT (reservation_key) DO UPDATE SET"
        " failures = excluded.failures, locked_until = NULL,"
        " last_failure_at = excluded.last_failure_at",
        [key, failures, utc_text(now)],
    )
    return failures


def _changeable(db: sqlite_utils.Database, appointment_id: int, now: datetime) -> Appointment:
    """Re-read the appointment inside the transaction; only a future, booked one may change."""
    appointment = get_appointment_by_id(db, appointment_id)
    if appointment.status != "booked" or appointment.starts_at <= now:
        raise DomainError("appointment_not_changeable", status=409)
    return appointment


def cancel_appointment(
    db: sqlite_utils.Database, config: Config, *, reservation_key: str, pin: str, now: datetime
) -> AppointmentChange:
    """Cancel a future appointment; its time returns to the pool at once."""
    appointment = authenticate(db, config, reservation_key, pin, now)
    with write_transaction(db):
        appointment = _changeable(db, appointment.id, now)
        db.execute("DELETE FROM slot_seats WHERE appointment_id = ?", [appointment.id])
        db.execute(
            "UPDATE appointments SET status = 'cancelled', updated_at = ? WHERE id = ?",
            [utc_text(now), appointment.id],
        )
        event = record_event(
            db,
            type="AppointmentCancelled",
            service_point=appointment.service_point,
            at=now,
            from_status="booked",
            to_status="cancelled",
            appointment_id=appointment.id,
        )
        cancelled = get_appointment_by_id(db, appointment.id)
        enqueue_appointment_messages(db, config, cancelled, "cancellation", now)
    log.info("appointment %s cancelled", appointment.id)
    return AppointmentChange(get_appointment_by_id(db, appointment.id), (event,))


def update_appointment_contact(
    db: sqlite_utils.Database,
    config: Config,
    *,
    reservation_key: str,
    pin: str,
    email: str | None,
    phone: str | None,
    now: datetime,
) -> AppointmentChange:
    """Correct the e-mail address and phone number (at least one stays)."""
    email, phone = normalize_contact(email, phone)
    appointment = authenticate(db, config, reservation_key, pin, now)
    with write_transaction(db):
        appointment = _changeable(db, appointment.id, now)
        check_contact_limit(db, config, email, phone, now, except_id=appointment.id)
        db.execute(
            "UPDATE appointments SET email = ?, phone = ?, updated_at = ? WHERE id = ?",
            [email, phone, utc_text(now), appointment.id],
        )
        event = record_event(
            db,
            type="AppointmentContactCorrected",
            service_point=appointment.service_point,
            at=now,
            from_status="booked",
            to_status="booked",
            appointment_id=appointment.id,
        )
        enqueue_contact_change(
            db, config, appointment, get_appointment_by_id(db, appointment.id), now
        )
    return AppointmentChange(get_appointment_by_id(db, appointment.id), (event,))


def reschedule_appointment(
    db: sqlite_utils.Database,
    config: Config,
    *,
    reservation_key: str,
    pin: str,
    hold_token: str,
    now: datetime,
) -> AppointmentChange:
    """Move the appointment to a held time in one transaction, keeping key and PIN.

    The old time is let go only in the same transaction that takes the new one, so a failure
    (the hold ran out, another time or place was not held) leaves the old appointment as it was.

    :raises DomainError: ``hold_expired``, ``hold_mismatch``, ``appointment_not_changeable``
    """
    appointment = authenticate(db, config, reservation_key, pin, now)
    with write_transaction(db):
        release_expired_holds(db, now)
        appointment = _changeable(db, appointment.id, now)
        hold = get_hold(db, hold_token, now)
        if (hold.category, hold.party_size) != (appointment.category, appointment.party_size):
            raise DomainError("hold_mismatch", status=409)
        db.execute("DELETE FROM slot_seats WHERE appointment_id = ?", [appointment.id])
        turn_hold_into_seats_of(db, hold, appointment.id)
        db.execute(
            "UPDATE appointments SET service_point = ?, day = ?, start_minute = ?,"
            " end_minute = ?, desk = ?, starts_at = ?, ends_at = ?, updated_at = ? WHERE id = ?",
            [
                hold.service_point,
                hold.day.isoformat(),
                hold.start_minute,
                hold.end_minute,
                hold.desk,
                utc_text(hold.starts_at),
                utc_text(hold.ends_at),
                utc_text(now),
                appointment.id,
            ],
        )
        points = dict.fromkeys([appointment.service_point, hold.service_point])
        events = tuple(
            record_event(
                db,
                type="AppointmentRescheduled",
                service_point=point,
                at=now,
                from_status="booked",
                to_status="booked",
                appointment_id=appointment.id,
            )
            for point in points
        )
        moved = get_appointment_by_id(db, appointment.id)
        enqueue_appointment_messages(db, config, moved, "reschedule", now)
    return AppointmentChange(get_appointment_by_id(db, appointment.id), events)
