"""Retention on a database with old and new data, all made through the real domain code on a
fake clock: exactly the documented rows and fields go, the rest stays, a dry run changes
nothing, and statistics over the period still add up."""

from __future__ import annotations

import dataclasses
import json
import sqlite3
from datetime import datetime

import pytest

from shared.accounts.login_throttle import LoginKeys, record_failure, reserve_try
from shared.accounts.sessions import start_session
from shared.appointments.booking import mark_overdue_appointments_lost
from shared.appointments.changes import authenticate, cancel_appointment
from shared.appointments.retention import purge
from shared.errors import DomainError
from shared.notifications.sender import send_due
from shared.queue.kiosk_offers import claim_offer
from shared.queue.kiosk_pace import KioskPace
from shared.queue.turn_near import set_turn_near_phone
from tests.appointment_helpers import HELSINKI, one_day_config
from tests.notification_helpers import SmsGateway, SmtpServer, book, free_port, with_notifications

# Four Mondays at 09:00 in Helsinki: long ago, five weeks ago, two weeks ago, and now.
LONG_AGO = datetime(2026, 11, 30, 9, 0, tzinfo=HELSINKI)  # 105 days before NOW
FIVE_WEEKS_AGO = datetime(2027, 2, 8, 9, 0, tzinfo=HELSINKI)
TWO_WEEKS_AGO = datetime(2027, 3, 1, 9, 0, tzinfo=HELSINKI)
NOW = datetime(2027, 3, 15, 9, 0, tzinfo=HELSINKI)
FULL_ANSWERS = {
    "matter": "residence_permit",
    "party_size": 2,
    "expiry_year": 2027,
    "expiry_month": 1,
    "found_appointment": False,
    "no_expiring_document": False,
    "reasons": ["expires_within_window", "no_appointment_found"],
}
# What retention may change in a row it purges (docs/privacy.md); anything else is a bug.
PURGED_COLUMNS = {
    "appointments": {"email", "phone"},
    "messages": {
        "recipient",
        "subject",
        "body_text",
        "body_html",
        "attachments",
        "secret",
        "last_error",
        "dedupe_key",
    },
    "tickets": {"triage_answers", "notify_phone"},
}
DELETED_TABLES = {
    "pin_failures",
    "login_throttle",
    "clerk_sessions",
    "kiosk_allowances",
    "kiosk_offers_taken",
}


@pytest.fixture
def smtp():
    """aiosmtpd on a free loopback port."""
    server = SmtpServer(free_port())
    server.start()
    yield server
    server.stop()


@pytest.fixture
def gateway():
    """The loopback SMS gateway."""
    server = SmsGateway()
    yield server
    server.close()


@pytest.fixture
def settings(config, smtp, gateway):
    """Every day bookable at Helsinki up to four months ahead; e-mail and SMS on loopback."""
    settings = with_notifications(
        one_day_config(config), smtp_port=smtp.port, sms_gateway_url=gateway.url
    )
    return dataclasses.replace(
        settings, appointments=dataclasses.replace(settings.appointments, horizon_days=120)
    )


@dataclasses.dataclass
class History:
    """The ids of what the history made, by what should become of it."""

    appointments: dict[str, int]
    pins: dict[str, str]
    tickets: dict[str, int]


@pytest.fixture
def history(db, settings, clock, issue):
    """A year's worth in miniature: appointments, messages, tickets, PIN failures, login tries,
    sessions and kiosk offers long ago, a few weeks ago and now, each through the domain."""

    def book_at(moment, name, hour, email, phone=None, starts_on=None):
        clock.set(moment)
        day = starts_on or moment
        starts_at = day.replace(hour=hour)
        booking = book(db, settings, starts_at, moment, email=email, phone=phone)
        appointments[name] = booking.appointment.id
        pins[name] = booking.pin
        return booking

    appointments: dict[str, int] = {}
    pins: dict[str, str] = {}
    tickets: dict[str, int] = {}
    pace = KioskPace.of(settings)

    # Long ago: one appointment that day (then lost), one for today (booked far ahead).
    book_at(LONG_AGO, "long_ago", 11, "old@example.fi", "040 111 1111")
    book_at(LONG_AGO, "far_ahead", 12, "far@example.fi", starts_on=NOW)
    tickets["long_ago"] = issue(
        settings=settings, party_size=2, triage_answers=FULL_ANSWERS
    ).ticket.id
    waiting = issue(settings=settings, queue="booking_help").ticket
    tickets["long_ago_phone"] = waiting.id
    set_turn_near_phone(
        db, settings, ticket_id=waiting.id, token=waiting.status_token, phone="040 222 2222",
        now=LONG_AGO,
    )  # fmt: skip
    with pytest.raises(DomainError):
        authenticate(db, settings, "XXXXXXXX", "000000", LONG_AGO)  # made-up key: a count
    keys = LoginKeys("nobody", "192.0.2.1")
    reserve_try(db, keys, settings.accounts, LONG_AGO)
    record_failure(db, keys, settings.accounts, LONG_AGO)
    start_session(db, "clerk1", settings.accounts, LONG_AGO)
    claim_offer(db, "offer-long-ago", "kiosk:old", pace, LONG_AGO)
    send_due(db, settings, LONG_AGO)

    # Five weeks ago: past the contact details' 30 days, within the messages' 90.
    book_at(FIVE_WEEKS_AGO, "five_weeks_ago", 11, "mid@example.fi", "040 333 3333")
    tickets["five_weeks_ago"] = issue(settings=settings, triage_answers=FULL_ANSWERS).ticket.id
    send_due(db, settings, FIVE_WEEKS_AGO)

    # Two weeks ago: booked, then cancelled; everything of it is kept for now.
    book_at(TWO_WEEKS_AGO, "two_weeks_ago", 13, "recent@example.fi", "040 444 4444")
    cancel_appointment(
        db, settings, reservation_key=reservation_key(db, appointments["two_weeks_ago"]),
        pin=pins["two_weeks_ago"], now=TWO_WEEKS_AGO,
    )  # fmt: skip
    send_due(db, settings, TWO_WEEKS_AGO)

    # Now: a new booking (its messages not sent yet), tickets, a lock in force, a session.
    book_at(NOW, "now", 13, "new@example.fi", "040 555 5555")
    tickets["now"] = issue(settings=settings, triage_answers=FULL_ANSWERS).ticket.id
    fresh = issue(settings=settings, queue="booking_help").ticket
    tickets["now_phone"] = fresh.id
    set_turn_near_phone(
        db, settings, ticket_id=fresh.id, token=fresh.status_token, phone="040 666 6666", now=NOW
    )
    for _ in range(settings.appointments.wrong_pins_before_lock):
        with pytest.raises(DomainError):
            authenticate(db, settings, "YYYYYYYY", "000000", NOW)
    keys = LoginKeys("somebody", "192.0.2.2")
    reserve_try(db, keys, settings.accounts, NOW)
    record_failure(db, keys, settings.accounts, NOW)
    start_session(db, "clerk2", settings.accounts, NOW)
    claim_offer(db, "offer-now", "kiosk:new", pace, NOW)
    mark_overdue_appointments_lost(db, NOW)
    return History(appointments, pins, tickets)


def reservation_key(db, appointment_id: int) -> str:
    """An appointment's reservation key."""
    return db.execute(
        "SELECT reservation_key FROM appointments WHERE id = ?", [appointment_id]
    ).fetchone()[0]


def snapshot(db) -> dict[str, dict]:
    """Every row of every table, by rowid (by content for tables without one)."""
    tables = [
        row[0]
        for row in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    result = {}
    for table in tables:
        columns = [column[1] for column in db.execute(f"PRAGMA table_info({table})")]
        try:
            rows = db.execute(f"SELECT rowid, * FROM {table}").fetchall()
            result[table] = {row[0]: dict(zip(columns, row[1:], strict=True)) for row in rows}
        except sqlite3.OperationalError:  # WITHOUT ROWID: the seat masks
            rows = sorted(db.execute(f"SELECT * FROM {table}").fetchall(), key=repr)
            result[table] = {
                index: dict(zip(columns, row, strict=True)) for index, row in enumerate(rows)
            }
    return result


def differences(before: dict, after: dict) -> dict[tuple[str, int], dict | str]:
    """What changed between two snapshots: (table, rowid) -> the changed columns' (old, new),
    or "deleted" / "added"."""
    changes: dict[tuple[str, int], dict | str] = {}
    for table in before.keys() | after.keys():
        old, new = before.get(table, {}), after.get(table, {})
        for rowid in old.keys() | new.keys():
            if rowid not in new:
                changes[(table, rowid)] = "deleted"
            elif rowid not in old:
                changes[(table, rowid)] = "added"
            elif old[rowid] != new[rowid]:
                changes[(table, rowid)] = {
                    column: (old[rowid][column], new[rowid][column])
                    for column in old[rowid]
                    if old[rowid][column] != new[rowid][column]
                }
    return changes


def message_ids(db, *, appointments=(), tickets=()) -> set[int]:
    """The ids of the messages of these appointments and tickets."""
    rows = db.execute(
        "SELECT id FROM messages WHERE appointment_id IN (SELECT value FROM json_each(?))"
        " OR ticket_id IN (SELECT value FROM json_each(?))",
        [json.dumps(list(appointments)), json.dumps(list(tickets))],
    ).fetchall()
    return {row[0] for row in rows}


def rowid_of(db, table: str, where: str, params: list) -> int:
    """The rowid of the one row of `table` that matches."""
    (row,) = db.execute(f"SELECT rowid FROM {table} WHERE {where}", params).fetchall()
    return row[0]


def test_purge_removes_exactly_the_documented_rows_and_fields(db, settings, history):
    old_messages = message_ids(
        db,
        appointments=[history.appointments["long_ago"], history.appointments["five_weeks_ago"]],
        tickets=[history.tickets["long_ago_phone"]],
    )
    # Each old appointment sent its confirmation by e-mail and SMS; the waiting ticket its text.
    assert len(old_messages) == 5
    statuses = db.execute(
        "SELECT DISTINCT status FROM messages WHERE id IN (SELECT value FROM json_each(?))",
        [json.dumps(sorted(old_messages))],
    ).fetchall()
    assert statuses == [("sent",)]
    deleted = {
        ("pin_failures", rowid_of(db, "pin_failures", "reservation_key = ?", ["XXXXXXXX"])),
        ("login_throttle", rowid_of(db, "login_throttle", "key = ?", ["user:nobody"])),
        ("login_throttle", rowid_of(db, "login_throttle", "key = ?", ["address:192.0.2.1"])),
        ("clerk_sessions", rowid_of(db, "clerk_sessions", "username = ?", ["clerk1"])),
        ("kiosk_allowances", rowid_of(db, "kiosk_allowances", "kiosk = ?", ["kiosk:old"])),
        ("kiosk_offers_taken", rowid_of(db, "kiosk_offers_taken", "offer = ?", ["offer-long-ago"])),
    }  # fmt: skip
    before = snapshot(db)

    report = purge(db, settings, NOW)

    changes = differences(before, snapshot(db))
    expected_rows = {
        ("appointments", history.appointments["long_ago"]),
        ("appointments", history.appointments["five_weeks_ago"]),
        ("tickets", history.tickets["long_ago"]),
        ("tickets", history.tickets["long_ago_phone"]),
        *(("messages", message_id) for message_id in old_messages),
        *deleted,
    }
    assert set(changes) == expected_rows
    for (table, rowid), change in changes.items():
        if table in DELETED_TABLES:
            assert change == "deleted", (table, rowid)
        else:
            assert set(change) <= PURGED_COLUMNS[table], (table, rowid, change)

    rows = snapshot(db)
    for name in ("long_ago", "five_weeks_ago"):
        appointment = rows["appointments"][history.appointments[name]]
        assert (appointment["email"], appointment["phone"]) == ("", "")
        assert appointment["status"] == "lost"
    for message_id in old_messages:
        message = rows["messages"][message_id]
        assert message["recipient"] == "" and message["subject"] == ""
        assert message["body_text"] is None and message["body_html"] is None
        assert message["attachments"] == "[]"
        assert message["dedupe_key"] == f"removed:{message_id}"
        assert message["sent_at"] is not None  # kept, like kind, channel and status
    reduced = rows["tickets"][history.tickets["long_ago"]]
    assert json.loads(reduced["triage_answers"]) == {"matter": "residence_permit", "party_size": 2}
    assert (reduced["category"], reduced["party_size"]) == ("residence_permit", 2)
    assert rows["tickets"][history.tickets["long_ago_phone"]]["notify_phone"] is None
    # Kept: five weeks is within the answers' 90 days; now's phone, lock and session are live.
    assert json.loads(rows["tickets"][history.tickets["five_weeks_ago"]]["triage_answers"]) == (
        FULL_ANSWERS
    )
    assert rows["tickets"][history.tickets["now_phone"]]["notify_phone"] == "+358406666666"
    far = rows["appointments"][history.appointments["far_ahead"]]
    assert far["email"] == "far@example.fi"  # its confirmation is 105 days old: still kept
    assert report.as_dict() == {
        "appointment_contact_details": 2,
        "message_contents": 5,
        "ticket_turn_near_phones": 1,
        "ticket_triage_answers": 1,
        "pin_failures": 1,
        "login_throttle": 2,
        "clerk_sessions": 1,
        "kiosk_allowances": 1,
        "kiosk_offers_taken": 1,
    }


def test_a_message_goes_with_its_appointments_contact_details_before_its_90_days(
    db, settings, history
):
    five_weeks = message_ids(db, appointments=[history.appointments["five_weeks_ago"]])
    far_ahead = message_ids(db, appointments=[history.appointments["far_ahead"]])
    purge(db, settings, NOW)
    recipients = dict(db.execute("SELECT id, recipient FROM messages").fetchall())
    assert {recipients[message_id] for message_id in five_weeks} == {""}
    # 105 days after sending, but its appointment is still ahead: the person may need it.
    assert {recipients[message_id] for message_id in far_ahead} == {"far@example.fi"}


def test_a_dry_run_changes_nothing_and_counts_what_the_purge_then_does(db, settings, history):
    before = snapshot(db)
    dry = purge(db, settings, NOW, dry_run=True)
    assert snapshot(db) == before
    assert dry.dry_run and dry.total == 15

    real = purge(db, settings, NOW)
    assert real.as_dict() == dry.as_dict()
    assert snapshot(db) != before


def test_a_second_purge_finds_nothing_and_changes_nothing(db, settings, history):
    purge(db, settings, NOW)
    after_first = snapshot(db)
    assert purge(db, settings, NOW).total == 0
    assert purge(db, settings, NOW, dry_run=True).total == 0
    assert snapshot(db) == after_first


STATISTICS = {
    "tickets per day, queue, category and party": "SELECT service_point, day, queue, category,"
    " party_size, status, COUNT(*) FROM tickets GROUP BY 1, 2, 3, 4, 5, 6",
    "appointments per day, category and status": "SELECT service_point, day, category,"
    " party_size, status, COUNT(*) FROM appointments GROUP BY 1, 2, 3, 4, 5",
    "events per day and type": "SELECT service_point, substr(at, 1, 10), type, to_status,"
    " COUNT(*) FROM events GROUP BY 1, 2, 3, 4",
    "messages per kind, channel and status": "SELECT kind, channel, status, language,"
    " substr(created_at, 1, 10), COUNT(*) FROM messages GROUP BY 1, 2, 3, 4, 5",
    "appointments that gave an e-mail or a phone": "SELECT email IS NOT NULL,"
    " phone IS NOT NULL, COUNT(*) FROM appointments GROUP BY 1, 2",
}


def test_statistics_over_the_period_still_add_up_afterwards(db, settings, history):
    before = {name: db.execute(sql).fetchall() for name, sql in STATISTICS.items()}
    assert purge(db, settings, NOW).total > 0
    after = {name: db.execute(sql).fetchall() for name, sql in STATISTICS.items()}
    assert after == before
    # The history has what these count: three days of tickets, four statuses of appointments.
    days = {row[1] for row in before["tickets per day, queue, category and party"]}
    assert len(days) == 3
    statuses = {row[4] for row in before["appointments per day, category and status"]}
    assert statuses == {"lost", "booked", "cancelled"}


def test_shorter_settings_purge_more_and_a_lock_in_force_is_never_lifted(db, settings, history):
    eager = dataclasses.replace(
        settings,
        retention=dataclasses.replace(
            settings.retention,
            contact_details_days=1,
            message_days=1,
            triage_answers_days=1,
            pin_failures_days=1,
        ),
    )
    # Ten minutes after now: the lock of now (30 minutes) is in force.
    report = purge(db, eager, NOW.replace(minute=10))
    assert report.rows("appointment_contact_details") == 3  # all but today's two
    assert report.rows("ticket_triage_answers") == 2  # all but today's
    assert report.rows("pin_failures") == 1  # the old count only: the lock of now stays
    assert db.execute(
        "SELECT failures FROM pin_failures WHERE reservation_key = 'YYYYYYYY'"
    ).fetchone() == (settings.appointments.wrong_pins_before_lock,)

    # Two days later: today's appointments have passed, the lock has run out.
    report = purge(db, eager, NOW.replace(day=17, hour=23))
    assert report.rows("appointment_contact_details") == 2  # far ahead's and now's
    assert report.rows("ticket_triage_answers") == 1  # now's
    assert report.rows("pin_failures") == 1
    assert {row[0] for row in db.execute("SELECT email FROM appointments")} == {""}
    assert db.execute("SELECT COUNT(*) FROM pin_failures").fetchone() == (0,)
