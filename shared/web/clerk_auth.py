"""Clerk authentication: the session a clerk or admin logs in to, and the guard of their routes.

The session is Flask's signed cookie (HttpOnly, SameSite=Lax); it holds the user name, the role
and the language chosen on the counter page. Every page and API route that only clerks may use
is guarded by `clerk_required`, and its OpenAPI entry says so with `CLERK_ONLY`.
"""

from __future__ import annotations

from functools import wraps

from flask import session

from shared.accounts.users import User, authenticate
from shared.errors import DomainError
from shared.web.context import get_db

CLERK_ONLY = {"security": "clerkSession"}  # for @api.doc: the route needs the session cookie


def log_in(username: str, password: str) -> User:
    """Check the password and start a fresh session for the user (401 if they do not match).

    Nothing from the session before carries over except the language the page was in.
    """
    user = authenticate(get_db(), username, password)
    if user is None:
        raise DomainError("wrong_credentials", status=401)
    language = session.get("language")
    session.clear()
    if language:
        session["language"] = language
    session["clerk"], session["role"] = user.username, user.role
    return user


def log_out() -> None:
    """End the clerk's session."""
    session.clear()


def current_clerk() -> str | None:
    """The user name of the clerk logged in on this session, or None."""
    return session.get("clerk")


def current_role() -> str | None:
    """The role (clerk or admin) of the user logged in on this session, or None."""
    return session.get("role")


def clerk_required(view):
    """Refuse callers who are not logged in as a clerk or admin (401)."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        if not current_clerk():
            raise DomainError("login_required", status=401)
        return view(*args, **kwargs)

    return wrapper
