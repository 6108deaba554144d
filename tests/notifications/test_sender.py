"""The sender: retries with backoff, exactly-once marking across restarts, reminders on time."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

import pytest

from shared.appointments.booking import hold_slot
from shared.appointments.changes import cancel_appointment, reschedule_appointment
from shared.appointments.reminders import schedule_reminders
from shared.clock import FakeClock
from shared.notifications.sender import NotificationSender, claim_next, retry_delay, send_due
from tests.appointment_helpers import HELSINKI, MONDAY_EARLY, local, one_day_config
from tests.notification_helpers import SmtpServer, book, free_port, with_notifications


@pytest.fixture
def smtp():
    """aiosmtpd on a free loopback port, not yet started."""
    server = SmtpServer(free_port())
    yield server
    server.stop()


@pytest.fixture
def settings(config, smtp):
    """Today bookable; e-mail to the (maybe stopped) loopback SMTP server; quick retries."""
    return with_notifications(
        one_day_config(config),
        smtp_port=smtp.port,
        retry_base_seconds=30.0,
        retry_max_seconds=240.0,
        max_attempts=4,
        lease_seconds=60.0,
    )


def book_several(db, settings, count):
    """Book `count` appointments, each with its own address, a quarter-hour apart."""
    return [
        book(db, settings, local(10, 15 * index), MONDAY_EARLY, email=f"p{index}@example.fi")
        for index in range(count)
    ]


class WorkerKilled(BaseException):
    """Stands for the worker's death: nothing in the sender catches it."""


def recipients(smtp):
    """Who got mail, in the order it arrived."""
    return [rcpt for rcpt, _ in smtp.mailbox.messages]


def statuses(db):
    """Every message's status and tries, in id order."""
    return db.execute("SELECT status, attempts FROM messages ORDER BY id").fetchall()


def test_smtp_down_then_up_delivers_each_once_in_order_after_the_retry(db, settings, smtp):
    book_several(db, settings, 3)
    assert send_due(db, settings, MONDAY_EARLY) == 0  # nobody listens yet
    assert statuses(db) == [("pending", 1), ("pending", 0), ("pending", 0)]
    last_error = db.execute("SELECT last_error FROM messages WHERE id = 1").fetchone()[0]
    assert last_error == "mail_server_unreachable"  # the reason only: the details are logged
    smtp.start()
    assert send_due(db, settings, MONDAY_EARLY + timedelta(seconds=10)) == 2  # 1 waits its turn
    assert recipients(smtp) == [["p1@example.fi"], ["p2@example.fi"]]
    assert send_due(db, settings, MONDAY_EARLY + timedelta(seconds=31)) == 1
    assert send_due(db, settings, MONDAY_EARLY + timedelta(hours=1)) == 0
    assert sorted(recipients(smtp)) == [[f"p{i}@example.fi"] for i in range(3)]
    assert statuses(db) == [("sent", 2), ("sent", 1), ("sent", 1)]


def test_down_smtp_keeps_order_when_every_message_waits(db, settings, smtp):
    book_several(db, settings, 3)
    now = MONDAY_EARLY
    send_due(db, settings, now)
    send_due(db, settings, now + timedelta(seconds=30))  # message 1 tried again, still down
    smtp.start()
    assert send_due(db, settings, now + timedelta(seconds=91)) == 3
    assert recipients(smtp) == [[f"p{i}@example.fi"] for i in range(3)]


def test_backoff_doubles_up_to_the_cap_and_failure_is_permanent(db, settings):
    assert [retry_delay(settings, n).total_seconds() for n in (1, 2, 3, 4, 5)] == [
        30, 60, 120, 240, 240,
    ]  # fmt: skip
    book_several(db, settings, 1)
    now = MONDAY_EARLY
    for _ in range(4):
        send_due(db, settings, now)
        now += timedelta(hours=1)
    status, attempts, error, secret, body = db.execute(
        "SELECT status, attempts, last_error, secret, body_text FROM messages"
    ).fetchone()
    assert (status, attempts) == ("failed", 4)
    assert error == "mail_server_unreachable"
    assert secret is None and body is None  # given up: the PIN is not kept
    send_due(db, settings, now + timedelta(days=1))
    assert statuses(db) == [("failed", 4)]


def test_a_worker_that_died_holding_a_message_is_taken_over_after_its_lease(db, settings, smtp):
    book_several(db, settings, 2)
    smtp.start()
    dead = claim_next(db, settings, MONDAY_EARLY)  # claimed, then the worker died
    assert dead["id"] == 1
    assert send_due(db, settings, MONDAY_EARLY + timedelta(seconds=1)) == 1  # only message 2
    assert recipients(smtp) == [["p1@example.fi"]]
    assert send_due(db, settings, MONDAY_EARLY + timedelta(seconds=61)) == 1  # lease ran out
    assert send_due(db, settings, MONDAY_EARLY + timedelta(hours=2)) == 0
    assert recipients(smtp) == [["p1@example.fi"], ["p0@example.fi"]]
    assert statuses(db) == [("sent", 2), ("sent", 1)]


def test_a_worker_thread_killed_mid_send_and_restarted_sends_nothing_twice(
    db, settings, smtp, monkeypatch
):
    book_several(db, settings, 4)
    smtp.start()
    import shared.notifications.sender as sender_module

    real_deliver = sender_module.deliver
    dying = threading.Event()

    def deliver_then_die(db, config, message):
        if message["id"] == 2 and not dying.is_set():
            dying.set()
            raise WorkerKilled  # the thread dies in the middle of the send, lease held
        real_deliver(db, config, message)

    monkeypatch.setattr(sender_module, "deliver", deliver_then_die)
    clock = FakeClock(MONDAY_EARLY)

    def run_until_killed():
        try:
            NotificationSender(settings, clock).run_once()
        except WorkerKilled:
            pass

    worker = threading.Thread(target=run_until_killed)
    worker.start()
    worker.join()
    assert recipients(smtp) == [["p0@example.fi"]]
    assert statuses(db)[1] == ("sending", 1)
    restarted = NotificationSender(settings, clock)
    restarted.start()  # at once: message 2 is still leased, the rest go
    _wait_until(lambda: len(smtp.mailbox.messages) == 3)
    clock.advance(seconds=61)  # the dead worker's lease runs out
    _wait_until(lambda: len(smtp.mailbox.messages) == 4, sender=restarted)
    restarted.stop()
    again = NotificationSender(settings, clock)
    assert again.run_once() == 0
    assert sorted(recipients(smtp)) == [[f"p{i}@example.fi"] for i in range(4)]
    assert [status for status, _ in statuses(db)] == ["sent"] * 4


def _wait_until(condition, sender=None, seconds: float = 10.0) -> None:
    """Poll the condition (running the sender's round when given, not to wait for its poll)."""
    import time

    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        if sender is not None:
            sender.run_once()
        time.sleep(0.02)


def test_reminders_fire_at_their_offsets_and_never_for_cancelled(config, db, smtp):
    settings = with_notifications(config, smtp_port=smtp.port)
    smtp.start()
    booked_at = datetime(2026, 11, 30, 9, 0, tzinfo=HELSINKI)
    friday = datetime(2026, 12, 4, 10, 0, tzinfo=HELSINKI)
    kept = book(db, settings, friday, booked_at, email="kept@example.fi")
    cancelled = book(db, settings, friday.replace(hour=11), booked_at, email="gone@example.fi")
    cancel_appointment(
        db, settings, reservation_key=cancelled.appointment.reservation_key,
        pin=cancelled.pin, now=booked_at,
    )  # fmt: skip
    send_due(db, settings, booked_at)
    smtp.mailbox.messages.clear()
    three_days = friday - timedelta(hours=72)
    assert schedule_reminders(db, settings, three_days - timedelta(seconds=1)) == 0
    assert send_due(db, settings, three_days) == 1
    assert send_due(db, settings, three_days + timedelta(hours=1)) == 0
    one_day = friday - timedelta(hours=24)
    assert send_due(db, settings, one_day - timedelta(minutes=1)) == 0
    assert send_due(db, settings, one_day) == 1
    assert send_due(db, settings, friday + timedelta(hours=1)) == 0  # past: nothing more
    assert recipients(smtp) == [["kept@example.fi"], ["kept@example.fi"]]
    subjects = {message["Subject"] for _, message in smtp.mailbox.messages}
    assert subjects == {"Reminder: your appointment"}
    assert kept.pin not in smtp.mailbox.messages[0][1].get_body(("plain",)).get_content()


def test_a_queued_reminder_is_not_rendered_again_at_each_look(config, db, monkeypatch):
    """The sender looks for due reminders every few seconds; a busy week has thousands of
    appointments inside the reminder window, and rendering each again was the server's CPU."""
    import shared.notifications.outbox

    settings = with_notifications(config)
    booked_at = datetime(2026, 11, 30, 9, 0, tzinfo=HELSINKI)
    friday = datetime(2026, 12, 4, 10, 0, tzinfo=HELSINKI)
    for hour in (10, 11, 12):
        book(db, settings, friday.replace(hour=hour), booked_at, email=f"p{hour}@example.fi")
    rendered = []
    render = shared.notifications.outbox.render_email
    monkeypatch.setattr(
        shared.notifications.outbox,
        "render_email",
        lambda *arguments: rendered.append(arguments[0]) or render(*arguments),
    )
    last = friday.replace(hour=12)  # once the last of the three is due, all are
    three_days = last - timedelta(hours=72)
    assert schedule_reminders(db, settings, three_days) == 3
    assert rendered == ["reminder"] * 3
    for minutes in range(1, 30):  # the sender's later looks, before the next offset
        assert schedule_reminders(db, settings, three_days + timedelta(minutes=minutes)) == 0
    assert rendered == ["reminder"] * 3
    one_day = last - timedelta(hours=24)
    assert schedule_reminders(db, settings, one_day) == 3  # the next offset is new again
    assert rendered == ["reminder"] * 6


def test_a_rescheduled_appointment_gets_reminders_for_its_new_time_only(config, db, smtp):
    settings = with_notifications(config, smtp_port=smtp.port)
    smtp.start()
    booked_at = datetime(2026, 11, 30, 9, 0, tzinfo=HELSINKI)
    friday = datetime(2026, 12, 4, 10, 0, tzinfo=HELSINKI)
    booking = book(db, settings, friday, booked_at, email="anna@example.fi")
    send_due(db, settings, friday - timedelta(hours=72))  # the first reminder for Friday
    moved_at = friday - timedelta(hours=48)
    monday = datetime(2026, 12, 7, 10, 0, tzinfo=HELSINKI)
    hold = hold_slot(
        db, settings, service_point_id="helsinki", category="travel_document", party_size=1,
        starts_at=monday, now=moved_at,
    )  # fmt: skip
    reschedule_appointment(
        db, settings, reservation_key=booking.appointment.reservation_key, pin=booking.pin,
        hold_token=hold.token, now=moved_at,
    )  # fmt: skip
    for hours in range(0, 24 * 6):  # every hour until after the new time
        send_due(db, settings, moved_at + timedelta(hours=hours))
    kinds = db.execute(
        "SELECT kind, substr(dedupe_key, 1, instr(dedupe_key, ':email') - 1) FROM messages"
        " ORDER BY id"
    ).fetchall()
    assert [kind for kind, _ in kinds] == [
        "confirmation", "reminder", "reschedule", "reminder", "reminder",
    ]  # fmt: skip
    reminder_times = db.execute(
        "SELECT created_at FROM messages WHERE kind = 'reminder' ORDER BY id"
    ).fetchall()
    assert [datetime.fromisoformat(t) for (t,) in reminder_times] == [
        friday - timedelta(hours=72),
        monday - timedelta(hours=72),
        monday - timedelta(hours=24),
    ]
    assert len(smtp.mailbox.messages) == 5
