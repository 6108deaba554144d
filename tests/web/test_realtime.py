"""Live updates over Socket.IO: a snapshot first, then numbered events per service point room."""

from __future__ import annotations

import pytest

from shared.web.realtime import socketio
from tests.live_state import PageState

URGENT_TICKET_BODY = {
    "answers": {
        "matter": "residence_permit",
        "expiry_year": 2027,
        "expiry_month": 1,
        "found_appointment": False,
    },
    "idempotency_key": "kiosk-1-visit-0001",
}


def received(socket, name):
    """The arguments of every `name` event the client got since the last look."""
    return [message["args"][0] for message in socket.get_received() if message["name"] == name]


def issue_number(client, key="kiosk-1-visit-0001", service_point="helsinki"):
    """Issue an urgent number through the kiosk API."""
    response = client.post(
        f"/api/v1/service-points/{service_point}/tickets",
        json={**URGENT_TICKET_BODY, "idempotency_key": key},
    )
    assert response.status_code == 201
    return response.json


def test_connecting_gives_a_snapshot_first(socket_client, client):
    issue_number(client)
    display = socket_client("helsinki")
    assert display.is_connected()
    messages = display.get_received()
    assert messages[0]["name"] == "snapshot"
    snapshot = messages[0]["args"][0]
    assert snapshot["service_point"]["id"] == "helsinki"
    assert snapshot["sequence"] == 1
    urgent = next(queue for queue in snapshot["queues"] if queue["id"] == "urgent")
    assert [ticket["number"] for ticket in urgent["waiting"]] == ["A001"]


@pytest.mark.parametrize("auth", [{"service_point": "oulu"}, {}, None, "helsinki"])
def test_unknown_service_point_is_refused(app, client, auth):
    socket = socketio.test_client(app, auth=auth, flask_test_client=client)
    assert not socket.is_connected()


def test_service_point_may_come_in_the_query_string(app, client):
    socket = socketio.test_client(
        app, query_string="service_point=tampere", flask_test_client=client
    )
    assert socket.is_connected()
    assert received(socket, "snapshot")[0]["service_point"]["id"] == "tampere"
    socket.disconnect()


def test_counter_action_reaches_the_display(socket_client, client, make_clerk):
    issued = issue_number(client)
    clerk = make_clerk("clerk1", "helsinki", 3)
    display = socket_client("helsinki")
    page = PageState()
    page.feed(display)
    before = page.snapshot["sequence"]
    response = clerk.post("/api/v1/counter/call-next")
    assert response.status_code == 200
    (event,) = page.feed(display)
    assert event["type"] == "TicketCalled"
    assert event["sequence"] == before + 1
    assert event["counter"] == 3
    assert event["queue"] == "urgent"
    assert event["ticket"] == {"number": issued["number"], "queue": "urgent", "status": "called"}
    assert event["at"] == "2026-11-30T08:00:00.000000+00:00"
    assert "delta" in event and "snapshot" not in event  # small: only what changed
    state = page.after[event["sequence"]]
    assert state["sequence"] == event["sequence"]
    assert {"number": "A001", "counter": 3, "queue": "urgent", "status": "called"} in state[
        "now_serving"
    ]
    assert state["recent_calls"][0]["number"] == "A001"
    assert not page.needs_snapshot


def test_issuing_and_counter_opening_are_broadcast_in_order(socket_client, client, make_clerk):
    display = socket_client("helsinki")
    page = PageState()
    page.feed(display)
    issue_number(client)
    make_clerk("clerk1", "helsinki", 1)
    events = page.feed(display)
    assert [(event["type"], event["sequence"]) for event in events] == [
        ("TicketIssued", 1),
        ("CounterOpened", 2),
    ]
    assert events[0]["ticket"]["number"] == "A001"
    assert events[1]["ticket"] is None
    assert page.after[2]["open_counters"] == [1]


def test_other_service_points_do_not_hear_it(socket_client, client, pair_kiosk, make_clerk):
    issue_number(client)
    clerk = make_clerk("clerk1", "helsinki", 1)
    helsinki_display = socket_client("helsinki")
    tampere_display = socket_client("tampere")
    helsinki_display.get_received()
    tampere_display.get_received()
    clerk.post("/api/v1/counter/call-next")
    assert received(helsinki_display, "queue_event")
    assert tampere_display.get_received() == []
    # And the other way round.
    issue_number(pair_kiosk("tampere"), key="kiosk-9-visit-0001", service_point="tampere")
    assert [event["type"] for event in received(tampere_display, "queue_event")] == ["TicketIssued"]
    assert helsinki_display.get_received() == []


def test_refused_action_broadcasts_nothing(socket_client, make_clerk):
    clerk = make_clerk("clerk1", "helsinki", 1)
    display = socket_client("helsinki")
    display.get_received()
    assert clerk.post("/api/v1/counter/call-next").status_code == 404  # nobody waiting
    assert display.get_received() == []


def test_reconnecting_client_gets_a_snapshot_covering_what_it_missed(
    socket_client, client, make_clerk
):
    display = socket_client("helsinki")
    seen = received(display, "snapshot")[0]["sequence"]
    display.disconnect()
    issue_number(client)
    clerk = make_clerk("clerk1", "helsinki", 1)
    clerk.post("/api/v1/counter/call-next")
    display.connect(auth={"service_point": "helsinki"})
    assert display.is_connected()
    messages = display.get_received()
    assert [message["name"] for message in messages] == ["snapshot"]
    snapshot = messages[0]["args"][0]
    assert snapshot["sequence"] == seen + 3  # issued, counter opened, called
    assert snapshot["now_serving"] == [
        {"number": "A001", "counter": 1, "queue": "urgent", "status": "called"}
    ]
    # Live events continue from the snapshot's sequence.
    clerk.post("/api/v1/tickets/1/finish")
    (event,) = received(display, "queue_event")
    assert event["sequence"] == snapshot["sequence"] + 1


def test_request_snapshot_answers_with_ack_and_snapshot(socket_client, client):
    display = socket_client("helsinki")
    display.get_received()
    issue_number(client)
    display.get_received()
    ack = display.emit("request_snapshot", {"service_point": "helsinki"}, callback=True)
    assert ack == {"ok": True, "sequence": 1}
    (snapshot,) = received(display, "snapshot")
    assert snapshot["sequence"] == 1
    assert snapshot["service_point"]["id"] == "helsinki"


@pytest.mark.parametrize("data", [{"service_point": "oulu"}, {}, "helsinki", None])
def test_request_snapshot_for_unknown_service_point(socket_client, data):
    display = socket_client("helsinki")
    display.get_received()
    ack = display.emit("request_snapshot", data, callback=True)
    assert ack == {"ok": False, "error": "unknown_service_point"}
    assert display.get_received() == []


def test_moving_to_another_counter_closes_the_first_one_live(socket_client, make_clerk):
    clerk = make_clerk("clerk1", "tampere", 3)
    tampere_display = socket_client("tampere")
    page = PageState()
    page.feed(tampere_display)
    assert page.snapshot["open_counters"] == [3]
    response = clerk.put("/api/v1/counter", json={"service_point": "helsinki", "counter": 2})
    assert response.status_code == 200
    (event,) = page.feed(tampere_display)
    assert (event["type"], event["counter"]) == ("CounterClosed", 3)
    assert page.after[event["sequence"]]["open_counters"] == []
