"""Counter page: login, choice of service point and counter, the live queue and the actions."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, session, url_for

from shared.app import jono
from shared.config import LANGUAGES

pages = Blueprint("counter", __name__, template_folder="templates", static_folder="static",
                  static_url_path="/static/counter")


@pages.get("/counter")
def counter():
    """The clerk's screen; the page itself logs in and chooses a counter through the API."""
    if request.args.get("lang") in LANGUAGES:
        session["language"] = request.args["lang"]
        return redirect(url_for("counter.counter"))
    config = jono().config
    return render_template("counter/counter.html", config=config)
