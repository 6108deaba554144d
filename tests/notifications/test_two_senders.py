"""Two senders at once and a slow SMTP server: every message is delivered, and marked, once."""

from __future__ import annotations

import asyncio
import threading
import time
from collections import Counter
from datetime import timedelta

from shared.clock import FakeClock
from shared.notifications.sender import NotificationSender, send_due
from shared.storage.connections import connect
from shared.storage.timestamps import parse_utc
from tests.appointment_helpers import MONDAY_EARLY, local, one_day_config
from tests.notification_helpers import MailBox, SmtpServer, book, free_port, with_notifications


class RunningClock:
    """The real passing of time, started on the tests' Monday morning (when the messages are due).

    The system clock cannot be used as it is: the appointments are booked for a fixed day.
    """

    def __init__(self):
        self._started = time.monotonic()

    def now(self):
        """The Monday morning plus the real time since this clock was made."""
        return MONDAY_EARLY + timedelta(seconds=time.monotonic() - self._started)


def book_several(db, settings, count):
    """Book `count` appointments, each with its own address, a quarter-hour apart."""
    for index in range(count):
        book(
            db,
            settings,
            local(8 + index // 4, 15 * (index % 4)),
            MONDAY_EARLY,
            email=f"p{index}@example.fi",
        )


def message_ids(db):
    """The Message-ID each outbox row's e-mail carries (see build_email)."""
    return [
        f"<jono-message-{message_id}@localhost>"
        for (message_id,) in db.execute("SELECT id FROM messages ORDER BY id")
    ]


def _wait_for(condition, what: str, seconds: float = 60.0) -> None:
    """Poll until the condition holds; fail naming `what` if it never does."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"never happened: {what}"
        time.sleep(0.02)


def test_two_senders_and_a_slow_smtp_server_deliver_every_message_exactly_once(config, db):
    smtp = SmtpServer(free_port(), delay_seconds=0.3)
    smtp.start()
    try:
        # A lease of one second is shorter than the first sender's round (12 messages at 0.3 s):
        # leases counted from a round's start would be born run out, and the second sender,
        # starting its own round later, would take the message in hand and send it again.
        settings = with_notifications(
            one_day_config(config), smtp_port=smtp.port, lease_seconds=1.0
        )
        book_several(db, settings, 12)
        clock = RunningClock()
        senders = [NotificationSender(settings, clock), NotificationSender(settings, clock)]
        sent_by = [0, 0]
        everything_sent = threading.Event()

        def keep_sending(index):
            while not everything_sent.is_set():
                sent_by[index] += senders[index].run_once()  # its own connection each round
                time.sleep(0.01)

        threads = [threading.Thread(target=keep_sending, args=(index,)) for index in (0, 1)]
        try:
            threads[0].start()
            # The second starts later, as the server's thread and `jono worker` do: once the
            # first one's round has lasted longer than a lease of `lease_seconds`.
            _wait_for(lambda: len(smtp.mailbox.messages) >= 4, "four messages from the first")
            threads[1].start()
            _wait_for(
                lambda: (
                    not db.execute(
                        "SELECT COUNT(*) FROM messages WHERE status != 'sent'"
                    ).fetchone()[0]
                ),
                "every message sent",
            )
        finally:
            everything_sent.set()
            for thread in threads:
                if thread.is_alive():
                    thread.join()  # a send still in hand ends first: a late copy is counted
        received = Counter(message["Message-ID"] for _, message in smtp.mailbox.messages)
        assert received == Counter(message_ids(db))  # each one, and each only once
        rows = db.execute("SELECT status, attempts, sent_at FROM messages").fetchall()
        assert all(
            status == "sent" and attempts == 1 and sent_at for status, attempts, sent_at in rows
        )
        assert sum(sent_by) == 12  # each row was marked sent by one sender only
        assert min(sent_by) >= 1, "only one sender worked: the test showed no race"
    finally:
        smtp.stop()


class ClockMovingMailBox(MailBox):
    """A server that takes 30 s (on the fake clock) per message, and notes at each one the lease
    of the message in hand: a second sender may take a message once its lease is not ahead."""

    def __init__(self, clock, database):
        super().__init__()
        self.clock = clock
        self.database = database
        self.seen = []  # (Message-ID, its lease, the clock when it was accepted)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        """Keep the message, let 30 s pass, then read the lease of the message in hand."""
        answer = await super().handle_DATA(server, session, envelope)
        now = self.clock.advance(seconds=30)
        message_id = self.messages[-1][1]["Message-ID"]
        look = connect(self.database)
        try:
            (lease,) = look.execute(
                "SELECT lease_until FROM messages WHERE status = 'sending'"
            ).fetchone()
        finally:
            look.close()
        self.seen.append((message_id, parse_utc(lease), now))
        return answer


def test_a_long_round_hands_out_no_lease_that_has_run_out(config, db):
    clock = FakeClock(MONDAY_EARLY)
    smtp = SmtpServer(free_port())
    settings = with_notifications(one_day_config(config), smtp_port=smtp.port, lease_seconds=60.0)
    smtp.mailbox = ClockMovingMailBox(clock, settings.database)
    smtp.start()
    try:
        book_several(db, settings, 5)
        assert NotificationSender(settings, clock).run_once() == 5  # one round: 150 s on the clock
        seen = smtp.mailbox.seen
        assert [message_id for message_id, *_ in seen] == message_ids(db)
        for message_id, lease, accepted_at in seen:
            assert lease > accepted_at, f"{message_id} was sent on a lease that had run out"
        assert len(smtp.mailbox.messages) == 5
        statuses = db.execute("SELECT status, attempts FROM messages").fetchall()
        assert statuses == [("sent", 1)] * 5
    finally:
        smtp.stop()


class SlowAtEveryStep(MailBox):
    """A server that answers each step in time, but takes 0.7 s for the recipient and again for
    the message: the talk as a whole lasts longer than a limit of 1 s."""

    def __init__(self):
        super().__init__(delay_seconds=0.7)

    async def handle_RCPT(self, server, session, envelope, address, options):  # noqa: N802
        """Take the recipient, late (aiosmtpd's hook)."""
        await asyncio.sleep(self.delay_seconds)
        envelope.rcpt_tos.append(address)
        return "250 OK"


def test_a_talk_longer_than_the_delivery_limit_is_cut_off_and_tried_again(config, db):
    """The lease is not renewed: it is longer than a delivery may last, and this cut-off is what
    makes that true even when every single step stays within `smtp_timeout_seconds`."""
    smtp = SmtpServer(free_port())
    smtp.mailbox = SlowAtEveryStep()
    smtp.start()
    try:
        settings = with_notifications(
            one_day_config(config), smtp_port=smtp.port, smtp_timeout_seconds=10.0
        )
        book_several(db, settings, 1)
        assert send_due(db, settings, MONDAY_EARLY, delivery_seconds=1.0) == 0
        status, attempts, reason, lease = db.execute(
            "SELECT status, attempts, last_error, lease_until FROM messages"
        ).fetchone()
        assert (status, attempts, reason, lease) == ("pending", 1, "mail_server_unreachable", None)
    finally:
        smtp.stop()
