"""Security headers on every response: a strict Content-Security-Policy and friends.

The pages load scripts, styles and the Socket.IO client from Jono itself and keep their data in
`<script type="application/json">` blocks, which a browser never runs, so no inline script or
style needs an exception. Kiosks and lobby displays must not be framed by another site.
"""

from __future__ import annotations

import logging
import re

from flask import request
from flask_socketio import ConnectionRefusedError as SocketRefused

from shared.web.realtime import socketio

REFERRER_POLICY = "same-origin"
log = logging.getLogger(__name__)
# A Host header is the caller's to write: only a plain host[:port] goes into the policy.
PLAIN_HOST = re.compile(r"[A-Za-z0-9.\-]+(:[0-9]{1,5})?|\[[0-9A-Fa-f:.]+\](:[0-9]{1,5})?")


def content_security_policy(host: str) -> str:
    """The policy for a page served to `host` (``127.0.0.1:8000``): only Jono's own origin.

    :param host: the Host the browser asked for; the live socket connects back to it
    """
    directives = {
        "default-src": "'self'",
        "script-src": "'self'",
        "style-src": "'self'",
        "img-src": "'self' data:",
        "media-src": "'self'",
        "font-src": "'self'",
        # 'self' covers ws: and wss: only in newer browsers; a kiosk's may be older.
        "connect-src": f"'self' ws://{host} wss://{host}"
        if PLAIN_HOST.fullmatch(host)
        else "'self'",
        "object-src": "'none'",
        "base-uri": "'self'",
        "form-action": "'self'",
        "frame-ancestors": "'none'",
    }
    return "; ".join(f"{name} {value}" for name, value in directives.items())


def add_security_headers(response):
    """Put the security headers on a response, keeping any a view set itself."""
    headers = response.headers
    headers.setdefault("Content-Security-Policy", content_security_policy(request.host))
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", REFERRER_POLICY)
    return response


def refuse_broken_socket_message(error: Exception) -> dict:
    """A Socket.IO handler failed on what a client sent (too many arguments, a wrong type):
    acknowledge with an error instead of leaving the client waiting, and keep serving.

    A refused connection (an unknown service point) is not a broken message: it must stay refused.
    """
    if isinstance(error, SocketRefused):
        raise error
    log.warning("refused a live event: %r", error, exc_info=error)
    return {"ok": False, "error": "invalid_request"}


def init_app(app) -> None:
    """Add the security headers to every response of `app`, errors and static files included,
    and answer a Socket.IO event whose handler failed with an error acknowledgement."""

    app.after_request(add_security_headers)
    socketio.on_error_default(refuse_broken_socket_message)
