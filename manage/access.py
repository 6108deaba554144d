"""Who may see what on the manager pages, and how a manager page is rendered.

The roles (docs/managers.md): an admin runs every point; a manager runs their own service points
(`users.service_points`) and nothing of the others; a clerk runs none. Every manager API route
calls `require_manager_of(point)` inside `clerk_required`; every manager page renders through
`render_manager_page`, which shows the login, or a clear refusal in the page's language,
instead of the page. Whom a manager may change among the accounts and which roles and points
they may give are decided here too, so the API and the pages agree.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlencode

from flask import render_template, request

from shared.accounts.users import User
from shared.config.reader import LANGUAGES
from shared.errors import DomainError
from shared.web.clerk_auth import (
    current_csrf_token,
    current_user,
    manager_required,
    require_manager_of,
)
from shared.web.context import jono
from shared.web.error_texts import error_message

__all__ = [
    "account_guard",
    "assignable_roles",
    "managed_service_points",
    "manager_required",
    "may_change_account",
    "render_manager_page",
    "require_assignable",
    "require_manager_of",
    "visible_points_of",
]


def managed_service_points(user: User | None = None) -> list[str]:
    """The ids of the service points the user (default: the logged-in one) runs, in the
    config's order; empty for a clerk or nobody logged in."""
    user = user if user is not None else current_user()
    points = jono().config.service_points
    return [point.id for point in points if user is not None and user.may_manage(point.id)]


def may_change_account(manager: User, account: User) -> bool:
    """Whether the manager may disable, enable, reset or re-point this account.

    An admin may change any other account. A manager may change clerks whose every point is
    one of the manager's: a clerk who also works elsewhere, or at every point, belongs to an
    admin (or to the managers of all of their points together: ask an admin). Nobody changes
    their own account here (it would end their own session; `jono users` can).
    """
    if account.username == manager.username:
        return False
    if manager.is_admin:
        return True
    if account.role != "clerk" or account.service_points is None:
        return False
    return all(manager.may_manage(point) for point in account.service_points)


def account_guard(manager: User, service_point_id: str):
    """The check an account change runs inside its own transaction (`shared.accounts.users`):
    an account not at this point answers 404 ``unknown_user`` (names elsewhere tell nothing),
    one out of the manager's reach 403 ``account_not_managed``, their own 409 ``own_account``."""

    def guard(account: User) -> None:
        if not account.may_work_at(service_point_id):
            raise DomainError("unknown_user", status=404, username=account.username)
        if account.username == manager.username:
            raise DomainError("own_account", status=409)
        if not may_change_account(manager, account):
            raise DomainError("account_not_managed", status=403, username=account.username)

    return guard


def assignable_roles(manager: User) -> tuple[str, ...]:
    """The roles this user may give a new account: an admin any, a manager clerks only."""
    return ("clerk", "manager", "admin") if manager.is_admin else ("clerk",)


def require_assignable(manager: User, role: str, service_points: Iterable[str] | None) -> None:
    """Refuse a role the user may not give (403 ``role_not_allowed``), or points they do not
    run (403 ``service_point_not_allowed``; every point, None, is an admin's to give)."""
    if role not in assignable_roles(manager):
        raise DomainError("role_not_allowed", status=403, role=role)
    if service_points is None:
        if not manager.is_admin:
            raise DomainError("service_point_not_allowed", status=403, service_point="all")
        return
    for point in service_points:
        if not manager.may_manage(point):
            raise DomainError("service_point_not_allowed", status=403, service_point=point)


def visible_points_of(manager: User, account: User) -> tuple[list[str], bool]:
    """The points of an account that this manager may see (their own), and whether the account
    also works at others (without saying which)."""
    managed = managed_service_points(manager)
    if account.service_points is None:
        return managed, not manager.is_admin
    shown = [point for point in account.service_points if point in managed]
    return shown, len(shown) < len(account.service_points)


def render_manager_page(template: str, service_point_id: str, active: str, **values):
    """Render a manager page of one service point, or what stands in its way.

    Without a session: the login page (200). A clerk, or a manager of other points: a refusal
    in the page's language (403); an unknown point: 404. Otherwise `template` with the layout's
    values (see manage/templates/manage/layout.html) and `values`.

    :param active: the nav entry of the page: "today", "history", "forecast" or "people"
    """
    config = jono().config
    user = current_user()
    if user is None:
        return render_template("manage/login.html", **_layout_values(None, None, active)), 200
    try:
        require_manager_of(service_point_id)
    except DomainError as refusal:
        return render_refusal(refusal, active)
    point = config.service_point(service_point_id)
    return render_template(template, **_layout_values(user, point, active), **values)


def render_refusal(refusal: DomainError, active: str = ""):
    """The page that says, in the page's language, why this user may not see a manager page."""
    user = current_user()
    message = error_message(refusal.code, refusal.params)
    return (
        render_template("manage/login.html", refusal=message, **_layout_values(user, None, active)),
        refusal.status,
    )


def _layout_values(user: User | None, point, active: str) -> dict:
    """What the layout needs: the user (None on the login page), the point, the points to pick
    from, the active nav entry, the session's CSRF token, and the language links, which keep
    the page's other choices (a period, a queue)."""
    config = jono().config
    managed = managed_service_points(user) if user is not None else []
    return {
        "manager": user if user is not None and user.is_manager else None,
        "signed_in_user": user,
        "service_point": point,
        "managed_points": [config.service_point(point_id) for point_id in managed],
        "active": active,
        "csrf_token": current_csrf_token(),
        "language_links": {
            code: "?" + urlencode({**request.args.to_dict(flat=False), "lang": code}, doseq=True)
            for code in LANGUAGES
        },
    }
