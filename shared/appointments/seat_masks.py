"""Appointment seats per desk and day as bit masks, kept by SQLite triggers on `slot_seats`
(made by migration 7, `shared.storage.migrations.m007_appointment_seat_masks`).

A free-time search over a busy calendar would read a hundred thousand seat rows; the table
`appointment_seat_masks` holds one row per service point and day instead: a little-endian blob
of 180 bytes (1440 minutes) per desk, desk 1 first, whose bit (desk - 1) * 1440 + minute is set
while an appointment has that seat.
Triggers on `slot_seats` keep it in the same transaction as every seat change (a hold turning
into an appointment, a cancellation, a reschedule, or any other writer), so the write paths stay
as they are. Live holds come and go with the clock and are read from `slot_seats` itself.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlite_utils

from shared.storage.timestamps import utc_text

DESK_BYTES = 180  # 1440 minutes
DESK_BITS = DESK_BYTES * 8
DAY_MINUTES = (1 << DESK_BITS) - 1  # one desk's bits


def seat_bit(desk: int, minute: int) -> int:
    """The bit of a seat in a day's mask."""
    return (desk - 1) * DESK_BITS + minute


def mask_bytes(mask: int) -> bytes:
    """A day's mask as stored: whole desks of DESK_BYTES bytes, little-endian."""
    desks = -(-mask.bit_length() // DESK_BITS) or 1
    return mask.to_bytes(desks * DESK_BYTES, "little")


def appointment_masks(
    db: sqlite_utils.Database, service_point_ids: list[str], first: date, last: date
) -> dict[tuple[str, str], int]:
    """The appointments' seats per (service point, day) as int masks (see `seat_bit`)."""
    marks = ",".join("?" for _ in service_point_ids)
    from_bytes = int.from_bytes
    return {
        (point, day): from_bytes(mask, "little")
        for point, day, mask in db.execute(
            "SELECT service_point, day, mask FROM appointment_seat_masks"
            f" WHERE service_point IN ({marks}) AND day BETWEEN ? AND ?",
            [*service_point_ids, first.isoformat(), last.isoformat()],
        ).fetchall()
    }


def held_seats(
    db: sqlite_utils.Database,
    service_point_ids: list[str],
    first: date,
    last: date,
    now: datetime,
) -> list[tuple[str, str, int, int]]:
    """(service point, day, desk, minute) of the seats of holds that have not run out."""
    now_text = utc_text(now)
    marks = ",".join("?" for _ in service_point_ids)
    return db.execute(
        "SELECT seat.service_point, seat.day, seat.desk, seat.minute"
        # CROSS JOIN keeps this order: the few live holds by their expiry, then their seats.
        " FROM appointment_holds AS hold CROSS JOIN slot_seats AS seat ON seat.hold_id = hold.id"
        f" WHERE hold.expires_at > ? AND seat.expires_at > ? AND seat.service_point IN ({marks})"
        " AND seat.day BETWEEN ? AND ?",
        [now_text, now_text, *service_point_ids, first.isoformat(), last.isoformat()],
    ).fetchall()
