"""Clerk authentication: logging in and out, the session a request belongs to, and the guard of
the clerks' routes.

The session lives in the database (`shared.accounts.sessions`); the browser holds only its
random id, in the cookie `jono_session` (HttpOnly, SameSite=Strict, Secure when the site is
served over https). It is valid in every process and across restarts, whatever the Flask secret
key. Every page and API route that only clerks may use is guarded by `clerk_required`, and its
OpenAPI entry says so with `CLERK_ONLY`; a manager's route also calls
`require_manager_of(point)`; a state-changing one must also pass the CSRF guard
(`shared.web.clerk_csrf`). Logins are throttled per user name and per address
(`shared.accounts.login_throttle`), and the password hash runs in a small slow-work limit of its
own, off the event loop, only after the throttle let the try through.
"""

from __future__ import annotations

from functools import wraps

from flask import after_this_request, g, request

from shared.accounts import login_throttle, sessions
from shared.accounts.users import User, get_user, load_credentials, password_matches
from shared.errors import DomainError
from shared.web.clerk_csrf import changes_state, require_own_origin_or_token, token_for
from shared.web.context import get_db, jono
from shared.web.rate_limit import client_address_key
from shared.web.slow_work import SlowWorkLimit, off_the_loop

CLERK_ONLY = {"security": "clerkSession"}  # for @api.doc: the route needs the session cookie
SESSION_COOKIE = "jono_session"
# Set by getLoginToken: the login's own CSRF token is derived from it (no session exists yet).
LOGIN_COOKIE = "jono_login"
LOGIN_COOKIE_PATH = "/api/v1/session"
# Sent by the counter page's own timed refreshes: they do not count as the clerk being there, or
# a page left open would keep its session (and the counter) forever.
BACKGROUND_HEADER = "X-Jono-Background"
# Password hashes at once per process: each is a deliberately slow ~32 MiB scrypt, so a flood of
# logins waits here (then gets 503 busy) and never takes the kiosks' admission places.
PASSWORD_CHECKS = SlowWorkLimit(2)


def _secure_cookies() -> bool:
    return jono().config.public_base_url.startswith("https://")


def _set_cookie(name: str, value: str, path: str = "/", max_age: int | None = None) -> None:
    """Send a cookie with this response: HttpOnly, SameSite=Strict (the counter's requests all
    come from its own page), Secure over https."""

    @after_this_request
    def set_it(response):
        response.set_cookie(
            name,
            value,
            path=path,
            max_age=max_age,
            httponly=True,
            samesite="Strict",
            secure=_secure_cookies(),
        )
        return response


def _drop_cookie(name: str) -> None:
    @after_this_request
    def drop_it(response):
        response.delete_cookie(name, httponly=True, samesite="Strict", secure=_secure_cookies())
        return response


def login_token() -> str:
    """The CSRF token of a login from this browser (getLoginToken); sets the login cookie on the
    first call."""
    secret = request.cookies.get(LOGIN_COOKIE)
    if not secret:
        secret = sessions.new_secret()
        _set_cookie(
            LOGIN_COOKIE,
            secret,
            path=LOGIN_COOKIE_PATH,
            max_age=int(jono().config.accounts.lifetime.total_seconds()),
        )
    return token_for("login", secret)


def session_token(session_id: str) -> str:
    """The CSRF token of a session, for the page to send with its changes."""
    return token_for("session", session_id)


def login_address() -> str:
    """The key the client's address is counted by in the login throttle: an IPv6 client by its
    /64, as it may use any address in it."""
    return client_address_key(request.remote_addr)


def _locked(lock: login_throttle.Lock) -> DomainError:
    """The 429 that says until when logging in is locked, in the deployment's local time."""
    zone = jono().config.service_points[0].zone
    until = lock.until.astimezone(zone).strftime("%H:%M")
    code = "login_locked" if lock.kind == "user" else "address_locked"
    return DomainError(code, status=429, until=until, locked_until=lock.until)


def log_in(username: str, password: str) -> tuple[User, str]:
    """Check the password and start a new session; return the user and the session's CSRF token.

    In this order: the CSRF guard (the login's own token, or the Origin), the throttle (a locked
    name or address is refused before any hashing), the password check in its slow-work limit,
    then the account's state. Refusals: 403 (CSRF, disabled), 401 ``wrong_credentials`` with
    the tries left, 429 while locked, 503 ``busy``.
    """
    secret = request.cookies.get(LOGIN_COOKIE)
    require_own_origin_or_token(secret and token_for("login", secret))
    state = jono()
    db, settings, now = get_db(), state.config.accounts, state.clock.now()
    keys = login_throttle.LoginKeys(username, login_address())
    lock = login_throttle.reserve_try(db, keys, settings, now)
    if lock is not None:
        raise _locked(lock)
    try:
        with PASSWORD_CHECKS.place():
            credentials = load_credentials(db, username)
            matches = off_the_loop(password_matches, credentials, password)
    except DomainError:  # busy: no password was checked, so the try does not count
        login_throttle.release_try(db, keys, settings, state.clock.now())
        raise
    now = state.clock.now()
    if not matches:
        failure = login_throttle.record_failure(db, keys, settings, now)
        if failure.lock is not None:
            raise _locked(failure.lock)
        raise DomainError("wrong_credentials", status=401, tries_left=failure.tries_left)
    login_throttle.record_success(db, keys, settings, now)
    if credentials.user.is_disabled:
        raise DomainError("account_disabled", status=403)
    old = request.cookies.get(SESSION_COOKIE)
    if old:  # a new login on this browser replaces its session
        sessions.end_session(db, old)
    session_id = sessions.start_session(db, username, settings, now)
    _set_cookie(SESSION_COOKIE, session_id)
    g.jono_clerk_session = None  # this request began without one
    return credentials.user, session_token(session_id)


def log_out() -> None:
    """End the session on the server and drop its cookie."""
    session_id = request.cookies.get(SESSION_COOKIE)
    if session_id:
        sessions.end_session(get_db(), session_id)
    _drop_cookie(SESSION_COOKIE)


def current_session() -> sessions.ClerkSession | None:
    """The live session of this request's cookie, or None (looked up once per request)."""
    if "jono_clerk_session" not in g:
        session_id = request.cookies.get(SESSION_COOKIE)
        state = jono()
        g.jono_clerk_session = session_id and sessions.find_session(
            get_db(), session_id, state.config.accounts, state.clock.now()
        )
    return g.jono_clerk_session or None


def current_clerk() -> str | None:
    """The user name of the clerk logged in on this request's session, or None."""
    session = current_session()
    return session.username if session else None


def current_user() -> User | None:
    """The account logged in on this request's session, as it is now, or None."""
    if "jono_clerk_user" not in g:
        username = current_clerk()
        g.jono_clerk_user = username and get_user(get_db(), username)
    return g.jono_clerk_user or None


def current_role() -> str | None:
    """The role (clerk, manager or admin) of the user logged in on this session, or None."""
    user = current_user()
    return user.role if user else None


def current_csrf_token() -> str | None:
    """The CSRF token of this request's session, for the page (None without a session)."""
    session_id = request.cookies.get(SESSION_COOKIE)
    return session_token(session_id) if session_id and current_session() else None


def require_service_point_access(service_point_id: str) -> None:
    """Refuse (403 ``service_point_not_allowed``) a point the logged-in user may not work at."""
    user = current_user()
    if user is None or not user.may_work_at(service_point_id):
        raise DomainError("service_point_not_allowed", status=403, service_point=service_point_id)


def admin_required() -> None:
    """Refuse (403 ``admin_only``) a logged-in user who is not an admin."""
    user = current_user()
    if user is None or not user.is_admin:
        raise DomainError("admin_only", status=403)


def manager_required() -> User:
    """The logged-in manager or admin; refuse anyone else (403 ``manager_only``).

    Call it inside a `clerk_required` route (which has already refused a missing session).
    """
    user = current_user()
    if user is None or not user.is_manager:
        raise DomainError("manager_only", status=403)
    return user


def require_manager_of(service_point_id: str) -> User:
    """The logged-in user, if they run this service point; else refuse.

    In this order: 403 ``manager_only`` (a clerk), 404 ``unknown_service_point`` (no such
    point in the config), 403 ``service_point_not_allowed`` (a manager of other points). An
    admin of every point passes for every configured point.
    """
    user = manager_required()
    if jono().config.service_point(service_point_id) is None:
        raise DomainError("unknown_service_point", status=404, service_point=service_point_id)
    if not user.may_manage(service_point_id):
        raise DomainError("service_point_not_allowed", status=403, service_point=service_point_id)
    return user


def clerk_required(view):
    """Refuse callers who are not logged in as a clerk or admin (401), and state-changing
    requests that fail the CSRF guard (403); the session's last use is recorded after both,
    unless the request is a background refresh."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        session = current_session()
        if session is None:
            raise DomainError("login_required", status=401)
        if changes_state():
            require_own_origin_or_token(current_csrf_token())
        if changes_state() or request.headers.get(BACKGROUND_HEADER) != "1":
            sessions.touch_session(get_db(), session, jono().clock.now())
        return view(*args, **kwargs)

    return wrapper
