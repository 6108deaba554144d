"""Confirmations and changes by real SMTP (aiosmtpd) and a loopback SMS gateway."""

from __future__ import annotations

import io
import logging

import pytest
from pypdf import PdfReader

from printers.wording import format_time
from shared.appointments.booking import hold_slot
from shared.appointments.changes import (
    cancel_appointment,
    reschedule_appointment,
    update_appointment_contact,
)
from shared.notifications.outbox import appointment_messages
from shared.notifications.sender import send_due
from tests.appointment_helpers import MONDAY_EARLY, local, one_day_config
from tests.notification_helpers import SmsGateway, SmtpServer, book, free_port, with_notifications

WORDS = {"fi": "Varaustunnus", "sv": "Bokningsnummer", "en": "Reservation key"}


@pytest.fixture
def smtp():
    """aiosmtpd listening on a free loopback port."""
    server = SmtpServer(free_port())
    server.start()
    yield server
    server.stop()


@pytest.fixture
def gateway():
    """The SMS gateway stand-in."""
    server = SmsGateway()
    yield server
    server.close()


@pytest.fixture
def settings(config, smtp, gateway):
    """Today bookable at Helsinki; e-mail to aiosmtpd, SMS to the loopback gateway."""
    return with_notifications(
        one_day_config(config),
        smtp_port=smtp.port,
        sms_gateway_url=gateway.url,
        sms_auth_header="X-Api-Key",
    )


def our_logs(caplog) -> str:
    """What Jono itself logged (aiosmtpd's own debug log shows whole messages)."""
    return "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("shared"))


def attachment(message, content_type):
    """The first attachment of this type."""
    return next(
        part for part in message.iter_attachments() if part.get_content_type() == content_type
    )


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_confirmation_email_in_the_booking_language(db, settings, smtp, language, caplog):
    caplog.set_level(logging.DEBUG)
    booking = book(db, settings, local(10), MONDAY_EARLY, language, email="anna@example.fi")
    assert send_due(db, settings, MONDAY_EARLY) == 1
    [(recipients, message)] = smtp.mailbox.messages
    assert recipients == ["anna@example.fi"]
    assert message["Subject"]
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    key = booking.appointment.reservation_key
    for body in (text, html):
        assert WORDS[language] in body
        assert booking.pin in body
        assert key[:4] in body.replace("-", "")
    assert format_time(language, local(10)) in text
    pdf_part = attachment(message, "application/pdf")
    pdf_text = "".join(
        page.extract_text() for page in PdfReader(io.BytesIO(pdf_part.get_content())).pages
    )
    assert booking.pin in pdf_text
    assert WORDS[language] in pdf_text
    calendar = attachment(message, "text/calendar").get_content()
    # 10:00 in Helsinki in November (UTC+2) is 08:00 UTC; the appointment is 15 minutes.
    assert "DTSTART:20261130T080000Z" in calendar
    assert "DTEND:20261130T081500Z" in calendar
    assert booking.pin not in our_logs(caplog)
    assert "anna@example.fi" not in our_logs(caplog)
    [record] = appointment_messages(db, booking.appointment.id)
    assert (record.status, record.channel, record.kind) == ("sent", "email", "confirmation")
    secret, body = db.execute("SELECT secret, body_text FROM messages").fetchone()
    assert secret is None and body is None  # the PIN is scrubbed once sent


def test_sms_goes_to_the_gateway_with_its_key(db, settings, gateway, monkeypatch, caplog):
    caplog.set_level(logging.DEBUG)
    monkeypatch.setenv("JONO_SMS_API_KEY", "gateway-secret")
    booking = book(db, settings, local(10), MONDAY_EARLY, "fi", phone="040 123 4567")
    assert send_due(db, settings, MONDAY_EARLY) == 1
    [(path, headers, _)] = gateway.requests
    [body] = gateway.json_bodies()
    assert path == "/send"
    assert headers["X-Api-Key"] == "gateway-secret"
    assert headers["Content-Type"] == "application/json"
    assert body["to"] == "+358401234567"
    assert booking.pin in body["text"] and len(body["text"]) <= 160
    assert booking.pin not in our_logs(caplog)


def test_the_booking_and_its_messages_commit_together(db, settings, monkeypatch):
    book(db, settings, local(10), MONDAY_EARLY, email="anna@example.fi", phone="0401234567")
    rows = db.execute("SELECT channel, kind, status FROM messages ORDER BY id").fetchall()
    assert rows == [("email", "confirmation", "pending"), ("sms", "confirmation", "pending")]

    def broken(*args, **kwargs):
        raise RuntimeError("the outbox is broken")

    monkeypatch.setattr("shared.appointments.booking.enqueue_appointment_messages", broken)
    with pytest.raises(RuntimeError):  # no message, no booking: one transaction
        book(db, settings, local(11), MONDAY_EARLY, email="bob@example.fi")
    assert db.execute("SELECT COUNT(*) FROM appointments").fetchone()[0] == 1
    assert db.execute("SELECT COUNT(*) FROM messages").fetchone()[0] == 2


def test_cancel_reschedule_and_contact_change_are_told(db, settings, smtp, gateway):
    booking = book(db, settings, local(10), MONDAY_EARLY, "en", email="old@example.fi")
    key, pin = booking.appointment.reservation_key, booking.pin
    hold = hold_slot(
        db, settings, service_point_id="helsinki", category="travel_document", party_size=1,
        starts_at=local(11), now=MONDAY_EARLY,
    )  # fmt: skip
    reschedule_appointment(
        db, settings, reservation_key=key, pin=pin, hold_token=hold.token, now=MONDAY_EARLY
    )
    update_appointment_contact(
        db, settings, reservation_key=key, pin=pin, email="new@example.fi", phone="0401234567",
        now=MONDAY_EARLY,
    )  # fmt: skip
    cancel_appointment(db, settings, reservation_key=key, pin=pin, now=MONDAY_EARLY)
    assert send_due(db, settings, MONDAY_EARLY) == 7
    mails = [(rcpt, message["Subject"]) for rcpt, message in smtp.mailbox.messages]
    assert mails == [
        (["old@example.fi"], "Your appointment is booked"),
        (["old@example.fi"], "Your appointment has a new time"),
        (["new@example.fi"], "Your contact details were changed"),
        (["old@example.fi"], "Your contact details were changed"),
        (["new@example.fi"], "Your appointment is cancelled"),
    ]
    for _, message in smtp.mailbox.messages[1:]:
        assert pin not in message.get_body(("plain",)).get_content()
        assert "application/pdf" not in [p.get_content_type() for p in message.iter_attachments()]
    moved = smtp.mailbox.messages[1][1]
    assert "DTSTART:20261130T090000Z" in attachment(moved, "text/calendar").get_content()
    cancelled = attachment(smtp.mailbox.messages[4][1], "text/calendar").get_content()
    assert "METHOD:CANCEL" in cancelled and "STATUS:CANCELLED" in cancelled
    texts = [body["text"] for body in gateway.json_bodies()]
    assert len(texts) == 2 and all(pin not in text for text in texts)


def test_bad_notification_settings_name_the_key(tmp_path):
    from shared.config import ConfigError, load_config
    from tests.conftest import PROJECT_ROOT

    source = (PROJECT_ROOT / "config.toml").read_text(encoding="utf-8")
    path = tmp_path / "config.toml"
    path.write_text(source + '\n[notifications]\nsmtp_security = "tls"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"notifications\.smtp_security"):
        load_config(path)
    path.write_text(source + "\n[notifications]\nreminder_offsets_hours = [0]\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"notifications\.reminder_offsets_hours\[0\]"):
        load_config(path)
