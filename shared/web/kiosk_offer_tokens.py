"""The signed, expiring token of an appointment offered to an urgent walk-in at a kiosk.

`triageVisit` signs what it offered (the time, the matter, the party, the expiry, the service
point and the kiosk) with a secret of the site's own (kept in the database, so every process
checks the same); `bookOfferedAppointment` books only what a token it can verify says, at the
kiosk it was made for, once. Nothing else can be booked without contact details.
"""

from __future__ import annotations

import secrets

from itsdangerous import BadSignature, URLSafeSerializer

from shared.errors import DomainError
from shared.storage.site_secrets import site_secret
from shared.storage.timestamps import parse_utc, utc_text
from shared.web.context import get_db, jono

OFFER_VALID_SECONDS = 10 * 60  # the kiosk returns to its start after 45 s idle: ample
SECRET_NAME = "kiosk_offers"


def _serializer() -> URLSafeSerializer:
    """Signs and checks offer tokens with the site's offer secret."""
    return URLSafeSerializer(site_secret(get_db(), SECRET_NAME), salt="kiosk-offer")


def sign_offer(offer: dict) -> str:
    """A token for `offer` (plain values), with an id of its own so it can be taken only once,
    and the time it was made on the app's clock (not the signer's: tests move the clock)."""
    made_at = utc_text(jono().clock.now())
    return _serializer().dumps({**offer, "offer": secrets.token_urlsafe(12), "made_at": made_at})


def read_offer(token: str) -> dict:
    """The offer a token carries, if it is genuine and not too old.

    :raises DomainError: ``offer_expired`` or ``offer_invalid`` (409)
    """
    try:
        offer = _serializer().loads(token)
    except BadSignature as error:
        raise DomainError("offer_invalid", status=409) from error
    age = (jono().clock.now() - parse_utc(offer["made_at"])).total_seconds()
    if age > OFFER_VALID_SECONDS:
        raise DomainError("offer_expired", status=409)
    return offer
