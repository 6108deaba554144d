"""Drill: fuzz the whole JSON API of a live `jono serve` from its own OpenAPI document.

Every operation gets schema-valid and schema-breaking requests, as a kiosk (no login) and as a
clerk seated at a counter. No answer may be a 500, every status and body must be one the document
promises, and what the document forbids must be refused.
"""

from __future__ import annotations

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.e2e.conftest import log_in_clerk

EXAMPLES_PER_OPERATION = 15
# Codes of the request validator: the body or query broke the schema, or was not JSON at all.
VALIDATION_CODES = {"invalid_request", "invalid_json"}


@schemathesis.check
def schema_valid_requests_pass_validation(ctx, response, case):
    """A request the document allows must get past the request validator.

    It may still be refused by a domain rule with a 4xx of its own code (the kiosk's answers
    follow a question flow, "an e-mail or a phone number" needs one of two fields): JSON Schema
    cannot say that, and schemathesis' positive_data_acceptance counts any 400 as a mismatch.
    """
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive or response.status_code != 400:
        return None
    try:
        code = response.json()["error"]["code"]
    except (ValueError, KeyError, TypeError):
        code = None
    assert code not in VALIDATION_CODES, (
        f"a schema-valid request was refused by the validator: {response.text[:500]}"
    )
    return None


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
    negative_data_rejection,
    schema_valid_requests_pass_validation,
]


@pytest.fixture
def api_schema(live_server):
    """The OpenAPI document of a live `jono serve`, as any client downloads it."""
    schema = schemathesis.openapi.from_url(f"{live_server}/api/v1/openapi.json")
    schema.config.generation.update(modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
    return schema


@pytest.fixture
def clerk_headers(clerk, live_server) -> dict[str, str]:
    """The session cookie and CSRF token of clerk1, seated at Helsinki counter 1."""
    response = clerk.put(
        f"{live_server}/api/v1/counter",
        json={"service_point": "helsinki", "counter": 1},
        timeout=10,
    )
    assert response.status_code == 200, response.text
    return {
        "Cookie": f"jono_session={clerk.cookies['jono_session']}",
        "X-CSRF-Token": clerk.headers["X-CSRF-Token"],
    }


def fuzz(
    api_schema,
    session: requests.Session,
    headers: dict[str, str],
    skip: tuple[str, ...] = (),
    only: tuple[str, ...] | None = None,
) -> list[str]:
    """Run every operation's examples (or those in `only`) but those in `skip`; return the
    operations fuzzed.

    (schemathesis' own pytest loader does not work with pytest 9, so Hypothesis is driven here.)
    """
    fuzzed = []
    for result in api_schema.get_all_operations():
        operation = result.ok()
        operation_id = operation.definition.raw["operationId"]
        if operation_id in skip or (only is not None and operation_id not in only):
            continue

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        def examples(case):
            case.call_and_validate(checks=CHECKS, session=session, headers=headers)

        examples()
        fuzzed.append(operation.definition.raw["operationId"])
    return fuzzed


def test_the_api_keeps_its_document_for_anonymous_callers(api_schema, http):
    fuzzed = fuzz(api_schema, http, headers={})
    assert {"issueTicket", "callNextTicket", "getQueueSnapshot"} <= set(fuzzed)


def test_the_api_keeps_its_document_for_a_seated_clerk(api_schema, clerk_headers, http):
    # Logging out would end the session on the server, and the rest would be fuzzed anonymously.
    fuzzed = fuzz(api_schema, http, headers=clerk_headers, skip=("logoutClerk",))
    assert {"issueTicket", "callNextTicket", "getQueueSnapshot"} <= set(fuzzed)


# The manager pages' operations, fuzzed again as a manager of Helsinki so they run authorised
# (as a kiosk or a clerk they stop at 401/403). Each manager helper adds its own to this list.
MANAGER_OPERATIONS = (
    # People and devices (manage/people_api.py), and freeing a counter.
    "listAccounts", "addAccount", "disableAccount", "enableAccount", "resetAccountPassword",
    "setAccountServicePoints", "listKiosks", "addKiosk", "renameKiosk", "revokeKiosk",
    "listCounterSeats", "freeCounter",
    # Statistics (manage/statistics_api.py).
    "getTodayOverview", "getStatistics", "exportStatisticsCsv", "getMonthlyReport",
    "getStaffingForecast",
)  # fmt: skip
MANAGER, MANAGER_PASSWORD = "pomo", "manager-password"


@pytest.fixture
def manager_headers(jono_server, live_server) -> dict[str, str]:
    """The session cookie and CSRF token of a manager of Helsinki (made with `jono users`)."""
    jono_server.run_command(
        "users", "add", MANAGER, "--role", "manager", "--service-points", "helsinki",
        stdin=MANAGER_PASSWORD + "\n",
    )  # fmt: skip
    with requests.Session() as session:
        log_in_clerk(session, live_server, MANAGER, MANAGER_PASSWORD)
        return {
            "Cookie": f"jono_session={session.cookies['jono_session']}",
            "X-CSRF-Token": session.headers["X-CSRF-Token"],
        }


def test_the_manager_operations_keep_their_document_for_a_manager(
    api_schema, manager_headers, http
):
    fuzzed = fuzz(api_schema, http, headers=manager_headers, only=MANAGER_OPERATIONS)
    assert set(fuzzed) == set(MANAGER_OPERATIONS)
