"""Cross-site request forgery guard of the clerks' state-changing requests, login included.

A POST, PUT or DELETE of a clerk passes when its `Origin` header is the deployment's own origin
(the same check as the live sockets', `shared.web.socket_guard.OriginCheck`), or, without an
Origin, when its `X-CSRF-Token` header carries the token of its session. A foreign Origin is
refused even with a token. Body or no body: `call-next` has none, and a cross-site page can
send it with the cookie whenever the browser thinks the two sites are one (another port or
subdomain of the same host), which SameSite alone does not stop.

The tokens are derived from the cookie's secret (a session id, or the login cookie's value),
so no table holds them and every process agrees: a page on another site can read neither.
"""

from __future__ import annotations

import hashlib
import hmac

from flask import request

from shared.errors import DomainError
from shared.web.context import jono
from shared.web.realtime import allowed_origins

CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def token_for(purpose: str, secret: str) -> str:
    """The CSRF token that goes with a cookie's secret (a session id or a login cookie)."""
    return hashlib.sha256(f"jono-csrf:{purpose}:{secret}".encode()).hexdigest()


def require_own_origin_or_token(expected_token: str | None) -> None:
    """Refuse a request from another site (403 ``foreign_origin``), or one with neither an
    Origin nor the right token (403 ``csrf_token_required``).

    :param expected_token: the token the request must carry without an Origin (None: none can
        be right, as before the login cookie exists)
    """
    origin = request.headers.get("Origin")
    # "null" is what sandboxed frames and some redirects send: it proves nothing either way.
    if origin and origin != "null":
        if allowed_origins(jono().config)(origin, request.environ):
            return
        raise DomainError("foreign_origin", status=403)
    sent = request.headers.get(CSRF_HEADER, "")
    if expected_token and hmac.compare_digest(sent.encode(), expected_token.encode()):
        return
    raise DomainError("csrf_token_required", status=403)


def changes_state() -> bool:
    """Whether this request may change something (and so needs the guard)."""
    return request.method not in SAFE_METHODS
