"""The CSRF guard of the clerks' requests: the session's token, or the site's own Origin."""

from __future__ import annotations

import pytest

from tests.conftest import count_rows, log_in

TOKEN = "HTTP_X_CSRF_TOKEN"
FOREIGN = "http://127.0.0.1:9999"  # same site as the test server's address, another origin
# Every state-changing clerk operation, with a body that passes validation.
CHANGES = [
    pytest.param("delete", "/api/v1/session", None, id="logoutClerk"),
    pytest.param(
        "put", "/api/v1/counter", {"service_point": "helsinki", "counter": 2}, id="openCounter"
    ),
    pytest.param("post", "/api/v1/counter/call-next", None, id="callNextTicket"),
    pytest.param("post", "/api/v1/tickets/{id}/call", None, id="callTicket"),
    pytest.param("post", "/api/v1/tickets/{id}/no-show", None, id="markNoShow"),
    pytest.param("post", "/api/v1/tickets/{id}/finish", None, id="finishTicket"),
    pytest.param(
        "post", "/api/v1/tickets/{id}/transfer", {"queue": "booking_help"}, id="transferTicket"
    ),
    pytest.param("post", "/api/v1/tickets/{id}/reprint", None, id="reprintTicket"),
    pytest.param(
        "post",
        "/api/v1/counter/appointments",
        {"category": "citizenship", "starts_at": "2026-12-01T08:00:00Z"},
        id="bookAppointmentForCustomer",
    ),
    pytest.param(
        "post",
        "/api/v1/counter/appointments/confirmation-slip",
        {"reservation_key": "ABCD-1234", "pin": "123456"},
        id="getConfirmationSlip",
    ),
    pytest.param(
        "delete", "/api/v1/service-points/helsinki/counters/1/clerk", None, id="freeCounter"
    ),
]


@pytest.fixture
def seated(make_clerk, issue):
    """Clerk1 at Helsinki counter 1 with a waiting number; returns (client, ticket id)."""
    clerk = make_clerk(role="admin")
    return clerk, issue().ticket.id


def without_token(test_client):
    """The client with its CSRF token forgotten, as a page on another site would be."""
    token = test_client.environ_base.pop(TOKEN)
    return test_client, token


@pytest.mark.parametrize(("method", "path", "body"), CHANGES)
def test_no_token_and_no_origin_is_refused(seated, db, method, path, body):
    clerk, ticket_id = seated
    without_token(clerk)
    before = count_rows(db)
    response = getattr(clerk, method)(path.format(id=ticket_id), json=body)
    assert (response.status_code, response.json["error"]["code"]) == (403, "csrf_token_required")
    assert count_rows(db) == before
    assert clerk.get("/api/v1/counter").json["counter"] == 1  # still seated, still logged in


@pytest.mark.parametrize(("method", "path", "body"), CHANGES)
def test_a_foreign_origin_is_refused_even_with_the_token(seated, db, method, path, body):
    clerk, ticket_id = seated
    before = count_rows(db)
    response = getattr(clerk, method)(
        path.format(id=ticket_id), json=body, headers={"Origin": FOREIGN}
    )
    assert (response.status_code, response.json["error"]["code"]) == (403, "foreign_origin")
    assert count_rows(db) == before


@pytest.mark.parametrize("origin", ["http://localhost", "http://127.0.0.1:8000"])
def test_the_sites_own_origin_passes_without_a_token(seated, origin):
    """The page's own address (the host it was asked from) or `public_base_url`'s."""
    clerk, ticket_id = seated
    without_token(clerk)
    response = clerk.post(f"/api/v1/tickets/{ticket_id}/call", headers={"Origin": origin})
    assert response.status_code == 200, response.json
    assert response.json["status"] == "called"


@pytest.mark.parametrize("sent", ["", "null-origin", "wrong", "session-of-another"])
def test_a_wrong_token_is_refused(seated, make_clerk, sent):
    clerk, _ = seated
    token = {
        "": "",
        "null-origin": "",
        "wrong": "0" * 64,
        "session-of-another": make_clerk("clerk2", "helsinki", 3).environ_base[TOKEN],
    }[sent]
    headers = {"X-CSRF-Token": token}
    if sent == "null-origin":
        headers["Origin"] = "null"  # a sandboxed frame: proves nothing
    without_token(clerk)
    response = clerk.post("/api/v1/counter/call-next", headers=headers)
    assert (response.status_code, response.json["error"]["code"]) == (403, "csrf_token_required")


def test_a_cross_site_form_post_is_refused(seated, db):
    """What `<form method="post" action=".../call-next">` on another site sends: no JSON, no
    token, the other site's Origin, and (same site) the cookie."""
    clerk, _ = seated
    without_token(clerk)
    before = count_rows(db)
    response = clerk.post(
        "/api/v1/counter/call-next",
        data="",
        content_type="application/x-www-form-urlencoded",
        headers={"Origin": FOREIGN},
    )
    assert (response.status_code, response.json["error"]["code"]) == (403, "foreign_origin")
    assert count_rows(db) == before


def test_reading_needs_no_token(seated):
    clerk, _ = seated
    token = without_token(clerk)[1]
    state = clerk.get("/api/v1/counter", headers={"Origin": FOREIGN})
    assert state.status_code == 200
    assert state.json["csrf_token"] == token  # the page learns it here after a reload


def test_a_login_needs_its_own_token_or_origin(make_clerk, app):
    make_clerk()
    body = {"username": "clerk1", "password": "counter-password"}
    stranger = app.test_client()
    assert stranger.post("/api/v1/session", json=body).json["error"]["code"] == (
        "csrf_token_required"
    )
    foreign = stranger.post("/api/v1/session", json=body, headers={"Origin": FOREIGN})
    assert foreign.json["error"]["code"] == "foreign_origin"
    # Another browser's login token does not fit this browser's login cookie.
    other_token = app.test_client().get("/api/v1/session").json["csrf_token"]
    stranger.get("/api/v1/session")
    refused = stranger.post("/api/v1/session", json=body, headers={"X-CSRF-Token": other_token})
    assert refused.json["error"]["code"] == "csrf_token_required"
    own = stranger.post("/api/v1/session", json=body, headers={"Origin": "http://localhost"})
    assert own.status_code == 200
    assert log_in(app.test_client(), "clerk1").status_code == 200  # with the login token


def test_the_login_token_stays_the_same_for_a_browser(app):
    browser = app.test_client()
    first = browser.get("/api/v1/session")
    assert "jono_login=" in first.headers["Set-Cookie"]
    assert "Path=/api/v1/session" in first.headers["Set-Cookie"]
    second = browser.get("/api/v1/session")
    assert "Set-Cookie" not in second.headers
    assert first.json == second.json
    assert app.test_client().get("/api/v1/session").json != first.json
