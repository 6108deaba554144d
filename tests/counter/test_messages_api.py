"""getAppointmentMessages: a clerk sees what was sent to an appointment's contacts."""

from __future__ import annotations

import dataclasses
import json

import pytest

from counter.messages_api import failure_text
from shared.notifications.delivery_failures import FailureReason
from shared.notifications.sender import send_due
from shared.web.error_texts import error_message
from tests.notification_helpers import SmtpServer, free_port, with_notifications
from tests.notifications.refusing_smtp import RefusingMailBox

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


def book_with_email(clerk, client, email: str) -> int:
    """Book the first free citizenship time at the counter with an e-mail address only."""
    slot = first_free(client)
    booked = clerk.post(
        BOOK,
        json={
            "starts_at": slot["starts_at"], "category": "citizenship", "party_size": 1,
            "email": email, "language": "fi",
        },
    )  # fmt: skip
    assert booked.status_code == 201, booked.json
    return booked.json["id"]


def test_a_message_given_up_shows_why(make_clerk, client, db, config, clock):
    clerk = make_clerk()
    appointment_id = book_with_email(clerk, client, "anna@example.fi")
    send_due(db, config, clock.now())  # nobody listens: one try allowed, then failed
    response = clerk.get(f"{BOOK}/{appointment_id}/messages", headers={"Accept-Language": "en"})
    [message] = response.json["messages"]
    assert message["status"] == "failed"
    assert message["last_error"] == "The mail server could not be reached."
    assert message["last_error_reason"] == "mail_server_unreachable"
    assert "Errno" not in json.dumps(response.json)  # the socket's error stays in the log
    assert message["next_attempt_at"] is None


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("fi", "Sähköpostiosoite hylättiin."),
        ("sv", "E-postadressen avvisades."),
        ("en", "The e-mail address was refused."),
    ],
)
def test_a_refused_address_shows_in_words_never_the_servers_answer(
    make_clerk, client, db, config, clock, smtp, language, words
):
    smtp.mailbox = RefusingMailBox()  # "550 5.1.1 <address>: Recipient address rejected ..."
    smtp.start()
    clerk = make_clerk()
    appointment_id = book_with_email(clerk, client, "Anna.Virtanen@example.fi")
    send_due(db, config, clock.now())
    response = clerk.get(f"{BOOK}/{appointment_id}/messages", headers={"Accept-Language": language})
    [message] = response.json["messages"]
    assert (message["status"], message["last_error"], message["last_error_reason"]) == (
        "failed",
        words,
        "email_address_refused",
    )
    answer = json.dumps(response.json, ensure_ascii=False)
    for raw in ("5.1.1", "Recipient address rejected", "relay-7.mx.example", "SMTP"):
        assert raw not in answer


@pytest.mark.parametrize("reason", list(FailureReason))
def test_every_failure_reason_has_words_in_each_language(app, reason):
    texts = {}
    for language in ("fi", "sv", "en"):
        with app.test_request_context(headers={"Accept-Language": language}):
            texts[language] = failure_text(reason.value)
            fallback = error_message("no_such_code")
        assert texts[language] != fallback
    assert len(set(texts.values())) == 3, texts  # translated, not the English left in place


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
