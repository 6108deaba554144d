"""The JSON API's common parts: error answers, and the public service point routes."""

from __future__ import annotations

import logging
from datetime import datetime

from apiflask import APIBlueprint
from apiflask.exceptions import HTTPError
from flask import request
from werkzeug.exceptions import HTTPException
from werkzeug.routing import IntegerConverter

from shared.errors import DomainError
from shared.storage.timestamps import utc_text
from shared.web.context import jono
from shared.web.error_texts import error_message
from shared.web.realtime import public_snapshot
from shared.web.schemas import ServicePointList, Snapshot

API_PREFIX = "/api/v1"
SQLITE_MAX_INTEGER = 2**63 - 1
log = logging.getLogger(__name__)
api = APIBlueprint("api", __name__, url_prefix=API_PREFIX, tag="Service points")

HTTP_CODES = {
    400: "invalid_request",
    404: "not_found",
    405: "method_not_allowed",
    401: "login_required",
}


def _plain(value):
    """A parameter as JSON can carry it (a time as ISO 8601 text)."""
    if isinstance(value, datetime):
        return utc_text(value)
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


def error_response(code: str, status: int, params: dict | None = None, details=None):
    """The one shape of every error: a machine-readable code and a message in the caller's
    language."""
    body = {"error": {"code": code, "message": error_message(code, params)}}
    if params:
        body["error"]["params"] = {key: _plain(value) for key, value in params.items()}
    if details:
        body["error"]["details"] = details
    return body, status


@api.get("/service-points")
@api.output(ServicePointList)
@api.doc(operation_id="listServicePoints", summary="List the service points and their counters")
def list_service_points():
    """Every service point with its names, address, counters and queues."""

    config = jono().config
    return {
        "service_points": [
            {
                "id": point.id,
                "name": point.name.as_dict(),
                "address": point.address,
                "timezone": point.timezone,
                "counters": [
                    {"number": c.number, "queues": list(c.queues)} for c in point.counters
                ],
            }
            for point in config.service_points
        ],
        "queues": [
            {"id": q.id, "prefix": q.prefix, "kind": q.kind, "name": q.name.as_dict()}
            for q in config.queues
        ],
        "categories": [{"id": c.id, "name": c.name.as_dict()} for c in config.categories],
    }


@api.get("/service-points/<service_point_id>/snapshot")
@api.output(Snapshot)
@api.doc(
    operation_id="getQueueSnapshot",
    summary="The live state of a service point",
    description="Waiting numbers per queue, recent calls, wait estimates and opening hours."
    " The same"
    " data the Socket.IO `snapshot` event carries; pages poll it when their socket is down.",
    responses={404: "Unknown service point"},
)
def get_queue_snapshot(service_point_id: str):
    """The full snapshot of one service point."""
    return public_snapshot(service_point_id)


class DatabaseIdConverter(IntegerConverter):
    """`<int:…>` path parts bounded to SQLite's 64-bit integers: a larger number is no id (404),
    where it would otherwise overflow inside SQLite and answer 500 (found by the API fuzzer)."""

    def __init__(self, url_map, fixed_digits: int = 0, min=None, max=SQLITE_MAX_INTEGER):
        super().__init__(url_map, fixed_digits=fixed_digits, min=min, max=max)


def complete_document(spec: dict) -> dict:
    """Say in the OpenAPI document what APIFlask leaves out: the bounds of integer path
    parameters, and that a JSON body is required wherever an operation reads one (the validator
    refuses a missing body, as it refuses `{}`)."""
    for item in spec.get("paths", {}).values():
        for operation in item.values():
            if not isinstance(operation, dict):
                continue
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "path" and parameter["schema"].get("type") == "integer":
                    parameter["schema"].update(minimum=0, maximum=SQLITE_MAX_INTEGER)
            if "requestBody" in operation:
                operation["requestBody"].setdefault("required", True)
    return spec


def init_app(app) -> None:
    """Register the common routes and turn every error into the one error shape."""
    # Before any blueprint registers a rule, so every `<int:…>` uses the bounded converter.
    app.url_map.converters["int"] = DatabaseIdConverter
    app.spec_processor(complete_document)
    app.register_blueprint(api)

    @app.before_request
    def refuse_invalid_json():
        """Answer a body that is not JSON with its own code (webargs only says 'Bad Request')."""
        if request.method in ("POST", "PUT", "PATCH") and request.path.startswith(API_PREFIX):
            if request.get_data() and request.get_json(silent=True) is None:
                return error_response("invalid_json", 400)
        return None

    @app.errorhandler(DomainError)
    def domain_error(error: DomainError):
        """A refused request: 4xx with the code and a translated message; nothing was written."""
        return error_response(error.code, error.status, error.params)

    @app.error_processor
    def http_error(error: HTTPError):
        """Validation errors and HTTP errors in the same shape as domain errors."""
        if error.status_code == 400 and error.detail:
            return error_response("invalid_request", 400, details=error.detail)
        code = error.extra_data.get("code") or HTTP_CODES.get(error.status_code, "server_error")
        body, status = error_response(code, error.status_code, error.extra_data.get("params"))
        # Keep werkzeug's headers: a 405 must say which methods are allowed (RFC 9110 `Allow`).
        return body, status, error.headers or {}

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        """Anything unforeseen: log it, answer 500 in the same shape."""
        if isinstance(error, HTTPException):
            return error_response(HTTP_CODES.get(error.code, "server_error"), error.code)
        log.exception("unexpected error")
        return error_response("server_error", 500)
