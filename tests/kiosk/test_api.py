"""Kiosk and public API: service points, snapshot, triage and issuing numbers, and their errors."""

from __future__ import annotations

from datetime import datetime

import pytest

from tests.conftest import HELSINKI, count_rows

URGENT_ANSWERS = {
    "matter": "residence_permit",
    "expiry_year": 2027,
    "expiry_month": 1,
    "found_appointment": False,
}
BOOKING_HELP_ANSWERS = {"matter": "citizenship", "can_use_online_booking": False}


def ticket_body(answers=None, key="kiosk-1-visit-0001", language="en"):
    """A valid issueTicket body."""
    return {"answers": answers or URGENT_ANSWERS, "language": language, "idempotency_key": key}


def test_list_service_points(client):
    response = client.get("/api/v1/service-points")
    assert response.status_code == 200
    body = response.json
    assert [point["id"] for point in body["service_points"]] == ["helsinki", "tampere"]
    helsinki = body["service_points"][0]
    assert helsinki["name"]["sv"] == "Helsingfors, Malm"
    assert helsinki["timezone"] == "Europe/Helsinki"
    assert helsinki["counters"][0] == {"number": 1, "queues": ["urgent", "booking_help"]}
    assert [queue["prefix"] for queue in body["queues"]] == ["A", "B", "C"]
    assert "citizenship" in [category["id"] for category in body["categories"]]


def test_queue_snapshot(client):
    client.post("/api/v1/service-points/helsinki/tickets", json=ticket_body())
    response = client.get("/api/v1/service-points/helsinki/snapshot")
    assert response.status_code == 200
    snapshot = response.json
    assert snapshot["service_point"]["id"] == "helsinki"
    assert snapshot["sequence"] == 1
    assert snapshot["hours"]["is_open"] is True
    assert snapshot["hours"]["is_accepting_tickets"] is True
    urgent = next(queue for queue in snapshot["queues"] if queue["id"] == "urgent")
    assert urgent["waiting_count"] == 1
    assert [waiting["number"] for waiting in urgent["waiting"]] == ["A001"]


def test_snapshot_of_unknown_service_point(client):
    response = client.get("/api/v1/service-points/oulu/snapshot")
    assert response.status_code == 404
    assert response.json["error"]["code"] == "unknown_service_point"


@pytest.mark.parametrize(
    ("answers", "outcome", "queue"),
    [
        (URGENT_ANSWERS, "urgent_ticket", "urgent"),
        (BOOKING_HELP_ANSWERS, "booking_help_ticket", "booking_help"),
        ({"matter": "citizenship"}, "book_online", None),
        ({"matter": "additional_documents"}, "postbox", None),
        ({"matter": "asylum"}, "asylum_invitation", None),
    ],
)
def test_triage_visit(client, db, answers, outcome, queue):
    response = client.post("/api/v1/service-points/helsinki/triage", json=answers)
    assert response.status_code == 200
    body = response.json
    assert body["outcome"] == outcome
    assert body["queue"] == queue
    assert body["is_urgent"] is (outcome == "urgent_ticket")
    assert body["is_accepting_tickets"] is True
    assert body["booking_url"] == "http://127.0.0.1:8000/booking"
    if queue:
        assert body["estimate"]["queue"] == queue
        assert body["estimate"]["waiting_count"] == 0
    else:
        assert body["estimate"] is None
    assert count_rows(db) == {"tickets": 0, "events": 0}  # only its verdict (test_triage_outcomes)


def test_triage_splits_a_party_of_nine(client):
    response = client.post(
        "/api/v1/service-points/helsinki/triage", json={**URGENT_ANSWERS, "party_size": 9}
    )
    assert response.status_code == 200
    assert response.json["party_groups"] == [6, 3]
    assert response.json["months_until_expiry"] == 2


def test_triage_estimate_counts_those_waiting(client, make_clerk):
    make_clerk()  # counter 1 open: without one the wait cannot be estimated
    client.post("/api/v1/service-points/helsinki/tickets", json=ticket_body())
    response = client.post("/api/v1/service-points/helsinki/triage", json=URGENT_ANSWERS)
    assert response.json["estimate"]["waiting_count"] == 1
    assert response.json["estimate"]["estimated_wait_minutes"] > 0


def test_triage_missing_answer(client):
    response = client.post(
        "/api/v1/service-points/helsinki/triage", json={"matter": "residence_permit"}
    )
    assert response.status_code == 400
    assert response.json["error"]["code"] == "missing_answer"


def test_issue_ticket(client, db):
    response = client.post(
        "/api/v1/service-points/helsinki/tickets", json=ticket_body(language="sv")
    )
    assert response.status_code == 201
    ticket = response.json
    assert ticket["number"] == "A001"
    assert ticket["queue"] == "urgent"
    assert ticket["status"] == "waiting"
    assert ticket["language"] == "sv"
    assert ticket["people_ahead"] == 0
    assert ticket["estimated_wait_minutes"] is None  # no counter open: no honest estimate
    assert ticket["is_likely_served_today"] is True
    assert ticket["issued_at"] == "2026-11-30T08:00:00.000000+00:00"
    stored = db.execute("SELECT category, language, triage_answers FROM tickets").fetchone()
    assert stored[0] == "residence_permit"
    assert stored[1] == "sv"
    assert '"no_appointment_found"' in stored[2]  # the clerk sees why the number was given


def test_second_ticket_has_one_ahead(client, make_clerk):
    make_clerk()  # counter 1 open, the only one serving now
    client.post(
        "/api/v1/service-points/helsinki/tickets", json=ticket_body(key="kiosk-1-visit-0001")
    )
    response = client.post(
        "/api/v1/service-points/helsinki/tickets", json=ticket_body(key="kiosk-1-visit-0002")
    )
    assert response.status_code == 201
    assert response.json["number"] == "A002"
    assert response.json["people_ahead"] == 1
    # 12 minutes per customer, with only counter 1 open to call them.
    assert response.json["estimated_wait_minutes"] == 12


def test_issue_booking_help_ticket(client):
    response = client.post(
        "/api/v1/service-points/helsinki/tickets", json=ticket_body(BOOKING_HELP_ANSWERS)
    )
    assert response.status_code == 201
    assert (response.json["number"], response.json["queue"]) == ("B001", "booking_help")


def test_repeated_idempotency_key_returns_the_same_ticket(client, db):
    first = client.post("/api/v1/service-points/helsinki/tickets", json=ticket_body())
    again = client.post("/api/v1/service-points/helsinki/tickets", json=ticket_body())
    assert first.status_code == 201
    assert again.status_code == 200
    assert again.json["id"] == first.json["id"]
    assert again.json["number"] == "A001"
    assert count_rows(db) == {"tickets": 1, "events": 1}


def post_ticket_raw(client, data):
    """Post a raw body to issueTicket."""
    return client.post(
        "/api/v1/service-points/helsinki/tickets", data=data, content_type="application/json"
    )


BAD_ISSUE_REQUESTS = [
    pytest.param(
        "/api/v1/service-points/helsinki/tickets",
        "{not json",
        400,
        "invalid_json",
        id="invalid-json",
    ),
    pytest.param(
        "/api/v1/service-points/oulu/tickets",
        ticket_body(),
        404,
        "unknown_service_point",
        id="unknown-service-point",
    ),
    pytest.param(
        "/api/v1/service-points/helsinki/tickets",
        ticket_body({**URGENT_ANSWERS, "party_size": "two"}),
        400,
        "invalid_request",
        id="party-size-not-a-number",
    ),
    pytest.param(
        "/api/v1/service-points/helsinki/tickets",
        ticket_body({**URGENT_ANSWERS, "found_appointment": "maybe"}),
        400,
        "invalid_request",
        id="boolean-not-a-boolean",
    ),
    pytest.param(
        "/api/v1/service-points/helsinki/tickets",
        {"answers": "urgent", "idempotency_key": "kiosk-1-visit-0001"},
        400,
        "invalid_request",
        id="answers-not-an-object",
    ),
    pytest.param(
        "/api/v1/service-points/helsinki/tickets",
        {"answers": URGENT_ANSWERS},
        400,
        "invalid_request",
        id="missing-idempotency-key",
    ),
    pytest.param(
        "/api/v1/service-points/helsinki/tickets",
        ticket_body(key="short"),
        400,
        "invalid_request",
        id="short-idempotency-key",
    ),
    pytest.param(
        "/api/v1/service-points/helsinki/tickets",
        ticket_body(language="de"),
        400,
        "invalid_request",
        id="unknown-language",
    ),
    pytest.param(
        "/api/v1/service-points/helsinki/tickets",
        ticket_body({**URGENT_ANSWERS, "matter": "fishing_licence"}),
        400,
        "invalid_request",
        id="unknown-matter",
    ),
    pytest.param(
        "/api/v1/service-points/helsinki/tickets",
        ticket_body({**URGENT_ANSWERS, "party_size": 9}),
        400,
        "party_too_large",
        id="party-of-nine",
    ),
    pytest.param(
        "/api/v1/service-points/helsinki/tickets",
        ticket_body({"matter": "residence_permit", "found_appointment": False}),
        400,
        "missing_answer",
        id="missing-expiry",
    ),
    pytest.param(
        "/api/v1/service-points/helsinki/tickets",
        ticket_body({"matter": "citizenship"}),
        409,
        "not_a_ticket_outcome",
        id="non-urgent-matter",
    ),
    pytest.param(
        "/api/v1/service-points/helsinki/tickets",
        ticket_body({**URGENT_ANSWERS, "found_appointment": True}),
        409,
        "not_a_ticket_outcome",
        id="appointment-found",
    ),
    pytest.param(
        "/api/v1/service-points/helsinki/tickets",
        ticket_body({"matter": "asylum"}),
        409,
        "not_a_ticket_outcome",
        id="asylum",
    ),
    pytest.param(
        "/api/v1/service-points/helsinki/triage",
        "[1, 2",
        400,
        "invalid_json",
        id="triage-invalid-json",
    ),
    pytest.param(
        "/api/v1/service-points/oulu/triage",
        URGENT_ANSWERS,
        404,
        "unknown_service_point",
        id="triage-unknown-service-point",
    ),
    pytest.param(
        "/api/v1/service-points/helsinki/triage",
        {"matter": 7},
        400,
        "invalid_request",
        id="triage-matter-not-a-string",
    ),
    pytest.param(
        "/api/v1/service-points/helsinki/triage",
        {**URGENT_ANSWERS, "expiry_month": 13},
        400,
        "invalid_request",
        id="triage-month-thirteen",
    ),
]


@pytest.mark.parametrize(("path", "body", "status", "code"), BAD_ISSUE_REQUESTS)
def test_bad_kiosk_request_is_refused_and_writes_nothing(client, db, path, body, status, code):
    client.post(
        "/api/v1/service-points/helsinki/tickets", json=ticket_body(key="kiosk-1-earlier-01")
    )
    before = count_rows(db)
    if isinstance(body, str):
        response = client.post(path, data=body, content_type="application/json")
    else:
        response = client.post(path, json=body)
    assert response.status_code == status, response.json
    assert response.json["error"]["code"] == code
    assert response.json["error"]["message"]
    assert count_rows(db) == before


def test_validation_error_names_the_field(client):
    response = client.post(
        "/api/v1/service-points/helsinki/tickets",
        json=ticket_body({**URGENT_ANSWERS, "party_size": "two"}),
    )
    assert response.json["error"]["details"]["json"]["answers"]["party_size"]


def test_no_tickets_after_the_last_ticket_time(client, clock, db):
    clock.set(datetime(2026, 11, 30, 15, 50, tzinfo=HELSINKI))
    triaged = client.post("/api/v1/service-points/helsinki/triage", json=URGENT_ANSWERS)
    assert triaged.json["is_accepting_tickets"] is False
    response = client.post("/api/v1/service-points/helsinki/tickets", json=ticket_body())
    assert response.status_code == 409
    assert response.json["error"]["code"] == "not_issuing"
    assert count_rows(db) == {"tickets": 0, "events": 0}


def test_no_tickets_on_a_weekend(client, clock):
    clock.set(datetime(2026, 12, 5, 10, 0, tzinfo=HELSINKI))
    response = client.post("/api/v1/service-points/helsinki/tickets", json=ticket_body())
    assert response.status_code == 409
    assert response.json["error"]["code"] == "not_issuing"


def test_unknown_api_path_has_the_error_shape(client):
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.json["error"]["code"] == "not_found"


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_error_shape_in_every_language_by_query(client, language):
    response = client.get(f"/api/v1/service-points/oulu/snapshot?lang={language}")
    assert response.status_code == 404
    error = response.json["error"]
    assert error["code"] == "unknown_service_point"
    assert isinstance(error["message"], str)
    assert "oulu" in error["message"]


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_error_shape_in_every_language_by_header(client, language):
    response = client.post(
        "/api/v1/service-points/helsinki/tickets",
        json=ticket_body({**URGENT_ANSWERS, "party_size": 9}),
        headers={"Accept-Language": f"{language},en;q=0.5"},
    )
    assert response.status_code == 400
    error = response.json["error"]
    assert error["code"] == "party_too_large"
    assert "6" in error["message"]


def test_error_messages_are_translated(client):
    """The message follows ?lang= and Accept-Language (needs the compiled fi and sv catalogues)."""
    by_query = {
        language: client.get(f"/api/v1/service-points/oulu/snapshot?lang={language}").json["error"]
        for language in ("fi", "sv", "en")
    }
    by_header = {
        language: client.get(
            "/api/v1/service-points/oulu/snapshot", headers={"Accept-Language": language}
        ).json["error"]
        for language in ("fi", "sv", "en")
    }
    assert by_query == by_header
    messages = {language: error["message"] for language, error in by_query.items()}
    assert messages["fi"] != messages["en"]
    assert messages["sv"] != messages["en"]
    assert messages["fi"] != messages["sv"]
    assert all("oulu" in message for message in messages.values())


def test_kiosk_routes_need_no_login(client):
    assert client.get("/api/v1/service-points").status_code == 200
    assert client.get("/api/v1/service-points/helsinki/snapshot").status_code == 200
    assert (
        client.post("/api/v1/service-points/helsinki/triage", json=URGENT_ANSWERS).status_code
        == 200
    )
    assert (
        client.post("/api/v1/service-points/helsinki/tickets", json=ticket_body()).status_code
        == 201
    )
