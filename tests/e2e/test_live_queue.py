"""Live updates against a real `jono serve`: python-socketio clients, requests as kiosk, clerk."""

from __future__ import annotations


def open_counter_and_call_next(clerk, base_url: str, counter: int = 3) -> dict:
    """Seat the clerk at a Helsinki counter and call the next number; return the called ticket."""
    response = clerk.put(
        f"{base_url}/api/v1/counter",
        json={"service_point": "helsinki", "counter": counter},
        timeout=10,
    )
    assert response.status_code == 200, response.text
    response = clerk.post(f"{base_url}/api/v1/counter/call-next", timeout=10)
    assert response.status_code == 200, response.text
    return response.json()


def waiting_numbers(snapshot: dict, queue_id: str = "urgent") -> list[str]:
    """The waiting numbers of one queue in a snapshot."""
    queue = next(q for q in snapshot["queues"] if q["id"] == queue_id)
    return [waiting["number"] for waiting in queue["waiting"]]


def test_a_call_reaches_every_display_of_its_service_point_and_no_other(
    live_server, live_client, issue_ticket, clerk
):
    """Kiosk issues, clerk calls: Helsinki clients hear both in order; Tampere hears neither."""
    over_websocket = live_client("helsinki", transports=["websocket"])
    over_polling = live_client("helsinki", transports=["polling"])
    in_tampere = live_client("tampere")
    displays = [over_websocket, over_polling]
    first_snapshots = [display.connect() for display in displays]
    tampere_snapshot = in_tampere.connect()
    for snapshot in first_snapshots:
        assert snapshot["service_point"]["id"] == "helsinki"
        assert snapshot["recent_calls"] == []
        assert waiting_numbers(snapshot) == []
    assert tampere_snapshot["service_point"]["id"] == "tampere"

    ticket = issue_ticket("helsinki", language="sv")
    assert ticket["queue"] == "urgent"
    assert ticket["language"] == "sv"
    assert ticket["people_ahead"] == 0

    for display, snapshot in zip(displays, first_snapshots, strict=True):
        issued = display.next_event()
        assert issued["type"] == "TicketIssued"
        assert issued["sequence"] == snapshot["sequence"] + 1
        assert issued["ticket"]["number"] == ticket["number"]
        assert waiting_numbers(display.state_after(issued)) == [ticket["number"]]

    called = open_counter_and_call_next(clerk, live_server, counter=3)
    assert called["number"] == ticket["number"]
    assert called["counter"] == 3
    assert called["status"] == "called"

    for display, snapshot in zip(displays, first_snapshots, strict=True):
        event, received = display.event_of_type("TicketCalled")
        assert event["ticket"]["number"] == ticket["number"]
        assert event["counter"] == 3
        # Issued, counter opened, called: each one more than the last, none missing.
        sequences = [snapshot["sequence"] + 1] + [each["sequence"] for each in received]
        assert sequences == list(range(sequences[0], sequences[0] + len(sequences)))
        state = display.state_after(event)
        assert state["recent_calls"][0]["number"] == ticket["number"]
        assert state["recent_calls"][0]["counter"] == 3
        assert waiting_numbers(state) == []

    # A Tampere event is a barrier: the server sent the Helsinki events to their room before it,
    # so had the Tampere client been in that room, they would be queued ahead of this one.
    tampere_ticket = issue_ticket("tampere")
    tampere_event = in_tampere.next_event()
    assert tampere_event["type"] == "TicketIssued"
    assert tampere_event["ticket"]["number"] == tampere_ticket["number"]
    assert in_tampere.state_after(tampere_event)["service_point"]["id"] == "tampere"
    assert tampere_event["sequence"] == tampere_snapshot["sequence"] + 1
    assert in_tampere.pending_events() == []


def test_a_client_that_reconnects_gets_the_call_it_missed_in_a_fresh_snapshot(
    live_server, live_client, issue_ticket, clerk
):
    """Disconnect, miss a call, connect again: the new snapshot lists the call."""
    display = live_client("helsinki")
    display.connect()
    ticket = issue_ticket("helsinki")
    assert display.next_event()["type"] == "TicketIssued"
    display.disconnect()

    called = open_counter_and_call_next(clerk, live_server, counter=3)
    assert called["number"] == ticket["number"]

    snapshot = display.connect()
    assert snapshot["recent_calls"][0]["number"] == ticket["number"]
    assert snapshot["recent_calls"][0]["counter"] == 3
    assert {"number": ticket["number"], "counter": 3, "queue": "urgent", "status": "called"} in (
        snapshot["now_serving"]
    )
    assert display.pending_events() == []


def test_a_client_reconnects_by_itself_after_a_server_restart(
    jono_server, live_client, issue_ticket
):
    """Restart the server on the same port and database: the client comes back on its own."""
    display = live_client("helsinki", transports=["websocket"], reconnection=True)
    display.connect()
    first = issue_ticket("helsinki")
    issued = display.next_event()
    assert issued["ticket"]["number"] == first["number"]

    jono_server.restart()

    snapshot = display.next_snapshot(timeout=30)
    assert snapshot["sequence"] == issued["sequence"]
    assert waiting_numbers(snapshot) == [first["number"]]
    # Back in the room: the next change arrives as an event again, numbered on from the snapshot.
    second = issue_ticket("helsinki")
    event = display.next_event()
    assert event["type"] == "TicketIssued"
    assert event["ticket"]["number"] == second["number"]
    assert event["sequence"] == snapshot["sequence"] + 1
