"""Paired kiosks: the screens an admin or manager has bound to a service point.

`jono kiosks add helsinki --name "Lobby 1"` (or a manager's "People and devices" page) makes
a kiosk and a one-time pairing code. Opening the pairing address on the kiosk's own browser
trades the code for a device token, which the browser keeps in a long-lived cookie: from then
on that browser is this kiosk, and every kiosk operation checks it. A kiosk may be renamed.
Codes and tokens are stored only as SHA-256 hashes (they are long random strings, so a slow
hash adds nothing), and a revoked kiosk's token is refused at once.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlite_utils

from shared.config import Config
from shared.errors import InvalidRequest, NotFound
from shared.storage.timestamps import parse_utc, utc_text
from shared.storage.transactions import write_transaction

PAIRING_VALID_HOURS = 24
NAME_PATTERN = re.compile(r"[^\x00-\x1f\x7f]{1,60}")


@dataclass(frozen=True)
class Kiosk:
    """A kiosk screen of a service point, paired or waiting to be."""

    id: int
    service_point: str
    name: str
    created_at: datetime
    pairing_expires_at: datetime | None
    paired_at: datetime | None
    revoked_at: datetime | None

    def state(self, now: datetime) -> str:
        """``paired``, ``revoked``, ``waiting`` (for its pairing) or ``expired`` (never paired)."""
        if self.revoked_at:
            return "revoked"
        if self.paired_at:
            return "paired"
        if self.pairing_expires_at and now < self.pairing_expires_at:
            return "waiting"
        return "expired"

    @property
    def scope(self) -> str:
        """What this kiosk's tickets, idempotency keys and pace are counted under."""
        return f"kiosk:{self.id}"


@dataclass(frozen=True)
class Pairing:
    """A new kiosk and its one-time pairing code (shown once, stored only hashed)."""

    kiosk: Kiosk
    code: str


def _digest(secret: str) -> str:
    """The stored form of a pairing code or device token."""
    return hashlib.sha256(secret.encode()).hexdigest()


def _kiosk_from_row(row: dict) -> Kiosk:
    """A Kiosk from a `kiosks` row."""
    return Kiosk(
        id=row["id"],
        service_point=row["service_point"],
        name=row["name"],
        created_at=parse_utc(row["created_at"]),
        pairing_expires_at=row["pairing_expires_at"] and parse_utc(row["pairing_expires_at"]),
        paired_at=row["paired_at"] and parse_utc(row["paired_at"]),
        revoked_at=row["revoked_at"] and parse_utc(row["revoked_at"]),
    )


def add_kiosk(
    db: sqlite_utils.Database, config: Config, service_point_id: str, name: str, now: datetime
) -> Pairing:
    """Make a kiosk of the service point and its pairing code, valid PAIRING_VALID_HOURS.

    :raises NotFound: ``unknown_service_point``
    :raises InvalidRequest: ``invalid_kiosk_name`` (1 to 60 printable characters)
    """
    if config.service_point(service_point_id) is None:
        raise NotFound("unknown_service_point", service_point=service_point_id)
    name = _checked_name(name)
    code = secrets.token_urlsafe(24)
    with write_transaction(db):
        cursor = db.execute(
            "INSERT INTO kiosks (service_point, name, pairing_code_hash, pairing_expires_at,"
            " created_at) VALUES (?, ?, ?, ?, ?)",
            [
                service_point_id,
                name,
                _digest(code),
                utc_text(now + timedelta(hours=PAIRING_VALID_HOURS)),
                utc_text(now),
            ],
        )
        kiosk = get_kiosk(db, cursor.lastrowid)
    return Pairing(kiosk, code)


def get_kiosk(db: sqlite_utils.Database, kiosk_id: int) -> Kiosk:
    """One kiosk by its id, or NotFound ``unknown_kiosk``."""
    rows = list(db.query("SELECT * FROM kiosks WHERE id = ?", [kiosk_id]))
    if not rows:
        raise NotFound("unknown_kiosk", kiosk=kiosk_id)
    return _kiosk_from_row(rows[0])


def kiosk_waiting_for(db: sqlite_utils.Database, code: str, now: datetime) -> Kiosk | None:
    """The kiosk whose pairing code this is, while the code is still unused and valid."""
    rows = list(db.query("SELECT * FROM kiosks WHERE pairing_code_hash = ?", [_digest(code)]))
    if not rows:
        return None
    kiosk = _kiosk_from_row(rows[0])
    return kiosk if kiosk.state(now) == "waiting" else None


def pair_kiosk(db: sqlite_utils.Database, code: str, now: datetime) -> tuple[Kiosk, str]:
    """Use a pairing code: the kiosk becomes paired and gets its device token (shown once).

    :returns: the kiosk and the value of its device cookie
    :raises NotFound: ``unknown_pairing`` for a code that is wrong, used, expired or revoked
    """
    token = secrets.token_urlsafe(32)
    with write_transaction(db):
        kiosk = kiosk_waiting_for(db, code, now)
        if kiosk is None:
            raise NotFound("unknown_pairing")
        db.execute(
            "UPDATE kiosks SET pairing_code_hash = NULL, pairing_expires_at = NULL,"
            " device_token_hash = ?, paired_at = ? WHERE id = ?",
            [_digest(token), utc_text(now), kiosk.id],
        )
        kiosk = get_kiosk(db, kiosk.id)
    return kiosk, f"{kiosk.id}.{token}"


def kiosk_of_device(db: sqlite_utils.Database, cookie: str | None) -> Kiosk | None:
    """The paired, unrevoked kiosk whose device cookie this is, or None."""
    kiosk_id, _, token = (cookie or "").partition(".")
    if not kiosk_id.isdigit() or not token or len(token) > 100:
        return None
    row = db.execute(
        "SELECT device_token_hash, revoked_at FROM kiosks WHERE id = ?", [int(kiosk_id)]
    ).fetchone()
    if row is None or row[0] is None or row[1] is not None:
        return None
    if not secrets.compare_digest(row[0], _digest(token)):
        return None
    return get_kiosk(db, int(kiosk_id))


def pairing_address(public_base_url: str, code: str) -> str:
    """The address that pairs a kiosk, to open once on the kiosk's own browser."""
    return f"{public_base_url}/kiosk/pair/{code}"


def _checked_name(name: str) -> str:
    """The name without surrounding spaces; refuse (``invalid_kiosk_name``) one that is empty,
    longer than 60 characters or holds control characters."""
    name = name.strip()
    if not NAME_PATTERN.fullmatch(name):
        raise InvalidRequest("invalid_kiosk_name")
    return name


def rename_kiosk(db: sqlite_utils.Database, kiosk_id: int, name: str) -> Kiosk:
    """Give a kiosk a new name (what the manager pages and `jono kiosks list` show).

    :raises InvalidRequest: ``invalid_kiosk_name``
    :raises NotFound: ``unknown_kiosk``
    """
    name = _checked_name(name)
    with write_transaction(db):
        get_kiosk(db, kiosk_id)
        db.execute("UPDATE kiosks SET name = ? WHERE id = ?", [name, kiosk_id])
        return get_kiosk(db, kiosk_id)


def revoke_kiosk(db: sqlite_utils.Database, kiosk_id: int, now: datetime) -> Kiosk:
    """Revoke a kiosk: its device cookie and any unused pairing code stop working at once."""
    with write_transaction(db):
        kiosk = get_kiosk(db, kiosk_id)
        if kiosk.revoked_at is None:
            db.execute(
                "UPDATE kiosks SET revoked_at = ?, pairing_code_hash = NULL WHERE id = ?",
                [utc_text(now), kiosk_id],
            )
        return get_kiosk(db, kiosk_id)


def list_kiosks(db: sqlite_utils.Database) -> list[Kiosk]:
    """Every kiosk ever added, by service point and id."""
    return [
        _kiosk_from_row(row) for row in db.query("SELECT * FROM kiosks ORDER BY service_point, id")
    ]


def kiosks_of(db: sqlite_utils.Database, service_point_id: str) -> list[Kiosk]:
    """The kiosks ever added to one service point, by id."""
    return [
        _kiosk_from_row(row)
        for row in db.query(
            "SELECT * FROM kiosks WHERE service_point = ? ORDER BY id", [service_point_id]
        )
    ]


def forget_unused_pairings(
    db: sqlite_utils.Database, service_point_id: str, name: str, now: datetime
) -> int:
    """Revoke the never-paired kiosks of a name at a point (the demo's, made at each start)."""
    with write_transaction(db):
        cursor = db.execute(
            "UPDATE kiosks SET revoked_at = ?, pairing_code_hash = NULL"
            " WHERE service_point = ? AND name = ? AND paired_at IS NULL AND revoked_at IS NULL",
            [utc_text(now), service_point_id, name],
        )
    return cursor.rowcount
