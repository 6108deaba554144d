"""Display pages: server-rendered shell, filled live from the snapshot and queue events."""

from __future__ import annotations

from flask import Blueprint, abort, render_template

from shared.app import jono

pages = Blueprint(
    "display",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/assets/display",
)


@pages.get("/display/<service_point_id>")
def display(service_point_id: str):
    """The lobby display of one service point (numbers only, never personal data)."""
    service_point = jono().config.service_point(service_point_id)
    if service_point is None:
        abort(404)
    return render_template("display/display.html", service_point=service_point)
