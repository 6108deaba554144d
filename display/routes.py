"""Display pages: server-rendered shell, filled live from the snapshot and queue events."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request

from shared.web.context import jono

pages = Blueprint(
    "display",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/assets/display",
)
MAX_QUEUES_PARAMETER = 200


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


@pages.get("/display/<service_point_id>")
def display(service_point_id: str):
    """The lobby display of one service point (numbers only, never personal data)."""
    state = jono()
    service_point = state.config.service_point(service_point_id)
    if service_point is None:
        abort(404)
    queues = visible_queues(service_point)
    return render_template(
        "display/display.html",
        service_point=service_point,
        queues=queues,
        queue_names={q.id: q.name.as_dict() for q in state.config.queues},
    )
