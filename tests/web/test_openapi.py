"""The published OpenAPI document: every operation is in it, and its security claims hold."""

from __future__ import annotations

import re

import pytest

# The operations of the walk-in side that must be in the document (the public ones and the kiosk's).
KIOSK_OPERATIONS = {
    "listServicePoints",
    "getQueueSnapshot",
    "triageVisit",
    "issueTicket",
    "getPrintStatus",
    "loginClerk",
    "checkInAppointment",
    "bookOfferedAppointment",
}
CLERK_OPERATIONS = {
    "logoutClerk",
    "getCounterState",
    "openCounter",
    "callNextTicket",
    "callTicket",
    "recallTicket",
    "markNoShow",
    "startServing",
    "finishTicket",
    "transferTicket",
    "returnTicketToQueue",
    "reprintTicket",
    "bookAppointmentForCustomer",
    "getConfirmationSlip",
    "listTodaysAppointments",
    "getAppointmentMessages",
    "freeCounter",
    "listExpiredTickets",
}
# The manager pages' people and devices (manage/people_api.py): a session, and a manager's role.
CLERK_OPERATIONS |= {
    "listAccounts",
    "addAccount",
    "disableAccount",
    "enableAccount",
    "resetAccountPassword",
    "setAccountServicePoints",
    "listKiosks",
    "addKiosk",
    "renameKiosk",
    "revokeKiosk",
    "listCounterSeats",
}
# The counter screen's own reads (counter/api.py): the counters to choose from, the waiting list.
CLERK_OPERATIONS |= {"listCounters", "listWaitingTickets"}
# The manager pages' figures (manage/statistics_api.py): a session, and a manager's role.
CLERK_OPERATIONS |= {
    "getTodayOverview",
    "getStatistics",
    "exportStatisticsCsv",
    "getMonthlyReport",
    "getStaffingForecast",
}
HTTP_METHODS = ("get", "put", "post", "delete", "patch")


@pytest.fixture
def document(client):
    """The OpenAPI document as a client downloads it."""
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json


def operations(document):
    """Yield (method, path, operation) for every operation in the document."""
    for path, item in document["paths"].items():
        for method in HTTP_METHODS:
            if method in item:
                yield method, path, item[method]


def resolve(document, schema):
    """Follow a local $ref."""
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = document["components"]["schemas"][name]
    return schema


def example_value(document, schema):
    """A value that passes the schema's type checks (enough to get past validation)."""
    schema = resolve(document, schema)
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "object":
        required = schema.get("required", [])
        return {name: example_value(document, schema["properties"][name]) for name in required}
    return {"integer": 1, "number": 1, "boolean": True, "array": []}.get(kind, "helsinki")


def example_path(path: str) -> str:
    """The path with each parameter filled in: a real service point, or the id 1."""
    return re.sub(
        r"\{([^}]+)\}",
        lambda match: "helsinki" if "service_point" in match.group(1) else "1",
        path,
    )


def example_body(document, operation):
    """A JSON body for the operation built from its request schema, or None."""
    content = operation.get("requestBody", {}).get("content", {}).get("application/json")
    return example_value(document, content["schema"]) if content else None


def test_document_is_openapi_3(document):
    assert document["openapi"].startswith("3.")
    assert document["info"]["title"] == "Jono API"
    assert document["components"]["securitySchemes"]["clerkSession"]["in"] == "cookie"


def test_document_has_every_operation(document):
    operation_ids = {operation["operationId"] for _, _, operation in operations(document)}
    assert KIOSK_OPERATIONS | CLERK_OPERATIONS <= operation_ids


def test_operation_ids_are_unique(document):
    operation_ids = [operation["operationId"] for _, _, operation in operations(document)]
    assert len(operation_ids) == len(set(operation_ids))


def test_exactly_the_counter_operations_need_a_clerk(document):
    secured = {
        operation["operationId"]
        for _, _, operation in operations(document)
        if {"clerkSession": []} in operation.get("security", [])
    }
    assert secured == CLERK_OPERATIONS


def test_every_secured_operation_refuses_an_anonymous_caller(document, anonymous_client, db):
    client = anonymous_client
    ticket_count = db.execute("SELECT COUNT(*) FROM tickets").fetchone()[0]
    checked = []
    for method, path, operation in operations(document):
        if {"clerkSession": []} not in operation.get("security", []):
            continue
        response = client.open(
            example_path(path), method=method.upper(), json=example_body(document, operation)
        )
        assert response.status_code == 401, (operation["operationId"], response.json)
        assert response.json["error"]["code"] == "login_required"
        assert "401" in operation["responses"], operation["operationId"]
        checked.append(operation["operationId"])
    assert set(checked) == CLERK_OPERATIONS
    assert db.execute("SELECT COUNT(*) FROM tickets").fetchone()[0] == ticket_count


def test_every_operation_that_wants_a_login_declares_it(document, anonymous_client):
    """Walk every operation as an anonymous caller: one that asks for a login must say so in the
    document, so the document is the whole list of guarded routes (the test above then proves
    each of them refuses)."""
    client = anonymous_client
    for method, path, operation in operations(document):
        response = client.open(
            example_path(path), method=method.upper(), json=example_body(document, operation)
        )
        response.close()  # some operations answer with a file
        if response.status_code == 401 and response.json["error"]["code"] == "login_required":
            assert {"clerkSession": []} in operation.get("security", []), operation["operationId"]


def test_counter_and_admin_operations_are_all_guarded(document):
    """Every counter or admin operation except the login itself (and its CSRF token) is
    declared clerk-only."""
    public = ("loginClerk", "getLoginToken")
    for _, path, operation in operations(document):
        tags = {tag.lower() for tag in operation.get("tags", [])}
        if ({"counter", "admin"} & tags or "/admin" in path) and operation[
            "operationId"
        ] not in public:
            assert operation.get("security"), operation["operationId"]


def test_request_bodies_are_documented(document):
    """The same schemas validate the requests: a body the document requires is really required."""
    bodies = {
        operation["operationId"]: resolve(
            document, operation["requestBody"]["content"]["application/json"]["schema"]
        )
        for _, _, operation in operations(document)
        if "requestBody" in operation
    }
    assert set(bodies["issueTicket"]["required"]) == {"answers", "idempotency_key"}
    assert set(bodies["loginClerk"]["required"]) == {"username", "password"}
    assert set(bodies["openCounter"]["required"]) == {"service_point", "counter"}
    assert bodies["transferTicket"]["required"] == ["queue"]
    assert resolve(document, bodies["triageVisit"])["required"] == ["matter"]


def test_errors_are_documented_in_the_one_shape(document):
    for _, _, operation in operations(document):
        for status, response in operation["responses"].items():
            if status.startswith("4"):
                schema = response["content"]["application/json"]["schema"]
                assert schema == {"$ref": "#/components/schemas/ErrorSchema"}, operation[
                    "operationId"
                ]


def test_an_id_beyond_sqlite_integers_is_not_found_rather_than_a_server_error(make_clerk):
    clerk = make_clerk()
    response = clerk.post("/api/v1/tickets/51568186126573743636480/finish")
    assert response.status_code == 404
    assert response.json["error"]["code"] == "not_found"


def test_integer_path_parameters_and_required_bodies_are_documented(document):
    for _, path, operation in operations(document):
        for parameter in operation.get("parameters", []):
            if parameter["in"] == "path" and parameter["schema"]["type"] == "integer":
                assert parameter["schema"]["maximum"] == 2**63 - 1, path
        if "requestBody" in operation:
            assert operation["requestBody"]["required"] is True, operation["operationId"]


def test_a_wrong_method_names_the_allowed_ones(client):
    response = client.open("/api/v1/counter", method="TRACE")
    assert response.status_code == 405
    assert response.json["error"]["code"] == "method_not_allowed"
    assert {"GET", "PUT"} <= {method.strip() for method in response.headers["Allow"].split(",")}


KIOSK_DEVICE_OPERATIONS = {
    "triageVisit",
    "issueTicket",
    "checkInAppointment",
    "bookOfferedAppointment",
    "getPrintStatus",
    "setTurnNearPhone",
    "getKioskScreenAudio",
}


def test_every_kiosk_operation_refuses_a_stranger_and_says_so_in_the_document(
    document, anonymous_client, db
):
    """Walk every operation as a browser that is no kiosk: exactly the ones the document marks
    `kioskDevice` answer 401 ``kiosk_not_paired``, and each of them does."""
    tickets = db.execute("SELECT COUNT(*) FROM tickets").fetchone()[0]
    refused, declared = set(), set()
    for method, path, operation in operations(document):
        if {"kioskDevice": []} in operation.get("security", []):
            declared.add(operation["operationId"])
            assert "401" in operation["responses"], operation["operationId"]
        response = anonymous_client.open(
            example_path(path), method=method.upper(), json=example_body(document, operation)
        )
        response.close()
        if response.status_code == 401 and response.json["error"]["code"] == "kiosk_not_paired":
            refused.add(operation["operationId"])
    assert refused == declared == KIOSK_DEVICE_OPERATIONS
    assert db.execute("SELECT COUNT(*) FROM tickets").fetchone()[0] == tickets
