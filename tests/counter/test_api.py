"""Counter API: clerk sessions, choosing a counter, and every action on a waiting number."""

from __future__ import annotations

import pytest

from tests.conftest import CLERK_PASSWORD, count_rows, log_in

URGENT_ANSWERS = {
    "matter": "residence_permit",
    "expiry_year": 2027,
    "expiry_month": 1,
    "found_appointment": False,
}


@pytest.fixture
def issue_number(client, pair_kiosk):
    """Issue an urgent number through the kiosk API (a paired kiosk of each service point);
    return its JSON."""
    issued = []
    kiosks = {"helsinki": client}

    def issue(service_point: str = "helsinki", answers=None):
        if service_point not in kiosks:
            kiosks[service_point] = pair_kiosk(service_point)
        response = kiosks[service_point].post(
            f"/api/v1/service-points/{service_point}/tickets",
            json={
                "answers": answers or URGENT_ANSWERS,
                "idempotency_key": f"kiosk-visit-{len(issued):04d}",
            },
        )
        assert response.status_code == 201, response.json
        issued.append(response.json)
        return response.json

    return issue


@pytest.fixture
def logged_in(app, db, clock):
    """A clerk who logged in but chose no counter yet."""
    from shared.accounts.users import add_user

    add_user(db, "noora", CLERK_PASSWORD, "clerk", clock.now())
    clerk = app.test_client()
    response = log_in(clerk, "noora")
    assert response.status_code == 200
    return clerk


def snapshot(client, service_point="helsinki"):
    """The public snapshot of a service point."""
    return client.get(f"/api/v1/service-points/{service_point}/snapshot").json


def test_login_clerk(app, db, clock):
    from shared.accounts.users import add_user

    add_user(db, "noora", CLERK_PASSWORD, "admin", clock.now())
    clerk = app.test_client()
    response = log_in(clerk, "noora")
    assert response.status_code == 200
    answer = response.json
    token = answer.pop("csrf_token")
    assert answer == {
        "username": "noora",
        "role": "admin",
        "service_points": ["helsinki", "tampere"],
    }
    state = clerk.get("/api/v1/counter")
    assert state.status_code == 200
    assert state.json["clerk"] == answer
    assert state.json["csrf_token"] == token
    assert state.json["counter"] is None


@pytest.mark.parametrize(
    ("username", "password"), [("noora", "wrong-password"), ("nobody", CLERK_PASSWORD)]
)
def test_wrong_credentials(logged_in, app, username, password):
    stranger = app.test_client()
    response = log_in(stranger, username, password)
    assert response.status_code == 401
    assert response.json["error"]["code"] == "wrong_credentials"
    assert stranger.get("/api/v1/counter").status_code == 401


def test_login_with_wrong_types(client):
    response = client.post("/api/v1/session", json={"username": 12, "password": ["x"]})
    assert response.status_code == 400
    assert response.json["error"]["code"] == "invalid_request"


def test_logout_frees_the_counter(make_clerk, app, db, clock, client):
    clerk = make_clerk("clerk1", "helsinki", 1)
    assert snapshot(client)["open_counters"] == [1]
    response = clerk.delete("/api/v1/session")
    assert response.status_code == 204
    assert snapshot(client)["open_counters"] == []
    assert clerk.get("/api/v1/counter").status_code == 401
    assert clerk.post("/api/v1/counter/call-next").status_code == 401
    # Someone else may now sit at counter 1.
    make_clerk("clerk2", "helsinki", 1)
    assert snapshot(client)["open_counters"] == [1]


def test_open_counter(logged_in, client):
    response = logged_in.put("/api/v1/counter", json={"service_point": "tampere", "counter": 3})
    assert response.status_code == 200
    assert response.json["service_point"] == "tampere"
    assert response.json["counter"] == 3
    assert response.json["current_ticket"] is None
    assert snapshot(client, "tampere")["open_counters"] == [3]
    # Moving to another counter frees the first one.
    response = logged_in.put("/api/v1/counter", json={"service_point": "helsinki", "counter": 2})
    assert response.status_code == 200
    assert snapshot(client, "tampere")["open_counters"] == []
    assert snapshot(client, "helsinki")["open_counters"] == [2]


def test_open_counter_held_by_another_clerk(make_clerk, logged_in):
    make_clerk("clerk1", "helsinki", 1)
    response = logged_in.put("/api/v1/counter", json={"service_point": "helsinki", "counter": 1})
    assert response.status_code == 409
    assert response.json["error"]["code"] == "counter_taken"
    assert logged_in.get("/api/v1/counter").json["counter"] is None


@pytest.mark.parametrize(
    ("choice", "status", "code"),
    [
        ({"service_point": "helsinki", "counter": 42}, 404, "unknown_counter"),
        ({"service_point": "oulu", "counter": 1}, 404, "unknown_service_point"),
        ({"service_point": "helsinki", "counter": "one"}, 400, "invalid_request"),
        ({"service_point": "helsinki"}, 400, "invalid_request"),
    ],
)
def test_open_counter_bad_choice(logged_in, db, choice, status, code):
    before = count_rows(db)
    response = logged_in.put("/api/v1/counter", json=choice)
    assert response.status_code == status
    assert response.json["error"]["code"] == code
    assert count_rows(db) == before


def test_get_counter_state_shows_the_current_ticket(make_clerk, issue_number):
    clerk = make_clerk()
    issued = issue_number()
    clerk.post("/api/v1/counter/call-next")
    state = clerk.get("/api/v1/counter").json
    assert (state["service_point"], state["counter"]) == ("helsinki", 1)
    current = state["current_ticket"]
    assert (current["id"], current["number"], current["status"]) == (issued["id"], "A001", "called")
    assert current["triage_answers"]["expiry_month"] == 1


def test_call_next_ticket(make_clerk, issue_number, client):
    clerk = make_clerk(counter=2)
    issue_number()
    issue_number()
    response = clerk.post("/api/v1/counter/call-next")
    assert response.status_code == 200
    ticket = response.json
    assert (ticket["number"], ticket["status"], ticket["counter"], ticket["clerk"]) == (
        "A001",
        "called",
        2,
        "clerk1",
    )
    assert ticket["called_at"] == "2026-11-30T08:00:00.000000+00:00"
    assert snapshot(client)["now_serving"] == [
        {"number": "A001", "counter": 2, "queue": "urgent", "status": "called"}
    ]


def test_call_next_with_nobody_waiting(make_clerk, db):
    clerk = make_clerk()
    response = clerk.post("/api/v1/counter/call-next")
    assert response.status_code == 404
    assert response.json["error"]["code"] == "queue_empty"
    assert count_rows(db)["events"] == 1  # only the CounterOpened event


def test_call_ticket_by_id(make_clerk, issue_number):
    clerk = make_clerk()
    issue_number()
    second = issue_number()
    response = clerk.post(f"/api/v1/tickets/{second['id']}/call")
    assert response.status_code == 200
    assert (response.json["number"], response.json["status"]) == ("A002", "called")


def test_recall_ticket(make_clerk, issue_number, client):
    clerk = make_clerk()
    issued = issue_number()
    clerk.post("/api/v1/counter/call-next")
    response = clerk.post(f"/api/v1/tickets/{issued['id']}/recall")
    assert response.status_code == 200
    assert response.json["status"] == "called"
    recent = snapshot(client)["recent_calls"]
    assert [call["number"] for call in recent] == ["A001", "A001"]


def test_mark_no_show(make_clerk, issue_number, client):
    clerk = make_clerk()
    issued = issue_number()
    clerk.post("/api/v1/counter/call-next")
    response = clerk.post(f"/api/v1/tickets/{issued['id']}/no-show")
    assert response.status_code == 200
    assert response.json["status"] == "no_show"
    assert snapshot(client)["now_serving"] == []
    assert clerk.get("/api/v1/counter").json["current_ticket"] is None


def test_start_serving_and_finish(make_clerk, issue_number, client):
    clerk = make_clerk()
    issued = issue_number()
    clerk.post("/api/v1/counter/call-next")
    response = clerk.post(f"/api/v1/tickets/{issued['id']}/start")
    assert response.status_code == 200
    assert response.json["status"] == "serving"
    assert snapshot(client)["now_serving"][0]["status"] == "serving"
    response = clerk.post(f"/api/v1/tickets/{issued['id']}/finish")
    assert response.status_code == 200
    assert response.json["status"] == "finished"
    assert snapshot(client)["now_serving"] == []


def test_transfer_ticket(make_clerk, issue_number, client):
    clerk = make_clerk()
    issued = issue_number()
    clerk.post("/api/v1/counter/call-next")
    response = clerk.post(
        f"/api/v1/tickets/{issued['id']}/transfer", json={"queue": "booking_help"}
    )
    assert response.status_code == 200
    assert (response.json["number"], response.json["queue"], response.json["status"]) == (
        "A001",
        "booking_help",
        "waiting",
    )
    queues = {queue["id"]: queue for queue in snapshot(client)["queues"]}
    assert [ticket["number"] for ticket in queues["booking_help"]["waiting"]] == ["A001"]
    assert queues["urgent"]["waiting_count"] == 0


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"queue": "vip"}, 404, "unknown_queue"),
        ({"queue": 3}, 400, "invalid_request"),
        ({}, 400, "invalid_request"),
    ],
)
def test_transfer_bad_target(make_clerk, issue_number, db, body, status, code):
    clerk = make_clerk()
    issued = issue_number()
    clerk.post("/api/v1/counter/call-next")
    before = count_rows(db)
    response = clerk.post(f"/api/v1/tickets/{issued['id']}/transfer", json=body)
    assert response.status_code == status
    assert response.json["error"]["code"] == code
    assert count_rows(db) == before


@pytest.mark.parametrize("leave", ["logout", "move"])
def test_a_clerk_who_leaves_the_counter_returns_the_called_customer_to_the_queue(
    make_clerk, issue_number, client, socket_client, leave
):
    """Nobody stays called to an empty counter: the number goes back to its place (first, as
    the oldest), and the next clerk calls it."""
    first, second = issue_number(), issue_number()
    clerk = make_clerk("clerk1", "helsinki", 1)
    assert clerk.post("/api/v1/counter/call-next").json["number"] == first["number"]
    display = socket_client("helsinki")
    display.get_received()
    if leave == "logout":
        assert clerk.delete("/api/v1/session").status_code == 204
    else:
        moved = clerk.put("/api/v1/counter", json={"service_point": "helsinki", "counter": 2})
        assert moved.status_code == 200 and moved.json["current_ticket"] is None
    events = [m["args"][0] for m in display.get_received() if m["name"] == "queue_event"]
    assert [event["type"] for event in events][:2] == ["TicketReturnedToQueue", "CounterClosed"]
    urgent = next(queue for queue in snapshot(client)["queues"] if queue["id"] == "urgent")
    assert [ticket["number"] for ticket in urgent["waiting"]] == [first["number"], second["number"]]
    assert snapshot(client)["now_serving"] == []
    other = make_clerk("clerk2", "helsinki", 3)
    assert other.post("/api/v1/counter/call-next").json["number"] == first["number"]


def test_logging_out_with_nobody_called_returns_nothing(make_clerk, issue_number, client):
    issued = issue_number()
    clerk = make_clerk("clerk1", "helsinki", 1)
    assert clerk.delete("/api/v1/session").status_code == 204
    urgent = next(queue for queue in snapshot(client)["queues"] if queue["id"] == "urgent")
    assert [ticket["number"] for ticket in urgent["waiting"]] == [issued["number"]]


def test_return_ticket_to_queue(make_clerk, issue_number, client):
    clerk = make_clerk()
    issued = issue_number()
    clerk.post("/api/v1/counter/call-next")
    response = clerk.post(f"/api/v1/tickets/{issued['id']}/return")
    assert response.status_code == 200
    assert (response.json["status"], response.json["counter"]) == ("waiting", None)
    urgent = next(queue for queue in snapshot(client)["queues"] if queue["id"] == "urgent")
    assert urgent["waiting_count"] == 1


@pytest.mark.parametrize(
    ("action", "prepare"),
    [
        ("finish", []),
        ("recall", []),
        ("no-show", []),
        ("start", []),
        ("return", []),
        ("call", ["call-next", "finish"]),
        ("start", ["call-next", "finish"]),
        ("transfer", ["call-next", "no-show"]),
    ],
)
def test_illegal_transition_is_refused_and_writes_nothing(
    make_clerk, issue_number, db, action, prepare
):
    clerk = make_clerk()
    issued = issue_number()
    for step in prepare:
        path = (
            "/api/v1/counter/call-next"
            if step == "call-next"
            else f"/api/v1/tickets/{issued['id']}/{step}"
        )
        assert clerk.post(path).status_code == 200
    before = count_rows(db)
    status_before = db.execute("SELECT status FROM tickets").fetchone()[0]
    body = {"queue": "booking_help"} if action == "transfer" else None
    response = clerk.post(f"/api/v1/tickets/{issued['id']}/{action}", json=body)
    assert response.status_code == 409, response.json
    assert response.json["error"]["code"] == "illegal_transition"
    assert "A001" in response.json["error"]["message"]
    assert count_rows(db) == before
    assert db.execute("SELECT status FROM tickets").fetchone()[0] == status_before


def test_other_counters_ticket_is_refused(make_clerk, issue_number, db):
    first = make_clerk("clerk1", "helsinki", 1)
    second = make_clerk("clerk2", "helsinki", 2)
    issued = issue_number()
    first.post("/api/v1/counter/call-next")
    before = count_rows(db)
    response = second.post(f"/api/v1/tickets/{issued['id']}/recall")
    assert response.status_code == 409
    assert response.json["error"]["code"] == "ticket_at_other_counter"
    assert count_rows(db) == before


def test_busy_counter_cannot_call_next(make_clerk, issue_number):
    clerk = make_clerk()
    issue_number()
    issue_number()
    clerk.post("/api/v1/counter/call-next")
    response = clerk.post("/api/v1/counter/call-next")
    assert response.status_code == 409
    assert response.json["error"]["code"] == "counter_busy"


def test_unknown_ticket(make_clerk):
    clerk = make_clerk()
    response = clerk.post("/api/v1/tickets/999/call")
    assert response.status_code == 404
    assert response.json["error"]["code"] == "unknown_ticket"


def test_ticket_of_another_service_point(make_clerk, issue_number, db):
    clerk = make_clerk("clerk1", "helsinki", 1)
    tampere_ticket = issue_number("tampere")
    response = clerk.post(f"/api/v1/tickets/{tampere_ticket['id']}/call")
    assert response.status_code == 404
    assert db.execute("SELECT status FROM tickets").fetchone()[0] == "waiting"


# Every counter operation, with a body that passes validation, so only the login decides.
COUNTER_OPERATIONS = [
    pytest.param("delete", "/api/v1/session", None, id="logoutClerk"),
    pytest.param("get", "/api/v1/counter", None, id="getCounterState"),
    pytest.param(
        "put", "/api/v1/counter", {"service_point": "helsinki", "counter": 1}, id="openCounter"
    ),
    pytest.param("post", "/api/v1/counter/call-next", None, id="callNextTicket"),
    pytest.param("post", "/api/v1/tickets/{id}/call", None, id="callTicket"),
    pytest.param("post", "/api/v1/tickets/{id}/recall", None, id="recallTicket"),
    pytest.param("post", "/api/v1/tickets/{id}/no-show", None, id="markNoShow"),
    pytest.param("post", "/api/v1/tickets/{id}/start", None, id="startServing"),
    pytest.param("post", "/api/v1/tickets/{id}/finish", None, id="finishTicket"),
    pytest.param("post", "/api/v1/tickets/{id}/return", None, id="returnTicketToQueue"),
    pytest.param(
        "post", "/api/v1/tickets/{id}/transfer", {"queue": "booking_help"}, id="transferTicket"
    ),
]


@pytest.mark.parametrize(("method", "path", "body"), COUNTER_OPERATIONS)
def test_counter_operation_needs_login(client, issue_number, db, method, path, body):
    issued = issue_number()
    before = count_rows(db)
    response = getattr(client, method)(path.format(id=issued["id"]), json=body)
    assert response.status_code == 401
    assert response.json["error"]["code"] == "login_required"
    assert count_rows(db) == before


SEATED_OPERATIONS = [
    param
    for param in COUNTER_OPERATIONS
    if param.id
    not in (
        "logoutClerk",
        "getCounterState",
        "openCounter",
    )
]


@pytest.mark.parametrize(("method", "path", "body"), SEATED_OPERATIONS)
def test_ticket_operation_needs_a_counter(logged_in, issue_number, db, method, path, body):
    issued = issue_number()
    before = count_rows(db)
    response = getattr(logged_in, method)(path.format(id=issued["id"]), json=body)
    assert response.status_code == 409
    assert response.json["error"]["code"] == "no_counter"
    assert count_rows(db) == before


def test_counter_errors_keep_their_shape_in_every_language(make_clerk):
    """An error keeps the one shape whichever language the clerk asked for."""
    clerk = make_clerk()
    for language in ("fi", "sv", "en"):
        response = clerk.post(f"/api/v1/counter/call-next?lang={language}")
        assert response.status_code == 404
        assert response.json["error"]["code"] == "queue_empty"
        assert response.json["error"]["message"]
