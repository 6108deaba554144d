"""Display pages: server-rendered shell, filled live from the snapshot and queue events."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_babel import force_locale, gettext

from shared.config.reader import LANGUAGES
from shared.web.context import jono
from shared.web.i18n import calendar_words

pages = Blueprint(
    "display",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/assets/display",
)
MAX_QUEUES_PARAMETER = 200
# How long each language's labels stay on the screen before the next one's (display.js).
LANGUAGE_SECONDS = 6


def visible_queues(service_point) -> list[str]:
    """The queues a display shows: ?queues=a,b, else the service point's display_queues, else all.

    Unknown queue ids in the URL are refused with 404, so a typo never shows an empty display.
    """
    known = [queue.id for queue in jono().config.queues]
    asked = request.args.get("queues", "")[:MAX_QUEUES_PARAMETER]
    if asked:
        chosen = [queue_id.strip() for queue_id in asked.split(",") if queue_id.strip()]
        if not chosen or any(queue_id not in known for queue_id in chosen):
            abort(404)
        return chosen
    return list(service_point.display_queues) or known


def queue_counters(service_point) -> dict[str, list[int]]:
    """The counters that call from each queue: with none of them open, a wait is not estimated."""
    return {
        queue.id: [c.number for c in service_point.counters if queue.id in c.queues]
        for queue in jono().config.queues
    }


def display_texts(service_point, language: str) -> dict:
    """Every label of the display in one language, for display.js to show in turn."""
    with force_locale(language):
        message = service_point.display_message
        return {
            "place": service_point.name.get(language),
            "now_calling": gettext("Now calling"),
            "no_calls": gettext("No numbers called yet"),
            "recent_calls": gettext("Recent calls"),
            "queues": gettext("Queues"),
            "counter": gettext("Counter"),
            "waiting": gettext("waiting"),
            "estimate": gettext("about {wait}"),
            "no_wait": gettext("no wait"),
            "no_counter_open": gettext("no counter open"),
            "reconnecting": gettext("Reconnecting…"),
            "announcement": gettext("Number {number}, counter {counter}"),
            "closed": gettext("Closed now."),
            "closed_until": gettext("Closed now. Next open {day} at {time}."),
            "message": message.get(language) if message else "",
            "calendar": calendar_words(language),
        }


@pages.get("/display/<service_point_id>")
def display(service_point_id: str):
    """The lobby display of one service point (numbers only, never personal data).

    Its labels and info message take turns in Finnish, Swedish and English (the calls are
    spoken in the configured languages), starting with the page's language.
    """
    state = jono()
    service_point = state.config.service_point(service_point_id)
    if service_point is None:
        abort(404)
    return render_template(
        "display/display.html",
        service_point=service_point,
        queues=visible_queues(service_point),
        queue_names={q.id: q.name.as_dict() for q in state.config.queues},
        queue_counters=queue_counters(service_point),
        texts={code: display_texts(service_point, code) for code in LANGUAGES},
        language_seconds=LANGUAGE_SECONDS,
    )
