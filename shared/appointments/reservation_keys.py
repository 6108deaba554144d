"""Reservation keys and PIN codes: random, easy to type, and the PIN stored only as a hash.

A key is eight characters from an alphabet of 20 without look-alikes (no 0/O/Q/D, 1/I/L, 2/Z,
5/S, 8/B, G, U/V), shown as ``ABCD-EFGH``: 20^8 ≈ 2.6·10^10 keys. A PIN is six random digits.
Neither is ever logged; the PIN is kept only as a salted werkzeug password hash.
"""

from __future__ import annotations

import functools
import re
import secrets
from urllib.parse import urlencode

from werkzeug.security import check_password_hash, generate_password_hash

from shared.config import Config

KEY_ALPHABET = "ACEFHJKMNPRTWXY34679"
KEY_LENGTH = 8
PIN_LENGTH = 6
# Salted and memory-hard, but some 3 ms rather than werkzeug's default 150 ms (scrypt n=32768):
# six digits are only 10^6 PINs, which no per-booking cost a server can afford protects against
# someone holding the database, who holds the keys and contact details too. Online guessing is
# stopped by the lockout after a few wrong PINs. The default made a booking rush queue for the
# CPU: 100 bookings at once needed 15 CPU-seconds. Hashes made earlier keep their own method.
PIN_HASH_METHOD = "scrypt:1024:8:1"


def new_reservation_key() -> str:
    """A new random reservation key (eight characters, without the hyphen)."""
    return "".join(secrets.choice(KEY_ALPHABET) for _ in range(KEY_LENGTH))


def new_pin() -> str:
    """A new random PIN code of six digits."""
    return "".join(secrets.choice("0123456789") for _ in range(PIN_LENGTH))


def hash_pin(pin: str) -> str:
    """The PIN as stored: a salted werkzeug password hash (PIN_HASH_METHOD)."""
    return generate_password_hash(pin, method=PIN_HASH_METHOD)


def pin_matches(pin_hash: str | None, pin: str) -> bool:
    """True when `pin` is the PIN behind `pin_hash`; None (an unknown key) takes as long, False."""
    if pin_hash is None:
        check_password_hash(_dummy_pin_hash(), pin)
        return False
    return check_password_hash(pin_hash, pin)


@functools.cache
def _dummy_pin_hash() -> str:
    """Compared against when the key is unknown, so an unknown key takes as long as a wrong PIN.

    Made on first use with the same method as real PIN hashes.
    """
    return hash_pin("0" * PIN_LENGTH)


def normalize_reservation_key(text: str) -> str:
    """The key as stored: upper case, without spaces or hyphens (people type them either way)."""
    return re.sub(r"[\s-]", "", text or "").upper()


def is_well_formed_key(key: str) -> bool:
    """True when a normalized key could be one this module made."""
    return len(key) == KEY_LENGTH and all(character in KEY_ALPHABET for character in key)


def format_reservation_key(key: str) -> str:
    """The key as shown to people: ``ABCD-EFGH``."""
    return f"{key[:4]}-{key[4:]}"


def normalize_pin(text: str) -> str:
    """The PIN without spaces."""
    return re.sub(r"\s", "", text or "")


def manage_url(config: Config, reservation_key: str, language: str) -> str:
    """The manage page with the key filled in (the PIN is never in a URL)."""
    query = urlencode({"lang": language, "key": format_reservation_key(reservation_key)})
    return f"{config.public_base_url}/booking/manage?{query}"
