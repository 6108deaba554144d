"""Drill: malformed Socket.IO payloads get an error acknowledgement and disturb nobody else."""

from __future__ import annotations

import pytest

ACK_TIMEOUT_SECONDS = 10
HUGE = "x" * 500_000
BAD_SNAPSHOT_REQUESTS = [
    None,
    "helsinki",
    42,
    3.5,
    True,
    ["helsinki"],
    {},
    {"service_point": None},
    {"service_point": 7},
    {"service_point": ["helsinki"]},
    {"service_point": {"id": "helsinki"}},
    {"service_point": "nowhere"},
    {"service_point": HUGE},
    {HUGE: "helsinki"},
]


@pytest.mark.parametrize("transport", ["websocket", "polling"])
def test_malformed_payloads_are_refused_and_others_still_get_events(
    live_client, issue_ticket, transport
):
    bystander = live_client("helsinki", transports=["websocket"])
    bystander.connect()
    attacker = live_client("helsinki", transports=[transport])
    attacker.connect()

    for payload in BAD_SNAPSHOT_REQUESTS:
        answer = attacker.sio.call("request_snapshot", payload, timeout=ACK_TIMEOUT_SECONDS)
        assert answer == {"ok": False, "error": "unknown_service_point"}, payload
    # Several arguments where one is expected, and events nobody listens for.
    answer = attacker.sio.call("request_snapshot", ("helsinki", 1), timeout=ACK_TIMEOUT_SECONDS)
    assert answer == {"ok": False, "error": "invalid_request"}
    attacker.sio.emit("no_such_event", {"service_point": "helsinki"})
    attacker.sio.emit("queue_event", {"sequence": 999, "type": "TicketCalled"})
    attacker.sio.emit("snapshot", HUGE)

    # The server is still well: the same client gets a proper answer, nobody got a forged event.
    answer = attacker.sio.call(
        "request_snapshot", {"service_point": "helsinki"}, timeout=ACK_TIMEOUT_SECONDS
    )
    assert answer["ok"] is True
    assert bystander.pending_events() == []
    ticket = issue_ticket("helsinki")
    for client in (bystander, attacker):
        event, _ = client.event_of_type("TicketIssued")
        assert event["ticket"]["number"] == ticket["number"]
    assert attacker.sio.connected and bystander.sio.connected
