"""getAppointmentMessages: a clerk sees what was sent to an appointment's contacts."""

from __future__ import annotations

import dataclasses

import pytest

from shared.notifications.sender import send_due
from tests.notification_helpers import SmtpServer, free_port, with_notifications

BOOK = "/api/v1/counter/appointments"


@pytest.fixture
def smtp():
    """aiosmtpd on loopback, started by the test when it wants mail to go through."""
    server = SmtpServer(free_port())
    yield server
    server.stop()


@pytest.fixture
def config(config, smtp):
    """E-mail to the loopback server; SMS stays off (no gateway URL)."""
    return with_notifications(config, smtp_port=smtp.port, max_attempts=1)


def first_free(client):
    response = client.get("/api/v1/free-slots?service_point=helsinki&category=citizenship&days=3")
    assert response.status_code == 200, response.json
    return response.json["slots"][0]


def test_a_clerk_sees_sent_failed_and_skipped_messages(make_clerk, client, db, config, clock, smtp):
    clerk = make_clerk()
    slot = first_free(client)
    booked = clerk.post(
        BOOK,
        json={
            "starts_at": slot["starts_at"], "category": "citizenship", "party_size": 1,
            "email": "Anna.Virtanen@example.fi", "phone": "040 123 4567", "language": "sv",
        },
    )  # fmt: skip
    assert booked.status_code == 201, booked.json
    path = f"{BOOK}/{booked.json['id']}/messages"
    smtp.start()
    send_due(db, config, clock.now())
    messages = clerk.get(path).json["messages"]
    assert [(m["channel"], m["kind"], m["status"], m["language"]) for m in messages] == [
        ("email", "confirmation", "sent", "sv"),
        ("sms", "confirmation", "skipped", "sv"),
    ]
    assert messages[0]["recipient"] == "a***@example.fi"
    assert messages[1]["recipient"] == "+35840*****67"
    assert booked.json["pin"] not in str(messages)
    assert client.get(path).status_code == 401
    assert clerk.get(f"{BOOK}/999/messages").json["error"]["code"] == "not_found"


def test_a_message_given_up_shows_why(make_clerk, client, db, config, clock):
    clerk = make_clerk()
    slot = first_free(client)
    booked = clerk.post(
        BOOK,
        json={
            "starts_at": slot["starts_at"], "category": "citizenship", "party_size": 1,
            "email": "anna@example.fi", "language": "fi",
        },
    )  # fmt: skip
    send_due(db, config, clock.now())  # nobody listens: one try allowed, then failed
    [message] = clerk.get(f"{BOOK}/{booked.json['id']}/messages").json["messages"]
    assert message["status"] == "failed"
    assert "unreachable" in message["last_error"]
    assert message["next_attempt_at"] is None


def test_no_messages_when_notifications_are_off(make_clerk, client, db, app, config):
    app.extensions["jono"].config = dataclasses.replace(
        config, notifications=dataclasses.replace(config.notifications, enabled=False)
    )
    clerk = make_clerk()
    slot = first_free(client)
    booked = clerk.post(
        BOOK,
        json={
            "starts_at": slot["starts_at"], "category": "citizenship", "party_size": 1,
            "email": "anna@example.fi", "language": "fi",
        },
    )  # fmt: skip
    assert clerk.get(f"{BOOK}/{booked.json['id']}/messages").json["messages"] == []
