"""A week at Helsinki whose figures are known by construction, and the Monday after it.

The rows are written straight into a migrated database with exact times (tickets with their
call, recall, transfer and no-show events, appointments, kiosk verdicts, messages, open
counters), shaped as the domain writes them. The figures each test expects are worked out by
hand in the comments beside the rows, and collected in WEEK and TODAY.

The week is Monday 2026-11-23 to Sunday 2026-11-29; "today" is Monday 2026-11-30 at 10:00,
outside the week, so the week's figures also show that its bounds hold. Tampere has numbers,
verdicts and appointments on the same days that must never be counted for Helsinki.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from shared.queue.triage_outcomes import record_triage_outcome
from shared.storage.event_log import record_event
from shared.storage.timestamps import utc_text
from shared.storage.transactions import write_transaction

HELSINKI = ZoneInfo("Europe/Helsinki")
WEEK_MONDAY = date(2026, 11, 23)
TODAY = date(2026, 11, 30)
NOW = datetime(2026, 11, 30, 10, 0, tzinfo=HELSINKI)


def at(day: date, clock: str) -> datetime:
    """A local wall time of a day in Helsinki."""
    hours, minutes = map(int, clock.split(":"))
    return datetime(day.year, day.month, day.day, hours, minutes, tzinfo=HELSINKI)


@dataclass
class Ticket:
    """One number: issued at `issued` (local), first called after `wait` minutes (None: never),
    ended as `status` `service` minutes after its last call. `recall` minutes after the first
    call it is called again; `transfer_from` is the queue it was in before a transfer."""

    number: str
    day: date
    queue: str
    issued: str
    wait: int | None
    service: int | None
    status: str
    counter: int | None
    category: str | None = None
    estimate: int | None = None  # minutes shown on the slip
    transfer_from: str | None = None
    recall: int | None = None
    print_status: str = "printed"
    appointment_id: int | None = None
    service_point: str = "helsinki"
    clerk: str = "clerk1"


MON, TUE, FRI = WEEK_MONDAY, WEEK_MONDAY + timedelta(days=1), WEEK_MONDAY + timedelta(days=4)
SUN = WEEK_MONDAY + timedelta(days=6)
WEEK_TICKETS = [
    # waits: urgent [120, 600, 1500, 2400], booking_help [1200, 1800], appointment [300]
    Ticket("A001", MON, "urgent", "09:00", 10, 5, "finished", 1, "residence_permit", 10),
    Ticket("A002", MON, "urgent", "09:05", 40, 12, "finished", 2, "residence_permit", 20),
    Ticket("B001", MON, "booking_help", "10:00", 20, 3, "no_show", 1, None, 30),
    Ticket("A003", MON, "urgent", "10:30", None, None, "expired", None, None, 15),
    Ticket("C001", TUE, "appointment", "11:50", 5, 30, "finished", 3, "citizenship", None,
           appointment_id=1),
    # Transferred from urgent before its call (30 min: exactly the target), recalled a minute
    # after: its service time runs from the recall (10 min).
    Ticket("A001", TUE, "booking_help", "14:00", 30, 10, "finished", 6, "travel_document", 33,
           transfer_from="urgent", recall=1),
    Ticket("A001", FRI, "urgent", "08:15", 2, 8, "finished", 2, "residence_permit", 4,
           print_status="failed"),
    Ticket("A002", FRI, "urgent", "08:20", 25, 20, "finished", 1, None, None),
    # Not Helsinki's, or not the week's.
    Ticket("A001", TUE, "urgent", "09:00", 50, 5, "finished", 1, "residence_permit", 5,
           service_point="tampere"),
    Ticket("A009", SUN - timedelta(days=7), "urgent", "12:00", 1, 1, "finished", 1),
]  # fmt: skip
TODAY_TICKETS = [
    Ticket("A001", TODAY, "urgent", "08:00", 10, 10, "finished", 1),
    Ticket("A002", TODAY, "urgent", "08:05", 45, 3, "no_show", 2),
    Ticket("C002", TODAY, "appointment", "08:20", 10, 15, "finished", 3, appointment_id=12),
    Ticket("B001", TODAY, "booking_help", "08:30", 30, None, "called", 2, clerk="clerk2"),
    Ticket("A003", TODAY, "urgent", "09:20", None, None, "waiting", None, print_status="failed"),
    Ticket("C001", TODAY, "appointment", "09:40", 10, None, "serving", 3, appointment_id=11,
           print_status="failed", clerk="clerk3"),
    Ticket("A004", TODAY, "urgent", "09:45", None, None, "waiting", None),
    Ticket("B002", TODAY, "booking_help", "09:55", None, None, "waiting", None),
]  # fmt: skip

# (id, point, day, start, status, booked_by, ticket number of that day, rescheduled)
APPOINTMENTS = [
    (1, "helsinki", TUE, "12:00", "checked_in", None, "C001", False),
    (2, "helsinki", TUE + timedelta(days=1), "09:00", "lost", None, None, False),
    (3, "helsinki", TUE + timedelta(days=1), "10:00", "cancelled", "clerk1", None, False),
    (4, "helsinki", FRI - timedelta(days=1), "13:00", "booked", "kiosk", None, True),
    (5, "tampere", TUE, "12:00", "lost", None, None, True),
    (11, "helsinki", TODAY, "09:30", "checked_in", None, "C001", False),
    (12, "helsinki", TODAY, "08:30", "checked_in", "clerk2", "C002", False),
    (13, "helsinki", TODAY, "08:00", "lost", None, None, False),
    (14, "helsinki", TODAY, "11:00", "booked", None, None, False),
    (15, "helsinki", TODAY, "12:00", "cancelled", None, None, True),
]
# (point, local moment, outcome)
OUTCOMES = [
    ("helsinki", at(MON, "08:55"), "urgent_ticket"),
    ("helsinki", at(MON, "09:04"), "urgent_ticket"),
    ("helsinki", at(TUE, "13:59"), "urgent_ticket"),
    ("helsinki", at(TUE, "10:00"), "book_online"),
    ("helsinki", at(FRI, "10:00"), "book_online"),
    ("helsinki", at(FRI, "11:00"), "postbox"),
    ("helsinki", at(FRI, "16:30"), "not_served_today"),
    ("helsinki", at(SUN, "23:30"), "asylum_invitation"),  # the week's last half hour
    ("helsinki", at(TODAY, "00:10"), "postbox"),  # the Monday after
    ("helsinki", at(MON - timedelta(days=1), "23:50"), "postbox"),  # the Sunday before
    ("tampere", at(TUE, "10:00"), "book_online"),
]

WEEK = {
    "tickets_issued": 8,
    "waits": (7, 1200, 2400, 2400),
    "waits_by_queue": {
        "urgent": (4, 600, 2400, 2400),
        "booking_help": (2, 1200, 1800, 1800),
        "appointment": (1, 300, 300, 300),
    },
    # residence_permit [300, 480, 720]; travel_document [600]; citizenship [1800]; none [1200]
    "service_times": [
        ("residence_permit", (3, 480, 720, 720)),
        ("travel_document", (1, 600, 600, 600)),
        ("citizenship", (1, 1800, 1800, 1800)),
        (None, (1, 1200, 1200, 1200)),
    ],
    "service_level_by_day": [
        (MON, "urgent", 2, 1),
        (MON, "booking_help", 1, 1),
        (TUE, "booking_help", 1, 1),
        (TUE, "appointment", 1, 1),
        (FRI, "urgent", 2, 2),
    ],
    "called": 7,
    "called_within_target": 6,
    "no_shows": 1,
    "transfers": 1,
    "served_per_counter": ((1, 2), (2, 2), (3, 1), (6, 1)),
    "kiosk_outcomes": (
        ("urgent_ticket", 3),
        ("booking_help_ticket", 0),
        ("book_online", 2),
        ("postbox", 1),
        ("asylum_invitation", 1),
        ("appointment_offered", 0),
        ("not_served_today", 1),
    ),
    # booked_online, booked_at_counter, offered_at_kiosk, cancelled, moved, lost, checked_in, served
    "appointments": (2, 1, 1, 1, 1, 1, 1, 1),
    # differences (s): 0, +1200, -600, -180, -120
    "estimates": (5, 420, 3, 1, 1),
    # (weekday, local hour): numbers issued
    "arrivals": {(0, 9): 2, (0, 10): 2, (1, 11): 1, (1, 14): 1, (4, 8): 2},
}
TODAY_FIGURES = {
    # queue: waiting, longest wait, called, within target, served, target minutes
    "queues": (
        ("urgent", 2, 2400, 2, 1, 1, 30),
        ("booking_help", 1, 300, 1, 1, 0, 30),
        ("appointment", 0, None, 2, 2, 1, 10),
    ),
    "counters": (
        (1, "clerk1", None, ("urgent", "booking_help")),
        (2, "clerk2", "B001", ("urgent", "booking_help")),
        (3, "clerk3", "C001", ("appointment", "urgent")),
    ),
    "served": 2,
    "no_shows": 1,
    "called": 5,
    "called_within_target": 4,
    "failed_prints": 2,
    "failed_messages": 2,
    # booked (not cancelled), checked in, served, lost, cancelled
    "appointments": (4, 2, 1, 1, 1),
}


def write_constructed_week(db) -> None:
    """Write the week, the Monday after and Tampere's rows into a migrated database (which
    may hold other days already: the ids follow the largest ones there)."""
    ids: dict[tuple[str, date, str], int] = {}
    ticket_offset = db.execute("SELECT COALESCE(MAX(id), 0) FROM tickets").fetchone()[0]
    offset = db.execute("SELECT COALESCE(MAX(id), 0) FROM appointments").fetchone()[0]
    with write_transaction(db):
        db.execute("PRAGMA defer_foreign_keys = ON")  # tickets and appointments refer both ways
        for index, ticket in enumerate(WEEK_TICKETS + TODAY_TICKETS, start=ticket_offset + 1):
            ids[(ticket.service_point, ticket.day, ticket.number)] = index
            if ticket.appointment_id is not None:
                ticket = dataclasses.replace(ticket, appointment_id=ticket.appointment_id + offset)
            write_ticket(db, index, ticket)
        for number, point, day, start, status, booked_by, ticket_number, moved in APPOINTMENTS:
            number += offset
            _write_appointment(db, number, point, day, start, status, booked_by, moved)
            if ticket_number:
                ticket_id = ids[(point, day, ticket_number)]
                db.execute(
                    "UPDATE appointments SET ticket_id = ?, checked_in_at = ? WHERE id = ?",
                    [ticket_id, utc_text(at(day, start) - timedelta(minutes=10)), number],
                )
        for counter, clerk in ((1, "clerk1"), (2, "clerk2"), (3, "clerk3")):
            db.execute(
                "INSERT INTO counter_sessions (service_point, counter, clerk, opened_at)"
                " VALUES ('helsinki', ?, ?, ?)",
                [counter, clerk, utc_text(at(TODAY, "07:55"))],
            )
        _write_messages(db, ids, offset)
    for point, moment, outcome in OUTCOMES:
        record_triage_outcome(
            db, service_point=point, kiosk=f"{point}:1", at=moment, matter="residence_permit",
            outcome=outcome, party_size=1, language="fi",
        )  # fmt: skip


def write_ticket(db, ticket_id: int, ticket: Ticket) -> None:
    """One ticket row and its events."""
    issued = at(ticket.day, ticket.issued)
    first_call = last_call = finished = None
    if ticket.wait is not None:
        first_call = last_call = issued + timedelta(minutes=ticket.wait)
        if ticket.recall is not None:
            last_call = first_call + timedelta(minutes=ticket.recall)
        if ticket.service is not None:
            finished = last_call + timedelta(minutes=ticket.service)
    if ticket.status == "expired":
        finished = at(ticket.day, "16:15")
    issued_queue = ticket.transfer_from or ticket.queue
    db.execute(
        "INSERT INTO tickets (id, service_point, day, issued_queue, sequence, number, queue,"
        " status, category, party_size, language, counter, clerk, issued_at, queued_at,"
        " called_at, finished_at, print_status, status_token, appointment_id,"
        " estimated_wait_seconds, notify_phone, triage_answers)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, 'fi', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            ticket_id, ticket.service_point, ticket.day.isoformat(), issued_queue,
            int(ticket.number[1:]), ticket.number, ticket.queue, ticket.status, ticket.category,
            ticket.counter, ticket.clerk if ticket.counter else None, utc_text(issued),
            utc_text(issued), last_call and utc_text(last_call), finished and utc_text(finished),
            ticket.print_status, f"token-{ticket_id}", ticket.appointment_id,
            None if ticket.estimate is None else ticket.estimate * 60,
            "+358401234567" if ticket.status == "waiting" else None,
            '{"expiry": "2027-01"}',
        ],
    )  # fmt: skip

    def event(kind, moment, from_status, to_status, queue=ticket.queue):
        record_event(
            db, type=kind, service_point=ticket.service_point, at=moment, ticket_id=ticket_id,
            from_status=from_status, to_status=to_status, queue=queue, counter=ticket.counter,
            clerk=ticket.clerk,
        )  # fmt: skip

    event("TicketIssued", issued, None, "waiting", issued_queue)
    if ticket.transfer_from:
        event("TicketTransferred", issued + timedelta(minutes=10), "waiting", "waiting")
    if first_call is not None:
        event("TicketCalled", first_call, "waiting", "called")
    if ticket.recall is not None:
        event("TicketRecalled", last_call, "called", "called")
    if ticket.status == "serving":
        event("ServiceStarted", last_call + timedelta(minutes=1), "called", "serving")
    if ticket.status in ("finished", "no_show"):
        kind = "TicketFinished" if ticket.status == "finished" else "TicketMarkedNoShow"
        event(kind, finished, "called", ticket.status)
    if ticket.status == "expired":
        event("TicketExpired", finished, "waiting", "expired")


def _write_appointment(db, number, point, day, start, status, booked_by, moved) -> None:
    """One appointment of 30 minutes (with contact details and a key the exports must not show)
    and its events."""
    starts_at = at(day, start)
    booked_at = starts_at - timedelta(days=10)
    hours, minutes = map(int, start.split(":"))
    db.execute(
        "INSERT INTO appointments (id, service_point, reservation_key, pin_hash, category,"
        " party_size, day, start_minute, end_minute, desk, starts_at, ends_at, status, email,"
        " phone, language, booked_by, booked_at, updated_at)"
        " VALUES (?, ?, ?, 'pin-hash-secret', 'residence_permit', 1, ?, ?, ?, 1, ?, ?, ?, ?, ?,"
        " 'fi', ?, ?, ?)",
        [
            number, point, f"KEY{number:05d}SECRET", day.isoformat(), hours * 60 + minutes,
            hours * 60 + minutes + 30, utc_text(starts_at),
            utc_text(starts_at + timedelta(minutes=30)), status, f"person{number}@example.fi",
            f"+35840000{number:04d}", booked_by, utc_text(booked_at), utc_text(booked_at),
        ],
    )  # fmt: skip
    record_event(
        db, type="AppointmentBooked", service_point=point, at=booked_at, to_status="booked",
        clerk=booked_by, appointment_id=number,
    )  # fmt: skip
    if moved:
        record_event(
            db, type="AppointmentRescheduled", service_point=point,
            at=booked_at + timedelta(days=1), from_status="booked", to_status="booked",
            appointment_id=number,
        )  # fmt: skip


def _write_messages(db, ids, offset: int) -> None:
    """Messages of today: two the sender gave up on today at Helsinki, and three that do not
    count (given up yesterday, at Tampere, sent)."""
    today_try = utc_text(at(TODAY, "09:00"))
    yesterday_try = utc_text(at(TODAY - timedelta(days=1), "15:00"))
    tampere_ticket = ids[("tampere", TUE, "A001")]
    helsinki_ticket = ids[("helsinki", TODAY, "B002")]
    for number, (appointment, ticket, status, next_try) in enumerate(
        [
            (offset + 11, None, "failed", today_try),
            (None, helsinki_ticket, "failed", today_try),
            (offset + 2, None, "failed", yesterday_try),
            (None, tampere_ticket, "failed", today_try),
            (offset + 14, None, "sent", today_try),
        ]
    ):
        db.execute(
            "INSERT INTO messages (appointment_id, ticket_id, channel, recipient, kind,"
            " language, status, attempts, next_attempt_at, created_at, dedupe_key)"
            " VALUES (?, ?, 'sms', '+358400000000', 'reminder', 'fi', ?, 5, ?, ?, ?)",
            [appointment, ticket, status, next_try, next_try, f"statistics-message-{number}"],
        )
