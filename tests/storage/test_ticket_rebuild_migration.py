"""Migration 11 rebuilds the tickets table: every ticket is kept, check-ins keep their link."""

from __future__ import annotations

from datetime import datetime, timedelta

from shared.appointments.booking import find_appointment_by_key
from shared.queue.check_in import check_in_appointment
from shared.queue.tickets import issue_ticket
from shared.storage.connections import connect
from shared.storage.migrations import MIGRATIONS, migrate
from tests.conftest import HELSINKI

BEFORE_REBUILD = 10
MONDAY = datetime(2026, 11, 30, 9, 0, tzinfo=HELSINKI)
OLD_TICKET_COLUMNS = (
    "id, service_point, day, issued_queue, sequence, number, queue, status, category,"
    " party_size, language, triage_answers, idempotency_key, counter, clerk, issued_at,"
    " queued_at, called_at, finished_at, print_status, print_detail, status_token, notify_phone"
)


def fill_the_old_schema(db) -> None:
    """Tickets as the schema before migration 11 held them: walk-ins with and without keys, a
    checked-in appointment's number keyed ``appointment-<id>``, events and messages on them."""
    ticket = (
        "INSERT INTO tickets (service_point, day, issued_queue, sequence, number, queue, status,"
        " category, party_size, language, triage_answers, idempotency_key, counter, clerk,"
        " issued_at, queued_at, called_at, finished_at, print_status, print_detail,"
        " status_token, notify_phone) VALUES (?, '2026-11-30', ?, ?, ?, ?, ?, 'residence_permit',"
        " ?, 'fi', '{}', ?, ?, ?, '2026-11-30T07:00:00.000000+00:00',"
        " '2026-11-30T07:00:00.000000+00:00', ?, NULL, ?, ?, ?, ?)"
    )
    rows = [
        ("helsinki", "urgent", 1, "A001", "urgent", "finished", 1, "kiosk-1-a", 1, "clerk1",
         "2026-11-30T07:05:00.000000+00:00", "printed", None, "token-1", None),
        ("helsinki", "urgent", 2, "A002", "urgent", "waiting", 3, "kiosk-1-b", None, None,
         None, "failed", "paper out", "token-2", "+358401234567"),
        ("helsinki", "booking_help", 1, "B001", "booking_help", "waiting", 1, None, None, None,
         None, None, None, "token-3", None),
        ("helsinki", "appointment", 1, "C001", "appointment", "waiting", 2, "appointment-1",
         None, None, None, "queued", None, "token-4", None),
        ("tampere", "urgent", 1, "A001", "urgent", "waiting", 1, "kiosk-7-a", None, None,
         None, None, None, "token-5", None),
    ]  # fmt: skip
    for row in rows:
        db.execute(ticket, list(row))
    db.execute(
        "INSERT INTO appointments (service_point, reservation_key, pin_hash, category,"
        " party_size, day, start_minute, end_minute, desk, starts_at, ends_at, status, email,"
        " language, ticket_id, booked_at, updated_at, checked_in_at) VALUES ('helsinki',"
        " 'ACEFHJKM', 'hash', 'residence_permit', 2, '2026-11-30', 600, 630, 1,"
        " '2026-11-30T08:00:00.000000+00:00', '2026-11-30T08:30:00.000000+00:00', 'checked_in',"
        " 'a@example.fi', 'fi', 4, '2026-11-29T10:00:00.000000+00:00',"
        " '2026-11-29T10:00:00.000000+00:00', '2026-11-30T07:00:00.000000+00:00')"
    )
    for sequence, ticket_id in enumerate((1, 2, 3, 4, 1), start=1):
        db.execute(
            "INSERT INTO events (service_point, sequence, type, ticket_id, at)"
            " VALUES ('helsinki', ?, 'TicketIssued', ?, 'x')",
            [sequence, ticket_id],
        )
    db.execute(
        "INSERT INTO messages (ticket_id, channel, recipient, kind, language, status,"
        " next_attempt_at, created_at, dedupe_key) VALUES (2, 'sms', '+358401234567',"
        " 'turn_near', 'fi', 'pending', 'x', 'x', 'turn-near-2')"
    )


def test_every_ticket_is_kept_and_check_ins_keep_their_appointment(tmp_path, config):
    assert len(MIGRATIONS) > BEFORE_REBUILD
    db = connect(str(tmp_path / "old.db"))
    assert migrate(db, up_to=BEFORE_REBUILD) == BEFORE_REBUILD
    fill_the_old_schema(db)
    before = db.execute(f"SELECT {OLD_TICKET_COLUMNS} FROM tickets ORDER BY id").fetchall()
    events = db.execute("SELECT * FROM events ORDER BY id").fetchall()

    assert migrate(db) == len(MIGRATIONS) - BEFORE_REBUILD

    after = db.execute(f"SELECT {OLD_TICKET_COLUMNS} FROM tickets ORDER BY id").fetchall()
    check_in_row = [list(row) for row in before]
    check_in_row[3][12] = None  # the check-in's guessable key is gone ...
    assert [list(row) for row in after] == check_in_row
    links = db.execute("SELECT id, kiosk, appointment_id FROM tickets ORDER BY id").fetchall()
    assert links == [
        (1, "point:helsinki", None),  # keys stay unique per service point, as they were
        (2, "point:helsinki", None),
        (3, None, None),
        (4, None, 1),  # ... and the appointment's id links it
        (5, "point:tampere", None),
    ]
    assert db.execute("SELECT * FROM events ORDER BY id").fetchall() == events
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    assert db.execute("PRAGMA foreign_keys").fetchone() == (1,)
    assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    indexes = {row[1] for row in db.execute("PRAGMA index_list(tickets)")}
    assert {"tickets_waiting", "tickets_status_token", "tickets_day_status"} <= indexes

    now = MONDAY + timedelta(minutes=30)
    again = check_in_appointment(
        db, config, service_point_id="helsinki", key_text="ACEF-HJKM", language="fi", now=now
    )
    assert (again.outcome, again.ticket.id, again.events) == ("checked_in", 4, ())
    appointment = find_appointment_by_key(db, "ACEFHJKM")
    assert appointment.ticket_id == 4
    issued = issue_ticket(
        db,
        config,
        service_point_id="helsinki",
        queue_id="urgent",
        party_size=1,
        language="fi",
        category="residence_permit",
        triage_answers={},
        idempotency_key="kiosk-1-a",
        now=now,
        kiosk="kiosk:1",
    )
    assert (issued.ticket.id, issued.ticket.number) == (6, "A003")  # a paired kiosk's own key
    db.close()
