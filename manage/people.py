"""Manager pages: the way in (`/manage`: the login, then the first point's page), the point
picker, the language choice of every manager page, and "People and devices" of a point."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, redirect, request, session

from manage.access import managed_service_points, render_manager_page, render_refusal
from shared.accounts.users import MINIMUM_PASSWORD_LENGTH
from shared.config.reader import LANGUAGES
from shared.errors import DomainError
from shared.web.clerk_auth import current_user
from shared.web.context import jono

pages = Blueprint(
    "manage_people",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/assets/manage",
)
MANAGER_PAGES = ("today", "history", "forecast", "people")
FIRST_PAGE = "today"


@pages.before_app_request
def remember_language():
    """On any manager page, ?lang=xx is remembered in the session (as the counter does), so the
    language links of the layout work on every page of both manager blueprints."""
    if request.path.startswith("/manage") and request.args.get("lang") in LANGUAGES:
        session["language"] = request.args["lang"]
        others = {key: values for key, values in request.args.lists() if key != "lang"}
        return redirect(request.path + ("?" + urlencode(others, doseq=True) if others else ""))
    return None


@pages.get("/manage")
def manage_home():
    """The login, or the first page of the first point this user runs (a refusal for a clerk)."""
    user = current_user()
    if user is None:
        return render_manager_page("manage/login.html", "", "")
    points = managed_service_points(user)
    if not points:
        return render_refusal(DomainError("manager_only", status=403))
    return redirect(f"/manage/{points[0]}/{FIRST_PAGE}")


@pages.get("/manage/choose")
def choose_service_point():
    """The point picker's form: the same page of the chosen point."""
    point = request.args.get("service_point", "")
    page = request.args.get("page", "")
    if jono().config.service_point(point) is None or page not in MANAGER_PAGES:
        return redirect("/manage")
    return redirect(f"/manage/{point}/{page}")


@pages.get("/manage/<service_point_id>/people")
def people(service_point_id: str):
    """Clerks and managers, paired kiosks and open counters of one point; the page does its
    work through the API (`manage.people_api`)."""
    user = current_user()
    roles = ("clerk", "manager", "admin") if user is not None and user.is_admin else ("clerk",)
    point = jono().config.service_point(service_point_id)
    return render_manager_page(
        "manage/people.html",
        service_point_id,
        "people",
        roles=roles,
        minimum_password_length=MINIMUM_PASSWORD_LENGTH,
        counters=[counter.number for counter in point.counters] if point else [],
    )
