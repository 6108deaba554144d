"""Live events reach every client once and in sequence order, whichever thread publishes first."""

from __future__ import annotations

import threading

from shared.web.realtime import publish
from tests.kiosk.test_api import ticket_body
from tests.live_state import PageState


def queue_events(socket) -> list[dict]:
    """The `queue_event`s a Socket.IO test client got since the last look."""
    return [m["args"][0] for m in socket.get_received() if m["name"] == "queue_event"]


def test_an_overtaking_publish_sends_the_earlier_event_first(
    app, db, config, clock, issue, socket_client
):
    display = socket_client("helsinki")
    display.get_received()
    first = issue().events  # sequence 1, committed first ...
    second = issue().events  # ... sequence 2, committed second
    with app.test_request_context():
        publish(second)  # but its request thread reaches publish first
        publish(first)
    events = queue_events(display)
    assert [event["sequence"] for event in events] == [1, 2]
    assert [event["ticket"]["number"] for event in events] == ["A001", "A002"]


def test_events_are_never_sent_twice(app, issue, socket_client):
    display = socket_client("helsinki")
    display.get_received()
    outcome = issue()
    with app.test_request_context():
        publish(outcome.events)
        publish(outcome.events)
    assert [event["sequence"] for event in queue_events(display)] == [1]


def test_each_service_point_has_its_own_order(app, issue, socket_client):
    helsinki, tampere = socket_client("helsinki"), socket_client("tampere")
    helsinki.get_received()
    tampere.get_received()
    in_helsinki = issue(service_point="helsinki").events
    in_tampere = issue(service_point="tampere").events
    with app.test_request_context():
        publish(in_tampere)
        publish(in_helsinki)
    assert [e["sequence"] for e in queue_events(helsinki)] == [1]
    assert [e["sequence"] for e in queue_events(tampere)] == [1]


def test_concurrent_publishers_deliver_every_event_in_order(
    app, db, config, clock, issue, socket_client
):
    """Many threads commit and publish at once; the display sees 1, 2, 3, ... with no gap."""
    display = socket_client("helsinki")
    display.get_received()
    tickets = 24
    outcomes = [issue() for _ in range(tickets)]
    release = threading.Barrier(8)
    errors = []

    def publish_share(share):
        try:
            release.wait(timeout=10)
            with app.test_request_context():
                for outcome in reversed(share):  # the worst order: newest first
                    publish(outcome.events)
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)

    shares = [outcomes[index::8] for index in range(8)]
    threads = [threading.Thread(target=publish_share, args=(share,)) for share in shares]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert [event["sequence"] for event in queue_events(display)] == list(range(1, tickets + 1))


def test_calls_from_two_counters_at_once_arrive_in_order(
    app, db, config, clock, issue, make_clerk, socket_client
):
    """Real requests from two clerks' threads: every call reaches the display, in order."""
    for _ in range(10):
        issue()
    clerks = [make_clerk("clerk1", counter=1), make_clerk("clerk2", counter=2)]
    display = socket_client("helsinki")
    display.get_received()
    barrier = threading.Barrier(2)
    statuses = []

    def work(clerk):
        barrier.wait(timeout=10)
        for _ in range(5):
            response = clerk.post("/api/v1/counter/call-next")
            statuses.append(response.status_code)
            if response.status_code == 200:
                ticket_id = response.json["id"]
                statuses.append(clerk.post(f"/api/v1/tickets/{ticket_id}/finish").status_code)

    threads = [threading.Thread(target=work, args=(clerk,)) for clerk in clerks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert set(statuses) == {200}
    sequences = [event["sequence"] for event in queue_events(display)]
    assert sequences == list(range(sequences[0], sequences[0] + len(sequences)))
    assert len(sequences) == 20


def test_kiosks_issuing_at_once_share_snapshots_but_every_event_arrives_once(
    app, socket_client, pair_kiosk
):
    """Requests queue at the publishing lock; the first sends the others' events too, with one
    snapshot that covers them. No event is lost or repeated, no snapshot is older than its
    event, and every kiosk's answer counts the people ahead from a snapshot with its ticket."""

    display = socket_client("helsinki")
    page = PageState()
    page.feed(display)
    kiosks, tickets_each = 8, 6
    barrier = threading.Barrier(kiosks)
    answers, errors = [], []
    paired = [pair_kiosk("helsinki", name=f"Lobby {number}") for number in range(kiosks)]

    def kiosk(number):
        client = paired[number]
        try:
            barrier.wait(timeout=10)
            for visit in range(tickets_each):
                response = client.post(
                    "/api/v1/service-points/helsinki/tickets",
                    json=ticket_body(key=f"kiosk-{number}-visit-{visit}"),
                )
                answers.append((response.status_code, response.json))
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=kiosk, args=(number,)) for number in range(kiosks)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert {status for status, _ in answers} == {201}
    events = page.feed(display)
    total = kiosks * tickets_each
    assert [event["sequence"] for event in events] == list(range(1, total + 1))
    # A batch's new state comes with its last event: the state then has that event's number.
    states = [event for event in events if "delta" in event or "snapshot" in event]
    assert states and all(page.after[e["sequence"]]["sequence"] == e["sequence"] for e in states)
    assert not page.needs_snapshot
    final = page.snapshot
    assert final["sequence"] == total
    waiting = next(q for q in final["queues"] if q["id"] == "urgent")["waiting"]
    position = {entry["number"]: index for index, entry in enumerate(waiting)}
    assert len(position) == total
    # Nobody was called: the people ahead of a ticket are those issued before it.
    assert sorted(body["people_ahead"] for _, body in answers) == list(range(total))
    assert all(body["people_ahead"] == position[body["number"]] for _, body in answers)
