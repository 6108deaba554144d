"""The opt-in "your turn is near" SMS: sent once when the queue is short; number deleted at end."""

from __future__ import annotations

import json

import pytest

from shared.notifications.sender import send_due
from shared.queue.ticket_actions import call_next_ticket, finish_ticket
from shared.queue.turn_near import set_turn_near_phone
from tests.notification_helpers import SmsGateway, with_notifications


@pytest.fixture
def gateway():
    """The SMS gateway stand-in."""
    server = SmsGateway()
    yield server
    server.close()


@pytest.fixture
def config(config, gateway):
    """SMS through the loopback gateway; the text goes when 2 or fewer are ahead."""
    return with_notifications(config, sms_gateway_url=gateway.url, turn_near_people_ahead=2)


def serve_next(db, config, clock):
    """Call the next waiting number to counter 1 and finish it."""
    outcome = call_next_ticket(
        db, config, service_point_id="helsinki", counter_number=1, clerk="c", now=clock.now()
    )
    finish_ticket(
        db, config, ticket_id=outcome.ticket.id, service_point_id="helsinki", counter_number=1,
        clerk="c", now=clock.now(),
    )  # fmt: skip
    return outcome.ticket


def test_one_text_when_the_turn_is_near_and_the_number_is_deleted_at_the_end(
    db, config, clock, issue, gateway
):
    tickets = [issue(language="fi").ticket for _ in range(6)]
    mine = tickets[-1]
    set_turn_near_phone(
        db, config, ticket_id=mine.id, token=mine.status_token, phone="040 765 4321",
        now=clock.now(),
    )  # fmt: skip
    assert db.execute("SELECT notify_phone FROM tickets WHERE id = ?", [mine.id]).fetchone() == (
        "+358407654321",
    )
    serve_next(db, config, clock)  # 4 ahead
    serve_next(db, config, clock)  # 3 ahead
    assert db.execute("SELECT COUNT(*) FROM messages").fetchone()[0] == 0
    serve_next(db, config, clock)  # 2 ahead: near
    serve_next(db, config, clock)  # 1 ahead: already told
    assert send_due(db, config, clock.now()) == 1
    [body] = gateway.json_bodies()
    assert body["to"] == "+358407654321"
    assert mine.number in body["text"] and "2" in body["text"]
    serve_next(db, config, clock)
    assert serve_next(db, config, clock).id == mine.id
    assert db.execute("SELECT notify_phone FROM tickets WHERE id = ?", [mine.id]).fetchone() == (
        None,
    )
    assert db.execute("SELECT recipient, status FROM messages").fetchall() == [("", "sent")]
    assert "+358407654321" not in json.dumps(
        [list(row) for row in db.execute("SELECT * FROM messages").fetchall()]
    )


def test_a_near_ticket_is_told_at_once_and_bad_input_writes_nothing(
    db, config, clock, issue, client
):
    mine = issue().ticket
    path = f"/api/v1/tickets/{mine.id}/turn-near-phone"
    for body, status, code in [
        ({"token": "wrong-token-wrong-token", "phone": "0401234567"}, 404, "unknown_ticket"),
        ({"token": mine.status_token, "phone": "12"}, 400, "invalid_phone"),
        ({"phone": "0401234567"}, 400, None),
    ]:
        response = client.put(path, json=body)
        assert response.status_code == status, response.json
        assert code is None or response.json["error"]["code"] == code
    assert (
        db.execute("SELECT COUNT(*) FROM tickets WHERE notify_phone IS NOT NULL").fetchone()[0] == 0
    )
    response = client.put(path, json={"token": mine.status_token, "phone": "0401234567"})
    assert response.status_code == 200, response.json
    assert response.json == {"ticket_id": mine.id, "subscribed": True, "people_ahead_threshold": 2}
    kinds = db.execute("SELECT kind, status FROM messages").fetchall()
    assert kinds == [("turn_near", "pending")]  # nobody ahead: near already


def test_no_text_messages_without_a_gateway(db, config, clock, issue, client):
    import dataclasses

    client.application.extensions["jono"].config = with_notifications(
        dataclasses.replace(config), sms_gateway_url=""
    )
    mine = issue().ticket
    response = client.put(
        f"/api/v1/tickets/{mine.id}/turn-near-phone",
        json={"token": mine.status_token, "phone": "0401234567"},
    )
    assert response.status_code == 409
    assert response.json["error"]["code"] == "sms_not_available"
    assert "turn-near-phone" not in client.get("/kiosk/helsinki").get_data(as_text=True)


def test_only_numbers_of_the_served_countries_and_only_a_few_changes(
    db, config, clock, issue, client
):
    mine = issue().ticket
    path = f"/api/v1/tickets/{mine.id}/turn-near-phone"
    for abroad in ("+1 202 555 0147", "00447700900123"):
        response = client.put(path, json={"token": mine.status_token, "phone": abroad})
        assert response.status_code == 400, response.json
        assert response.json["error"]["code"] == "phone_country_not_served"
        assert response.json["error"]["params"] == {"country_codes": "+358"}
    assert config.notifications.turn_near_phone_changes == 3
    for phone in ("0401111111", "0402222222", None):
        response = client.put(path, json={"token": mine.status_token, "phone": phone})
        assert response.status_code == 200, response.json
    assert client.put(path, json={"token": mine.status_token, "phone": None}).status_code == 200
    fourth = client.put(path, json={"token": mine.status_token, "phone": "0403333333"})
    assert (fourth.status_code, fourth.json["error"]["code"]) == (429, "phone_changes_used")
    assert db.execute("SELECT notify_phone FROM tickets WHERE id = ?", [mine.id]).fetchone() == (
        None,
    )


def test_a_country_list_of_the_office_is_obeyed(db, config, clock, issue, client, app):
    app.extensions["jono"].config = with_notifications(
        config, turn_near_country_codes=("+358", "+46")
    )
    mine = issue().ticket
    response = client.put(
        f"/api/v1/tickets/{mine.id}/turn-near-phone",
        json={"token": mine.status_token, "phone": "+46 70 123 45 67"},
    )
    assert response.status_code == 200, response.json
