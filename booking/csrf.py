"""CSRF protection for the booking pages' HTML forms: a token kept in the signed session cookie.

Only real form posts need it (the confirmation PDF); the JSON API is safe without, because a
cross-site form cannot send ``application/json``.
"""

from __future__ import annotations

import hmac
import secrets

from flask import request, session

from shared.errors import DomainError

SESSION_KEY = "booking_csrf"
FIELD = "csrf_token"


def csrf_token() -> str:
    """This browser's token for hidden form fields (made on first use)."""
    if SESSION_KEY not in session:
        session[SESSION_KEY] = secrets.token_urlsafe(32)
    return session[SESSION_KEY]


def check_csrf() -> None:
    """Refuse a form post whose token does not match the session's (``csrf_failed``, 400)."""
    expected = session.get(SESSION_KEY)
    sent = request.form.get(FIELD, "")
    if not expected or not hmac.compare_digest(str(expected), sent):
        raise DomainError("csrf_failed", status=400)
