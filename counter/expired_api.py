"""Counter API: the numbers of a service day that expired (still waiting when the point closed),
for the clerk who asks the next morning."""

from __future__ import annotations

from datetime import date, timedelta

from apiflask import APIBlueprint, Schema
from apiflask.fields import Date, Integer, List, Nested, String

from shared.queue.service_days import expired_numbers
from shared.queue.tickets import local_day, require_service_point
from shared.web.clerk_auth import CLERK_ONLY, clerk_required, require_service_point_access
from shared.web.context import get_db, jono

api = APIBlueprint("counter_expired_api", __name__, url_prefix="/api/v1", tag="Counter")


class ExpiredQuery(Schema):
    day = Date(metadata={"description": "the service day (default: the one before today)"})


class ExpiredNumberSchema(Schema):
    id = Integer()
    number = String()
    queue = String()
    party_size = Integer()
    language = String()
    issued_at = String()
    expired_at = String()


class ExpiredNumbersSchema(Schema):
    service_point = String()
    day = String()
    numbers = List(Nested(ExpiredNumberSchema))


@api.get("/service-points/<service_point_id>/expired-tickets")
@clerk_required  # outermost, so an anonymous caller gets 401 before the query is even validated
@api.input(ExpiredQuery, location="query", arg_name="query")
@api.output(ExpiredNumbersSchema)
@api.doc(
    operation_id="listExpiredTickets",
    summary="The numbers of a service day that expired when the point closed",
    description="For a clerk of the service point: who waited and was not called that day.",
    **CLERK_ONLY,
    responses={401: "Not logged in", 403: "Not a point of this user", 404: "Unknown point"},
)
def list_expired_tickets(service_point_id: str, query: dict):
    """The expired numbers of one service day, yesterday's unless told."""
    state = jono()
    point = require_service_point(state.config, service_point_id)
    require_service_point_access(point.id)
    today = date.fromisoformat(local_day(point, state.clock.now()))
    day = (query.get("day") or today - timedelta(days=1)).isoformat()
    return {
        "service_point": point.id,
        "day": day,
        "numbers": expired_numbers(get_db(), point.id, day),
    }
