"""Migration 7: appointment seats per desk and day as bit masks, kept by triggers.

The table `appointment_seat_masks` holds one row per service point and day: a little-endian blob
of 180 bytes (1440 minutes) per desk, desk 1 first, whose bit (desk - 1) * 1440 + minute is set
while an appointment has that seat. The triggers keep it in the same transaction as every seat
change. `shared.appointments.seat_masks` reads it.

Shipped: never edit this module; a new change needs a new migration. That is also why it keeps
its own copy of the mask arithmetic instead of importing the one the domain reads masks with.
"""

from __future__ import annotations

import sqlite_utils

DESK_BYTES = 180  # 1440 minutes
DESK_BITS = DESK_BYTES * 8
# Every byte value in order: substr() of it makes a one-byte blob, instr() in it reads a byte.
_BYTES = "X'" + bytes(range(256)).hex() + "'"


def _changed_mask(row: str, operation: str) -> str:
    """SQL for the mask with the seat of `row` set ("|") or cleared ("& ~"); the mask grows
    with zero bytes first when the desk lies beyond its end."""
    mask = f"CAST(mask || zeroblob(max(0, {row}.desk * {DESK_BYTES} - length(mask))) AS BLOB)"
    index = f"(({row}.desk - 1) * {DESK_BYTES} + {row}.minute / 8)"
    old_byte = f"instr({_BYTES}, substr({mask}, {index} + 1, 1)) - 1"
    new_byte = f"substr({_BYTES}, (({old_byte}) {operation} (1 << ({row}.minute % 8))) + 1, 1)"
    return f"CAST(substr({mask}, 1, {index}) || {new_byte} || substr({mask}, {index} + 2) AS BLOB)"


def _key_of(row: str) -> str:
    return f"service_point = {row}.service_point AND day = {row}.day"


def _add_row_for(row: str) -> str:
    return (
        f"INSERT INTO appointment_seat_masks (service_point, day, mask)"
        f" SELECT {row}.service_point, {row}.day, zeroblob({DESK_BYTES})"
        f" WHERE {row}.appointment_id IS NOT NULL AND NOT EXISTS"
        f" (SELECT 1 FROM appointment_seat_masks WHERE {_key_of(row)})"
    )


def _set_bit_of(row: str) -> str:
    return (
        f"UPDATE appointment_seat_masks SET mask = {_changed_mask(row, '|')}"
        f" WHERE {_key_of(row)} AND {row}.appointment_id IS NOT NULL"
    )


def _clear_bit_of(row: str) -> str:
    return (
        f"UPDATE appointment_seat_masks SET mask = {_changed_mask(row, '& ~')}"
        f" WHERE {_key_of(row)} AND {row}.appointment_id IS NOT NULL"
    )


def apply(db: sqlite_utils.Database) -> None:
    """The table, filled from the appointment seats already taken, and the triggers that keep it."""
    db.execute(
        "CREATE TABLE appointment_seat_masks (service_point TEXT NOT NULL, day TEXT NOT NULL,"
        " mask BLOB NOT NULL, PRIMARY KEY (service_point, day)) WITHOUT ROWID"
    )
    masks: dict[tuple[str, str], int] = {}
    for point, day, desk, minute in db.execute(
        "SELECT service_point, day, desk, minute FROM slot_seats WHERE appointment_id IS NOT NULL"
    ).fetchall():
        masks[(point, day)] = masks.get((point, day), 0) | 1 << _seat_bit(desk, minute)
    db.conn.executemany(
        "INSERT INTO appointment_seat_masks (service_point, day, mask) VALUES (?, ?, ?)",
        [(*key, _mask_bytes(mask)) for key, mask in masks.items()],
    )
    db.execute(
        "CREATE TRIGGER appointment_seat_masks_insert AFTER INSERT ON slot_seats"
        f" WHEN NEW.appointment_id IS NOT NULL BEGIN {_add_row_for('NEW')}; {_set_bit_of('NEW')};"
        " END"
    )
    db.execute(
        "CREATE TRIGGER appointment_seat_masks_delete AFTER DELETE ON slot_seats"
        f" WHEN OLD.appointment_id IS NOT NULL BEGIN {_clear_bit_of('OLD')}; END"
    )
    db.execute(
        "CREATE TRIGGER appointment_seat_masks_update AFTER UPDATE ON slot_seats"
        " WHEN OLD.appointment_id IS NOT NULL OR NEW.appointment_id IS NOT NULL BEGIN"
        f" {_clear_bit_of('OLD')}; {_add_row_for('NEW')}; {_set_bit_of('NEW')}; END"
    )


def _seat_bit(desk: int, minute: int) -> int:
    """The bit of a seat in a day's mask."""
    return (desk - 1) * DESK_BITS + minute


def _mask_bytes(mask: int) -> bytes:
    """A day's mask as stored: whole desks of DESK_BYTES bytes, little-endian."""
    desks = -(-mask.bit_length() // DESK_BITS) or 1
    return mask.to_bytes(desks * DESK_BYTES, "little")
