"""Service points a user may work at: the counter API refuses the others, by name or by id; an
admin frees another clerk's counter."""

from __future__ import annotations

import pytest

from shared.accounts.users import set_service_points
from tests.conftest import count_rows

KNOWN = ("helsinki", "tampere")
TICKET_ACTIONS = [
    ("call", None),
    ("recall", None),
    ("no-show", None),
    ("start", None),
    ("finish", None),
    ("return", None),
    ("transfer", {"queue": "booking_help"}),
    ("reprint", None),
]


@pytest.fixture
def tampere_clerk(make_clerk):
    """A clerk of Tampere only, at Tampere counter 1."""
    return make_clerk("tiina", "tampere", 1, service_points=("tampere",))


def status_of(db, ticket_id: int) -> tuple:
    """A ticket's status, counter and clerk as stored."""
    return tuple(
        db.execute(
            "SELECT status, counter, clerk FROM tickets WHERE id = ?", [ticket_id]
        ).fetchone()
    )


def test_a_tampere_clerk_cannot_open_a_helsinki_counter(tampere_clerk, db):
    before = count_rows(db)
    response = tampere_clerk.put(
        "/api/v1/counter", json={"service_point": "helsinki", "counter": 1}
    )
    assert response.status_code == 403
    assert response.json["error"]["code"] == "service_point_not_allowed"
    assert response.json["error"]["message"] == (
        "Tunnuksellasi ei voi työskennellä palvelupisteessä helsinki."
    )
    assert count_rows(db) == before
    assert tampere_clerk.get("/api/v1/counter").json["service_point"] == "tampere"


def test_the_counter_state_lists_only_the_users_points(tampere_clerk, make_clerk):
    assert tampere_clerk.get("/api/v1/counter").json["clerk"]["service_points"] == ["tampere"]
    everywhere = make_clerk("ville", "helsinki", 2)
    assert everywhere.get("/api/v1/counter").json["clerk"]["service_points"] == list(KNOWN)


@pytest.mark.parametrize(("action", "body"), TICKET_ACTIONS)
def test_a_tampere_clerk_cannot_act_on_a_helsinki_ticket_by_id(
    tampere_clerk, make_clerk, issue, db, action, body
):
    helsinki = make_clerk("ville", "helsinki", 1)
    ticket = issue("urgent", "helsinki").ticket
    if action not in ("call", "reprint"):  # those act on a waiting number; the others on a called
        assert helsinki.post(f"/api/v1/tickets/{ticket.id}/call").status_code == 200
    before = status_of(db, ticket.id), count_rows(db)
    response = tampere_clerk.post(f"/api/v1/tickets/{ticket.id}/{action}", json=body)
    assert (response.status_code, response.json["error"]["code"]) in {
        (404, "unknown_ticket"),
        (404, "not_found"),
    }
    assert (status_of(db, ticket.id), count_rows(db)) == before


def test_a_seat_at_a_point_taken_away_is_refused_at_the_next_action(make_clerk, issue, db):
    clerk = make_clerk("tiina", "helsinki", 1, service_points=KNOWN)
    issue("urgent", "helsinki")
    set_service_points(db, "tiina", ["tampere"], KNOWN)  # an admin's `jono users points`
    response = clerk.post("/api/v1/counter/call-next")
    assert (response.status_code, response.json["error"]["code"]) == (
        403,
        "service_point_not_allowed",
    )
    assert clerk.get("/api/v1/counter/appointments").status_code == 403


def first_free(anonymous_client, service_point: str) -> dict:
    """The first free citizenship time at a service point."""
    response = anonymous_client.get(
        f"/api/v1/free-slots?service_point={service_point}&category=citizenship&days=3"
    )
    assert response.status_code == 200, response.json
    return response.json["slots"][0]


def book_at(clerk, anonymous_client, service_point: str):
    """Book the first free time at a service point from a clerk's counter."""
    slot = first_free(anonymous_client, service_point)
    return clerk.post(
        "/api/v1/counter/appointments",
        json={
            "service_point": service_point,
            "category": "citizenship",
            "starts_at": slot["starts_at"],
            "language": "en",
        },
    )


def test_booking_only_at_the_users_points(tampere_clerk, app, db):
    anonymous = app.test_client()
    before = db.execute("SELECT COUNT(*) FROM appointments").fetchone()[0]
    refused = book_at(tampere_clerk, anonymous, "helsinki")
    assert (refused.status_code, refused.json["error"]["code"]) == (
        403,
        "service_point_not_allowed",
    )
    assert db.execute("SELECT COUNT(*) FROM appointments").fetchone()[0] == before
    assert book_at(tampere_clerk, anonymous, "tampere").status_code == 201


def test_slips_and_messages_only_of_the_users_points(tampere_clerk, make_clerk, app):
    helsinki = make_clerk("ville", "helsinki", 1, service_points=("helsinki",))
    booked = book_at(helsinki, app.test_client(), "helsinki")
    assert booked.status_code == 201, booked.json
    slip = {"reservation_key": booked.json["reservation_key"], "pin": booked.json["pin"]}
    refused = tampere_clerk.post("/api/v1/counter/appointments/confirmation-slip", json=slip)
    assert (refused.status_code, refused.json["error"]["code"]) == (
        403,
        "service_point_not_allowed",
    )
    printed = helsinki.post("/api/v1/counter/appointments/confirmation-slip", json=slip)
    assert printed.status_code == 200 and printed.mimetype == "application/pdf"
    messages = f"/api/v1/counter/appointments/{booked.json['id']}/messages"
    hidden = tampere_clerk.get(messages)
    assert (hidden.status_code, hidden.json["error"]["code"]) == (404, "not_found")
    assert helsinki.get(messages).status_code == 200


def test_an_admin_frees_another_clerks_counter(make_clerk, issue, db, socket_client):
    first, second = issue().ticket, issue().ticket
    clerk = make_clerk("tiina", "helsinki", 1)
    assert clerk.post("/api/v1/counter/call-next").json["id"] == first.id
    admin = make_clerk("anna", "helsinki", 2, role="admin")
    display = socket_client("helsinki")
    display.get_received()
    response = admin.delete("/api/v1/service-points/helsinki/counters/1/clerk")
    assert response.status_code == 204, response.json
    assert status_of(db, first.id) == ("waiting", None, "tiina")
    events = [m["args"][0] for m in display.get_received() if m["name"] == "queue_event"]
    assert [event["type"] for event in events] == ["TicketReturnedToQueue", "CounterClosed"]
    state = clerk.get("/api/v1/counter").json  # still logged in, no longer seated
    assert (state["clerk"]["username"], state["counter"]) == ("tiina", None)
    # The number went back first in line: the next call takes it again.
    assert admin.post("/api/v1/counter/call-next").json["id"] == first.id
    assert second.id != first.id


def test_only_an_admin_or_manager_may_free_a_counter(make_clerk, db):
    make_clerk("tiina", "helsinki", 1)
    other = make_clerk("ville", "helsinki", 2)
    before = count_rows(db)
    response = other.delete("/api/v1/service-points/helsinki/counters/1/clerk")
    assert (response.status_code, response.json["error"]["code"]) == (403, "manager_only")
    assert count_rows(db) == before


@pytest.mark.parametrize(
    ("points", "path", "status", "code"),
    [
        (None, "/api/v1/service-points/helsinki/counters/5/clerk", 409, "counter_not_in_use"),
        (None, "/api/v1/service-points/helsinki/counters/99/clerk", 404, "unknown_counter"),
        (None, "/api/v1/service-points/oulu/counters/1/clerk", 404, "unknown_service_point"),
        (
            ("helsinki",),
            "/api/v1/service-points/tampere/counters/1/clerk",
            403,
            "service_point_not_allowed",
        ),
    ],
)
def test_freeing_a_counter_that_cannot_be_freed(make_clerk, db, points, path, status, code):
    make_clerk("tiina", "tampere", 1)
    admin = make_clerk("anna", "helsinki", 2, role="admin", service_points=points)
    before = count_rows(db)
    response = admin.delete(path)
    assert count_rows(db) == before
    assert (response.status_code, response.json["error"]["code"]) == (status, code)
