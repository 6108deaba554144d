"""Counter page: login, choice of service point and counter, the live queue and the actions."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from shared.config.reader import LANGUAGES
from shared.web.clerk_auth import current_session
from shared.web.context import jono
from shared.web.i18n import current_language

pages = Blueprint(
    "counter",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/assets/counter",
)


@pages.get("/counter")
def counter():
    """The clerk's screen; the page itself logs in and chooses a counter through the API."""
    if request.args.get("lang") in LANGUAGES:
        session["language"] = request.args["lang"]
        return redirect(url_for("counter.counter"))
    config = jono().config
    language = current_language()
    return render_template(
        "counter/counter.html",
        config=config,
        signed_in=current_session() is not None,
        counters={
            point.id: {counter.number: list(counter.queues) for counter in point.counters}
            for point in config.service_points
        },
        queue_names={queue.id: queue.name.get(language) for queue in config.queues},
        service_point_names={point.id: point.name.get(language) for point in config.service_points},
        language_names={"fi": _("Finnish"), "sv": _("Swedish"), "en": _("English")},
        category_names={category.id: category.name.get(language) for category in config.categories},
    )
