"""Why a message failed: a reason from a closed set is stored, the server's answer only logged.

Each failure is a real one: a loopback SMTP server that refuses, one that is not there, a
loopback SMS gateway that answers with an error, or one that is not there.
"""

from __future__ import annotations

import logging

import pytest

from shared.notifications.delivery_failures import FailureReason, failure_reason
from shared.notifications.sender import send_due
from tests.appointment_helpers import MONDAY_EARLY, local, one_day_config
from tests.notification_helpers import SmsGateway, book, free_port, with_notifications
from tests.notifications.refusing_smtp import refusing_smtp_server

ADDRESS = "Anna.Virtanen@example.fi"


@pytest.fixture
def refusing_smtp(request):
    """A started loopback SMTP server that refuses recipients (or, with param True, messages)."""
    server = refusing_smtp_server(refuse_data=getattr(request, "param", False))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def gateway():
    """The SMS gateway stand-in; a test sets the status it answers with."""
    server = SmsGateway()
    yield server
    server.close()


def our_logs(caplog) -> str:
    """What Jono itself logged (aiosmtpd's own debug log shows whole messages)."""
    return "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("shared"))


def confirmation_outcome(db) -> tuple[str, str | None]:
    """The status and stored error of the confirmation message."""
    row = db.execute(
        "SELECT status, last_error FROM messages WHERE kind = 'confirmation'"
    ).fetchone()
    return tuple(row)


def mail_to(db, config, port: int):
    """Book a time with an e-mail address only and try its confirmation once at `port`."""
    settings = with_notifications(one_day_config(config), smtp_port=port, max_attempts=1)
    book(db, settings, local(10), MONDAY_EARLY, email=ADDRESS)
    assert send_due(db, settings, MONDAY_EARLY) == 0


def text_to(db, config, gateway_url: str):
    """Book a time with a phone number only and try its confirmation once at the gateway."""
    settings = with_notifications(
        one_day_config(config), sms_gateway_url=gateway_url, max_attempts=1
    )
    book(db, settings, local(10), MONDAY_EARLY, phone="040 123 4567")
    assert send_due(db, settings, MONDAY_EARLY) == 0


def test_a_refused_recipient_is_stored_as_a_reason_and_the_answer_is_only_logged(
    db, config, refusing_smtp, caplog
):
    caplog.set_level(logging.INFO)
    mail_to(db, config, refusing_smtp.port)
    assert confirmation_outcome(db) == ("failed", "email_address_refused")
    logged = our_logs(caplog)
    assert "550 5.1.1" in logged and "relay-7.mx.example" in logged  # the operator's detail
    assert ADDRESS.lower() not in logged.lower()  # the server quoted it; the log does not


@pytest.mark.parametrize("refusing_smtp", [True], indirect=True)
def test_a_refused_message_is_the_mail_servers_refusal(db, config, refusing_smtp, caplog):
    caplog.set_level(logging.INFO)
    mail_to(db, config, refusing_smtp.port)
    assert confirmation_outcome(db) == ("failed", "mail_server_refused")
    assert "554 5.7.1" in our_logs(caplog)


def test_a_mail_server_that_is_not_there_is_unreachable(db, config, caplog):
    caplog.set_level(logging.INFO)
    mail_to(db, config, free_port())  # nothing listens there
    assert confirmation_outcome(db) == ("failed", "mail_server_unreachable")
    assert "Connection refused" in our_logs(caplog)


@pytest.mark.parametrize(
    ("status", "reason"),
    [
        (400, "phone_number_refused"),
        (422, "phone_number_refused"),
        (401, "sms_service_refused"),  # our key, not the number
        (429, "sms_service_refused"),
        (503, "sms_service_refused"),
    ],
)
def test_a_gateways_answer_says_whether_the_number_was_refused(
    db, config, gateway, status, reason, caplog
):
    caplog.set_level(logging.INFO)
    gateway.status = status
    text_to(db, config, gateway.url)
    assert len(gateway.requests) == 1
    assert confirmation_outcome(db) == ("failed", reason)
    assert f"SMS gateway answered {status}" in our_logs(caplog)


def test_a_gateway_that_is_not_there_is_unreachable(db, config):
    text_to(db, config, f"http://127.0.0.1:{free_port()}/send")
    assert confirmation_outcome(db) == ("failed", "sms_service_unreachable")


@pytest.mark.parametrize(
    ("stored", "reason"),
    [
        # What the sender stored before the reasons existed.
        ("the SMTP server refused the recipient", FailureReason.EMAIL_ADDRESS_REFUSED),
        (
            "SMTP server unreachable: [Errno 111] Connection refused",
            FailureReason.MAIL_SERVER_UNREACHABLE,
        ),
        (
            "SMTP error: (535, b'5.7.8 Authentication credentials invalid')",
            FailureReason.MAIL_SERVER_REFUSED,
        ),
        ("SMS gateway answered 400", FailureReason.PHONE_NUMBER_REFUSED),
        ("SMS gateway answered 503", FailureReason.SMS_SERVICE_REFUSED),
        (
            "SMS gateway unreachable: <urlopen error [Errno 111] Connection refused>",
            FailureReason.SMS_SERVICE_UNREACHABLE,
        ),
        ("a text nobody foresaw", FailureReason.OTHER),
        (None, None),
        ("", None),
        # What it stores now.
        *((reason.value, reason) for reason in FailureReason),
    ],
)
def test_every_stored_error_has_a_reason(stored, reason):
    assert failure_reason(stored) is reason
