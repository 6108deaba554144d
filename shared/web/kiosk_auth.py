"""Which browser is a kiosk: a paired device's cookie, or an address in a kiosk network.

Every kiosk operation asks for the kiosk of its service point (`kiosk_required`, or
`require_kiosk` where the point comes from a ticket). A browser without a pairing gets 401
``kiosk_not_paired``; a kiosk of another service point gets 403 ``kiosk_of_another_point``.
The device cookie is HttpOnly and SameSite=Strict: another site's page cannot send it.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from functools import wraps

from flask import request

from shared.accounts.kiosks import kiosk_of_device
from shared.config import ServicePoint
from shared.errors import DomainError, NotFound
from shared.web.context import get_db, jono

DEVICE_COOKIE = "jono_kiosk"
DEVICE_COOKIE_DAYS = 5 * 365  # a kiosk stays paired until an admin revokes it
KIOSK_ONLY = {"security": "kioskDevice"}  # for @api.doc: the route needs a paired kiosk


@dataclass(frozen=True)
class KioskIdentity:
    """The kiosk making this request."""

    service_point: str
    scope: str  # what its idempotency keys and pace are counted under
    name: str


def _network_kiosk(point: ServicePoint) -> KioskIdentity | None:
    """This request's address as a kiosk of `point`, if it is in one of its kiosk networks."""
    if not point.kiosk_networks:
        return None
    try:
        address = ipaddress.ip_address(request.remote_addr or "")
    except ValueError:
        return None
    if any(address in network for network in point.kiosk_networks):
        return KioskIdentity(point.id, f"network:{point.id}:{address}", str(address))
    return None


def current_kiosk(service_point_id: str | None = None) -> KioskIdentity | None:
    """The kiosk this browser is: its paired device first, else by address when the service
    point (`service_point_id`, or any point when None) admits its kiosk network."""
    paired = kiosk_of_device(get_db(), request.cookies.get(DEVICE_COOKIE))
    if paired is not None:
        return KioskIdentity(paired.service_point, paired.scope, paired.name)
    points = jono().config.service_points
    for point in points:
        if service_point_id in (None, point.id):
            found = _network_kiosk(point)
            if found:
                return found
    return None


def require_kiosk(service_point_id: str | None = None) -> KioskIdentity:
    """The kiosk of `service_point_id` (None: of any point) making this request, or refuse."""
    if service_point_id is not None and jono().config.service_point(service_point_id) is None:
        raise NotFound("unknown_service_point", service_point=service_point_id)
    kiosk = current_kiosk(service_point_id)
    if kiosk is None:
        raise DomainError("kiosk_not_paired", status=401)
    if service_point_id is not None and kiosk.service_point != service_point_id:
        raise DomainError("kiosk_of_another_point", status=403)
    return kiosk


def kiosk_required(view):
    """Refuse callers that are not a kiosk of the route's `service_point_id` (of any point on
    a route without one, which then checks the point of what it acts on); the view gets the
    kiosk as `kiosk=`."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        kwargs["kiosk"] = require_kiosk(kwargs.get("service_point_id"))
        return view(*args, **kwargs)

    return wrapper


def set_device_cookie(response, value: str) -> None:
    """Give this browser its kiosk device cookie (Secure when the site is served over https)."""
    response.set_cookie(
        DEVICE_COOKIE,
        value,
        max_age=DEVICE_COOKIE_DAYS * 24 * 3600,
        httponly=True,
        samesite="Strict",
        secure=jono().config.public_base_url.startswith("https://"),
        path="/",
    )
