"""Counter API for admins and the managers of a point: free a counter that another clerk holds
(they left without logging out, their machine broke). The number called there goes back to its
place in the queue, as at that clerk's logout."""

from __future__ import annotations

import logging

from apiflask import APIBlueprint

from shared.queue.counters import free_counter
from shared.web.clerk_auth import (
    CLERK_ONLY,
    clerk_required,
    current_clerk,
    require_manager_of,
)
from shared.web.context import get_db, jono
from shared.web.realtime import publish

api = APIBlueprint("counter_admin_api", __name__, url_prefix="/api/v1", tag="Counter")
log = logging.getLogger(__name__)


@api.delete("/service-points/<service_point_id>/counters/<int:counter_number>/clerk")
@api.output({}, status_code=204)
@api.doc(
    operation_id="freeCounter",
    summary="Free a counter whoever holds it (admins, and managers of its point)",
    description="The clerk who held it is no longer seated; a number called there goes back to"
    " its place in the queue. Their session stays: they may choose a counter again.",
    **CLERK_ONLY,
    responses={
        401: "Not logged in",
        403: "Not a manager or admin (manager_only), or not one of their service points; or no"
        " CSRF token and no Origin of this site",
        404: "Unknown service point or counter",
        409: "Nobody holds the counter",
    },
)
@clerk_required
def free_counter_route(service_point_id: str, counter_number: int):
    """Close another clerk's counter and tell the displays and counters."""
    require_manager_of(service_point_id)
    state = jono()
    events = free_counter(
        get_db(), state.config, service_point_id, counter_number, state.clock.now()
    )
    log.info("%s freed counter %s of %s", current_clerk(), counter_number, service_point_id)
    publish(events)
    return ""
