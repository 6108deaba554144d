"""Kiosk pages: one touchscreen page per service point, in the language the person picks."""

from __future__ import annotations

from flask import Blueprint, abort, render_template

from shared.app import jono

pages = Blueprint("kiosk", __name__, template_folder="templates", static_folder="static",
                  static_url_path="/static/kiosk")


@pages.get("/kiosk/<service_point_id>")
def kiosk(service_point_id: str):
    """The kiosk of one service point; ?lang=fi|sv|en picks the language (start screen otherwise)."""
    state = jono()
    service_point = state.config.service_point(service_point_id)
    if service_point is None:
        abort(404)
    return render_template(
        "kiosk/kiosk.html",
        service_point=service_point,
        rules=state.config.rules,
        today=state.clock.now().astimezone(service_point.zone).date(),
    )
