"""Loopback stand-ins for the outside world of notifications: an SMTP server and an SMS gateway."""

from __future__ import annotations

import asyncio
import dataclasses
import email
import email.policy
import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from aiosmtpd.controller import Controller

from shared.appointments.booking import book_appointment, hold_slot


def free_port() -> int:
    """A TCP port on loopback that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class MailBox:
    """An aiosmtpd handler that keeps every message it receives.

    :param delay_seconds: how long it takes before answering each message (a slow server)
    """

    def __init__(self, delay_seconds: float = 0.0):
        self.messages = []
        self.lock = threading.Lock()
        self.delay_seconds = delay_seconds

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        """Keep the envelope's recipients and the parsed message, then answer (maybe late)."""
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append((list(envelope.rcpt_tos), parsed))
        if self.delay_seconds:
            # The message is kept before the wait: a client that gives up waiting has still
            # handed it over, as with a real server that is slow to say so.
            await asyncio.sleep(self.delay_seconds)
        return "250 OK"


class SmtpServer:
    """aiosmtpd on loopback, started and stopped by the tests.

    :param delay_seconds: how long it waits before accepting each message
    """

    def __init__(self, port: int, delay_seconds: float = 0.0):
        self.port = port
        self.mailbox = MailBox(delay_seconds)
        self.controller = None

    def start(self) -> None:
        """Start listening."""
        self.controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        """Stop listening."""
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


class SmsGateway:
    """A tiny HTTP server that plays the SMS gateway and records each request."""

    def __init__(self, status: int = 200):
        self.requests = []
        self.status = status
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers["Content-Length"]))
                gateway.requests.append((self.path, dict(self.headers), body))
                self.send_response(gateway.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                """Keep the test output quiet."""

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        """The gateway's address."""
        return f"http://127.0.0.1:{self.server.server_address[1]}/send"

    def json_bodies(self) -> list[dict]:
        """Every request body, parsed."""
        return [json.loads(body) for _, _, body in self.requests]

    def close(self) -> None:
        """Stop serving and close the socket."""
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


def with_notifications(config, **settings):
    """The config with these [notifications] settings changed."""
    return dataclasses.replace(
        config, notifications=dataclasses.replace(config.notifications, **settings)
    )


def book(db, config, starts_at, now, language="en", email=None, phone=None, category=None):
    """Hold and book a time at Helsinki through the domain; returns the Booking."""
    hold = hold_slot(
        db,
        config,
        service_point_id="helsinki",
        category=category or "travel_document",
        party_size=1,
        starts_at=starts_at,
        now=now,
    )
    return book_appointment(
        db, config, hold_token=hold.token, email=email, phone=phone, language=language, now=now
    )
