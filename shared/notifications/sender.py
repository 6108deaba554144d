"""The sender worker: delivers the outbox's messages by SMTP and the HTTP SMS gateway.

Each message is claimed in a BEGIN IMMEDIATE transaction with a lease (status 'sending',
`lease_until`) counted from the clock at that claim, delivered within `DELIVERY_SECONDS`, then
marked 'sent' in a second transaction only while that same lease holds. Several senders may run
at once (the server's thread and `jono worker`): the claim is atomic across processes, and the
lease outlives the longest delivery, so no one else takes a message while it is being sent.
Delivery is therefore at-least-once, never lost: if the process dies after the SMTP server or
gateway accepted a message but before 'sent' was written, the lease runs out and the message goes
again (each e-mail carries a fixed Message-ID, so mail systems can drop the copy). A worker that
is stopped normally finishes the message in hand (at most `STOP_SECONDS`) before it stops, so a
restart never sends a message twice. A failed try waits
`retry_base_seconds`, doubling up to `retry_max_seconds`; after `max_attempts` the message is
marked 'failed' for good (shown on the counter screen). A failed try stores only its reason
(:mod:`shared.notifications.delivery_failures`); the server's own answer goes to the log.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import re
import smtplib
import socket
import ssl
import threading
import time
import urllib.request
from collections.abc import Callable
from datetime import datetime, timedelta
from email.message import EmailMessage
from urllib.parse import quote_plus

import sqlite_utils

from shared.appointments.booking import get_appointment_by_id
from shared.appointments.confirmation_slips import confirmation_pdf
from shared.appointments.reminders import schedule_reminders
from shared.config import Config
from shared.config.notifications import SMTP_PASSWORD_ENVIRONMENT_VARIABLE
from shared.notifications.delivery_failures import FailureReason, gateway_refusal
from shared.storage.connections import connect
from shared.storage.timestamps import parse_utc, utc_text
from shared.storage.transactions import write_transaction

log = logging.getLogger(__name__)  # message ids, channels and errors only: no PIN, no address

# The longest one delivery may take, counted from its claim: rendering it, then the whole SMTP
# talk or gateway request. Each step still waits at most `smtp_timeout_seconds`, but a slow
# server that answers every step just in time would otherwise hold the message (and a stopping
# process) for a step count times that; past this the try fails and is retried later.
DELIVERY_SECONDS = 20.0
# Writing a delivery's outcome: one short BEGIN IMMEDIATE, which normally takes milliseconds.
OUTCOME_SECONDS = 5.0
# How long `NotificationSender.stop` waits for the message in hand and its outcome. gunicorn's
# graceful timeout (shared/cli/server.py) is longer, so a restart does not kill a send midway.
STOP_SECONDS = DELIVERY_SECONDS + OUTCOME_SECONDS
# A lease is never shorter than a whole delivery and its outcome plus this (see lease_length).
LEASE_MARGIN_SECONDS = 10.0


class DeliveryError(Exception):
    """A try to deliver failed: `reason` for the counter, the text for the log only;
    `transport_down` means the next messages would fail too."""

    def __init__(self, reason: FailureReason, detail: str, transport_down: bool = False):
        super().__init__(detail)
        self.reason = reason
        self.transport_down = transport_down


def retry_delay(config: Config, attempts: int) -> timedelta:
    """The wait before the next try after `attempts` failed ones (exponential, capped)."""
    settings = config.notifications
    seconds = settings.retry_base_seconds * 2 ** max(0, attempts - 1)
    return timedelta(seconds=min(seconds, settings.retry_max_seconds))


def lease_length(config: Config) -> timedelta:
    """How long a claim holds its message: `lease_seconds`, but never less than a delivery.

    The lease is not renewed during the send. A delivery cannot outlast `DELIVERY_SECONDS` (it is
    cut off then), so a lease longer than that plus the outcome's write and a margin cannot run
    out mid-send, however slow the server. Renewing would need a second writer per send (a
    thread and a transaction every few seconds) and would protect nothing more: a process frozen
    long enough to lose this lease (a suspended VM, SIGSTOP) would not renew either.
    """
    floor = STOP_SECONDS + LEASE_MARGIN_SECONDS
    return timedelta(seconds=max(config.notifications.lease_seconds, floor))


def claim_next(
    db: sqlite_utils.Database, config: Config, now: datetime, skip_channels=()
) -> dict | None:
    """Take the oldest due message (or one whose worker's lease ran out) and lease it.

    :param now: the clock's time at this claim (not the round's start: a lease counted from an
        earlier moment would be born short, or already run out, and another sender would take
        the message while this one sends it)
    """
    lease_until = utc_text(now + lease_length(config))
    placeholders = ", ".join("?" for _ in skip_channels) or "''"
    with write_transaction(db):
        row = db.execute(
            "SELECT id, channel, recipient, kind, language, subject, body_text, body_html,"
            " attachments, secret, attempts, appointment_id FROM messages"
            " WHERE ((status = 'pending' AND next_attempt_at <= ?)"
            " OR (status = 'sending' AND lease_until <= ?))"
            f" AND channel NOT IN ({placeholders}) ORDER BY id LIMIT 1",
            [utc_text(now), utc_text(now), *skip_channels],
        ).fetchone()
        if row is None:
            return None
        db.execute(
            "UPDATE messages SET status = 'sending', lease_until = ?, attempts = attempts + 1"
            " WHERE id = ?",
            [lease_until, row[0]],
        )
    keys = (
        "id channel recipient kind language subject body_text body_html attachments secret"
        " attempts appointment_id"
    ).split()
    message = dict(zip(keys, row, strict=True))
    message["attempts"] += 1
    message["lease_until"] = lease_until  # the claim's token: later writes need it unchanged
    return message


def mark_sent(db: sqlite_utils.Database, message: dict, now: datetime) -> bool:
    """Mark a delivered message sent (once: only while this worker's lease holds); scrub the PIN."""
    with write_transaction(db):
        cursor = db.execute(
            "UPDATE messages SET status = 'sent', sent_at = ?, lease_until = NULL, secret = NULL,"
            " last_error = NULL,"
            " body_text = CASE WHEN secret IS NULL THEN body_text END,"
            " body_html = CASE WHEN secret IS NULL THEN body_html END"
            " WHERE id = ? AND status = 'sending' AND lease_until = ?",
            [utc_text(now), message["id"], message["lease_until"]],
        )
    return cursor.rowcount == 1


def mark_failed_try(
    db: sqlite_utils.Database, config: Config, message: dict, reason: FailureReason, now: datetime
) -> str:
    """Record a failed try and its reason: back to 'pending' after a delay, or 'failed' for good.

    Returns the new status, or 'taken over' when another worker holds the message now.
    """
    final = message["attempts"] >= config.notifications.max_attempts
    with write_transaction(db):
        cursor = db.execute(
            "UPDATE messages SET status = ?, lease_until = NULL, last_error = ?,"
            " next_attempt_at = ?, secret = CASE WHEN ? THEN NULL ELSE secret END,"
            " body_text = CASE WHEN ? AND secret IS NOT NULL THEN NULL ELSE body_text END,"
            " body_html = CASE WHEN ? AND secret IS NOT NULL THEN NULL ELSE body_html END"
            " WHERE id = ? AND status = 'sending' AND lease_until = ?",
            [
                "failed" if final else "pending",
                str(reason),
                utc_text(now + retry_delay(config, message["attempts"])),
                final,
                final,
                final,
                message["id"],
                message["lease_until"],
            ],
        )
    if cursor.rowcount != 1:
        return "taken over"
    return "failed" if final else "pending"


def build_email(db: sqlite_utils.Database, config: Config, message: dict) -> EmailMessage:
    """The MIME e-mail: plain text and HTML, then the attachments (.ics, the confirmation PDF)."""
    email = EmailMessage()
    email["From"] = config.notifications.from_address
    email["To"] = message["recipient"]
    email["Subject"] = message["subject"]
    domain = config.notifications.from_address.rsplit("@", 1)[-1].strip(" >") or "jono"
    email["Message-ID"] = f"<jono-message-{message['id']}@{domain}>"
    email.set_content(message["body_text"] or "")
    if message["body_html"]:
        email.add_alternative(message["body_html"], subtype="html")
    for attachment in json.loads(message["attachments"] or "[]"):
        if attachment["type"] == "calendar":
            email.add_attachment(
                attachment["content"].encode("utf-8"),
                maintype="text",
                subtype="calendar",
                filename=attachment["filename"],
            )
        elif attachment["type"] == "confirmation_pdf" and message["secret"]:
            email.add_attachment(
                _confirmation_pdf(db, config, attachment, message),
                maintype="application",
                subtype="pdf",
                filename=attachment["filename"],
            )
    return email


def _confirmation_pdf(db, config: Config, attachment: dict, message: dict) -> bytes:
    """Render the confirmation slip PDF (the printing renderer) as it was at booking."""

    appointment = get_appointment_by_id(db, attachment["appointment_id"])
    appointment = dataclasses.replace(
        appointment,
        service_point=attachment["service_point"],
        starts_at=parse_utc(attachment["starts_at"]),
    )
    return confirmation_pdf(config, appointment, message["secret"], message["language"])


def _seconds_left(deliver_by: float, reason: FailureReason) -> float:
    """The time left before a delivery's deadline; none left is a failed try (server too slow)."""
    left = deliver_by - time.monotonic()
    if left <= 0:
        raise DeliveryError(reason, "no time left to deliver", transport_down=True)
    return left


def _cut_off(client: smtplib.SMTP, cut: threading.Event) -> None:
    """End a talk that passed its deadline: a shut socket wakes the read that waits on it."""
    cut.set()
    connection = client.sock
    if connection is not None:
        try:
            connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass  # closed meanwhile: the talk ended on its own


def send_email(config: Config, email: EmailMessage, deliver_by: float | None = None) -> None:
    """Hand the e-mail to the SMTP server (STARTTLS, SSL or plain as configured).

    :param deliver_by: a `time.monotonic()` moment the whole talk must end by (default: in
        `DELIVERY_SECONDS`); a server still talking then is cut off and the try fails
    """
    settings = config.notifications
    password = os.environ.get(SMTP_PASSWORD_ENVIRONMENT_VARIABLE, "")
    deliver_by = time.monotonic() + DELIVERY_SECONDS if deliver_by is None else deliver_by
    unreachable = FailureReason.MAIL_SERVER_UNREACHABLE
    timeout = min(settings.smtp_timeout_seconds, _seconds_left(deliver_by, unreachable))
    try:
        if settings.smtp_security == "ssl":
            client = smtplib.SMTP_SSL(
                settings.smtp_host,
                settings.smtp_port,
                timeout=timeout,
                context=ssl.create_default_context(),
            )
        else:
            client = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=timeout)
    except OSError as error:  # smtplib's own errors are OSErrors too
        raise DeliveryError(
            unreachable, f"SMTP server unreachable: {error}", transport_down=True
        ) from error
    recipient = str(email["To"])
    # Each step's timeout bounds one wait only; the watchdog bounds the whole talk, which is what
    # the lease and a stopping process count on (see DELIVERY_SECONDS).
    cut = threading.Event()
    watchdog = threading.Timer(max(0.0, deliver_by - time.monotonic()), _cut_off, [client, cut])
    watchdog.daemon = True
    watchdog.start()
    try:
        with client:
            if settings.smtp_security == "starttls":
                client.starttls(context=ssl.create_default_context())
            if settings.smtp_user:
                client.login(settings.smtp_user, password)
            client.send_message(email)
    except smtplib.SMTPRecipientsRefused as error:
        answers = "; ".join(f"{code} {_text(answer)}" for code, answer in error.recipients.values())
        raise DeliveryError(
            FailureReason.EMAIL_ADDRESS_REFUSED,
            _without(recipient, f"the SMTP server refused the recipient: {answers}"),
        ) from error
    except smtplib.SMTPResponseException as error:  # an answer: it is there, but said no
        raise DeliveryError(
            FailureReason.MAIL_SERVER_REFUSED,
            _without(recipient, f"SMTP error: {error.smtp_code} {_text(error.smtp_error)}"),
            transport_down=True,
        ) from error
    except OSError as error:  # gone, silent or no TLS in the middle of the talk
        detail = "cut off at the delivery limit" if cut.is_set() else "lost"
        raise DeliveryError(
            unreachable,
            _without(recipient, f"SMTP server {detail}: {error}"),
            transport_down=True,
        ) from error
    finally:
        watchdog.cancel()


def _text(answer: bytes | str) -> str:
    """An SMTP server's answer as text (it arrives as bytes)."""
    return answer.decode("utf-8", "replace") if isinstance(answer, bytes) else str(answer)


def _without(recipient: str, detail: str) -> str:
    """A server's answer for the log, without the recipient's address (servers quote it)."""
    if not recipient:
        return detail
    return re.sub(re.escape(recipient), "<recipient>", detail, flags=re.IGNORECASE)


def _json_string_content(value: str) -> str:
    """`value` as it stands between the quotes of a JSON string."""
    return json.dumps(value)[1:-1]


def sms_request(config: Config, message: dict) -> urllib.request.Request:
    """The gateway request: the body template filled in, the key in the configured header."""
    settings = config.notifications
    escape = _json_string_content if "json" in settings.sms_content_type else quote_plus
    body = settings.sms_body_template.replace("{recipient}", escape(message["recipient"]))
    body = body.replace("{text}", escape(message["body_text"] or ""))
    headers = {"Content-Type": settings.sms_content_type}
    key = os.environ.get(settings.sms_auth_environment_variable, "")
    if key:
        headers[settings.sms_auth_header] = key
    return urllib.request.Request(
        settings.sms_gateway_url, data=body.encode("utf-8"), headers=headers, method="POST"
    )


def send_sms(config: Config, message: dict, deliver_by: float | None = None) -> None:
    """POST the text message to the gateway; a 2xx answer means it took it.

    :param deliver_by: a `time.monotonic()` moment to be done by (default: in
        `DELIVERY_SECONDS`); each step of the request waits at most the time left
    """
    request = sms_request(config, message)
    deliver_by = time.monotonic() + DELIVERY_SECONDS if deliver_by is None else deliver_by
    left = _seconds_left(deliver_by, FailureReason.SMS_SERVICE_UNREACHABLE)
    try:
        with urllib.request.urlopen(
            request, timeout=min(config.notifications.smtp_timeout_seconds, left)
        ):
            pass
    except urllib.error.HTTPError as error:
        error.close()
        raise DeliveryError(
            gateway_refusal(error.code), f"SMS gateway answered {error.code}", error.code >= 500
        ) from error
    except OSError as error:
        raise DeliveryError(
            FailureReason.SMS_SERVICE_UNREACHABLE,
            f"SMS gateway unreachable: {error}",
            transport_down=True,
        ) from error


def deliver(db: sqlite_utils.Database, config: Config, message: dict) -> None:
    """Deliver one claimed message on its channel, by its `deliver_by` moment when it has one."""
    deliver_by = message.get("deliver_by")
    if message["channel"] == "email":
        send_email(config, build_email(db, config, message), deliver_by)
    else:
        send_sms(config, message, deliver_by)


def _reader_of(clock) -> Callable[[], datetime]:
    """Read the time from a clock; a plain moment stands for a clock that does not move."""
    if isinstance(clock, datetime):
        return lambda: clock
    return clock.now


def send_due(
    db: sqlite_utils.Database,
    config: Config,
    clock,
    stop=None,
    delivery_seconds: float = DELIVERY_SECONDS,
) -> int:
    """Queue due reminders, then deliver every due message once; return how many were sent.

    A channel whose server is down is left alone for the rest of this round, so messages keep
    their order and wait for the retry together.

    :param clock: the clock (read at each claim and each outcome), or a fixed moment
    :param stop: an event that, once set, ends the round after the message in hand
    :param delivery_seconds: the longest one delivery may take (shorter only in tests)
    """
    now = _reader_of(clock)
    schedule_reminders(db, config, now())
    sent, down = 0, []
    while not (stop and stop.is_set()):
        # The clock is read again at every claim: a round may last long (a slow server, many
        # messages), and a lease counted from its start would be born already run out.
        message = claim_next(db, config, now(), skip_channels=down)
        if message is None:
            break
        message["deliver_by"] = time.monotonic() + delivery_seconds
        try:
            deliver(db, config, message)
        except DeliveryError as error:
            status = mark_failed_try(db, config, message, error.reason, now())
            # The server's own answer is for the operator: the counter shows only the reason.
            log.warning(
                "message %s (%s, %s) not delivered, try %s: %s (%s); now %s",
                message["id"], message["channel"], message["kind"], message["attempts"],
                error.reason, error, status,
            )  # fmt: skip
            if error.transport_down:
                down.append(message["channel"])
            continue
        if mark_sent(db, message, now()):
            sent += 1
            log.info("message %s (%s, %s) sent", message["id"], message["channel"], message["kind"])
        else:  # its lease ran out meanwhile and another worker took it: that one marks it
            log.warning(
                "message %s (%s, %s) delivered after its lease was taken over; not marked again",
                message["id"], message["channel"], message["kind"],
            )  # fmt: skip
    return sent


class NotificationSender:
    """The worker thread: every `poll_seconds` it sends what is due (`jono worker` runs one too)."""

    def __init__(self, config: Config, clock):
        self.config = config
        self.clock = clock
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def run_once(self) -> int:
        """One round on a fresh connection; return how many messages were sent."""
        db = connect(self.config.database)
        try:
            return send_due(db, self.config, self.clock, stop=self._stop)
        finally:
            db.close()

    def run(self) -> None:
        """Send until stopped; an unexpected error is logged and the loop goes on."""
        while not self._stop.is_set():
            try:
                self.run_once()
            except Exception:
                log.exception("the notification sender failed a round")
            self._stop.wait(self.config.notifications.poll_seconds)

    def start(self) -> None:
        """Run in a daemon thread."""
        self._thread = threading.Thread(target=self.run, name="notification-sender", daemon=True)
        self._thread.start()

    def stop_soon(self) -> None:
        """Ask the loop to stop after the message in hand (safe from a signal handler)."""
        self._stop.set()

    def stop(self, timeout: float = STOP_SECONDS) -> None:
        """Stop after the message in hand (so a restart sends nothing twice).

        The round ends before its next claim; the message in hand takes at most
        `DELIVERY_SECONDS` and its outcome is written after it, so `STOP_SECONDS` is enough.
        """
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
