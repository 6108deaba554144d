"""Each verdict the kiosk shows is recorded for the statistics (no personal data), and each
number keeps the wait its kiosk showed."""

from __future__ import annotations

import threading

import pytest

from kiosk.api import TRIAGES_PER_KIOSK_PER_HOUR
from shared.queue.triage_outcomes import TRIAGE_OUTCOMES

TRIAGE = "/api/v1/service-points/helsinki/triage"
TICKETS = "/api/v1/service-points/helsinki/tickets"
URGENT = {
    "matter": "residence_permit",
    "expiry_year": 2027,
    "expiry_month": 1,
    "found_appointment": False,
}
# 30 November: a permit expiring this month may expire any day, so no time is surely before it.
URGENT_NO_OFFER = {**URGENT, "expiry_year": 2026, "expiry_month": 11}
BOOKING_HELP = {"matter": "citizenship", "can_use_online_booking": False}
COLUMNS = "service_point, kiosk, matter, outcome, party_size, language"


def outcome_rows(db) -> list[tuple]:
    """Every recorded outcome, oldest first, without its id and time."""
    return db.execute(f"SELECT {COLUMNS} FROM triage_outcomes ORDER BY id").fetchall()


def kiosk_scope(db) -> str:
    """The scope of the one paired kiosk."""
    return "kiosk:" + str(db.execute("SELECT id FROM kiosks").fetchone()[0])


@pytest.mark.parametrize(
    ("answers", "outcome"),
    [
        (URGENT_NO_OFFER, "urgent_ticket"),
        (BOOKING_HELP, "booking_help_ticket"),
        ({"matter": "citizenship"}, "book_online"),
        ({"matter": "additional_documents"}, "postbox"),
        ({"matter": "asylum"}, "asylum_invitation"),
        (URGENT, "appointment_offered"),  # a free time at 10:15, before January
    ],
)
def test_each_verdict_is_one_row(client, db, answers, outcome):
    response = client.post(TRIAGE, query_string={"lang": "sv"}, json={**answers, "party_size": 3})
    assert response.status_code == 200, response.json
    assert (response.json["appointment_offer"] is not None) is (outcome == "appointment_offered")
    assert outcome_rows(db) == [("helsinki", kiosk_scope(db), answers["matter"], outcome, 3, "sv")]
    at = db.execute("SELECT at FROM triage_outcomes").fetchone()[0]
    assert at == "2026-11-30T08:00:00.000000+00:00"


@pytest.mark.parametrize("answers", [URGENT_NO_OFFER, BOOKING_HELP])
def test_a_number_verdict_while_no_numbers_are_given_is_not_served_today(
    client, clock, db, answers
):
    clock.set(clock.now().replace(hour=16, minute=0))  # 16:00: past the last ticket, 15:45
    response = client.post(TRIAGE, json=answers)
    assert response.json["is_accepting_tickets"] is False
    assert [row[3] for row in outcome_rows(db)] == ["not_served_today"]


def test_the_outcomes_are_the_statistics_list_in_order():
    assert TRIAGE_OUTCOMES == (
        "urgent_ticket",
        "booking_help_ticket",
        "book_online",
        "postbox",
        "asylum_invitation",
        "appointment_offered",
        "not_served_today",
    )


def test_a_refused_triage_records_nothing(client, db):
    assert client.post(TRIAGE, json={"matter": "residence_permit"}).status_code == 400
    assert client.post(TRIAGE, json={"matter": "tax_return"}).status_code == 400
    assert outcome_rows(db) == []


def test_a_stranger_records_nothing(anonymous_client, db):
    assert anonymous_client.post(TRIAGE, json={"matter": "asylum"}).status_code == 401
    assert outcome_rows(db) == []


def test_no_row_holds_anything_of_the_person(client, db):
    """No expiry date, contact detail, key or answer beyond the matter is ever stored."""
    client.post(TRIAGE, json={**URGENT, "party_size": 2})
    columns = [row[1] for row in db.execute("PRAGMA table_info(triage_outcomes)").fetchall()]
    assert columns == [
        "id",
        "service_point",
        "kiosk",
        "at",
        "matter",
        "outcome",
        "party_size",
        "language",
    ]
    stored = " ".join(
        str(value) for value in db.execute("SELECT * FROM triage_outcomes").fetchone()
    )
    assert "2027" not in stored and "@" not in stored and "found" not in stored


def test_kiosks_triaging_at_once_each_get_their_row(app, db, pair_kiosk):
    kiosks = [pair_kiosk(name=f"Lobby {number}") for number in range(6)]
    cookies = [kiosk.get_cookie("jono_kiosk").value for kiosk in kiosks]
    barrier, statuses = threading.Barrier(len(cookies) * 2), []

    def triage_twice(cookie: str, matter: str) -> None:
        browser = app.test_client()
        browser.set_cookie("jono_kiosk", cookie)
        barrier.wait(timeout=10)
        for _ in range(5):
            statuses.append(browser.post(TRIAGE, json={"matter": matter}).status_code)

    threads = [
        threading.Thread(target=triage_twice, args=(cookie, matter))
        for cookie in cookies
        for matter in ("asylum", "citizenship")
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200] * 60
    counts = db.execute(
        "SELECT kiosk, outcome, COUNT(*) FROM triage_outcomes GROUP BY kiosk, outcome"
    ).fetchall()
    assert len(counts) == 12 and {count for _, _, count in counts} == {5}


def test_a_kiosk_cannot_flood_the_outcomes(client, clock, db):
    statuses = [
        client.post(TRIAGE, json={"matter": "asylum"}).status_code
        for _ in range(TRIAGES_PER_KIOSK_PER_HOUR + 3)
    ]
    assert statuses == [200] * TRIAGES_PER_KIOSK_PER_HOUR + [429] * 3
    assert len(outcome_rows(db)) == TRIAGES_PER_KIOSK_PER_HOUR
    clock.advance(minutes=61)
    assert client.post(TRIAGE, json={"matter": "asylum"}).status_code == 200


def estimate_of(db, number: str):
    """The estimate in seconds a ticket kept."""
    return db.execute(
        "SELECT estimated_wait_seconds FROM tickets WHERE number = ?", [number]
    ).fetchone()[0]


def ticket_body(key: str) -> dict:
    return {"answers": URGENT, "language": "en", "idempotency_key": key}


def test_a_number_keeps_the_estimate_its_kiosk_showed(client, db, make_clerk):
    first = client.post(TICKETS, json=ticket_body("kiosk-1-visit-0001"))
    assert first.json["estimated_wait_minutes"] is None  # no counter open: none shown
    assert estimate_of(db, "A001") is None
    make_clerk()  # counter 1 opens
    second = client.post(TICKETS, json=ticket_body("kiosk-1-visit-0002"))
    assert second.json["estimated_wait_minutes"] == 12
    assert estimate_of(db, "A002") == 12 * 60
    client.post(TICKETS, json=ticket_body("kiosk-1-visit-0003"))
    again = client.post(TICKETS, json=ticket_body("kiosk-1-visit-0002"))  # a retry, later
    assert again.status_code == 200 and again.json["estimated_wait_minutes"] == 12
    assert estimate_of(db, "A002") == 12 * 60


def test_a_checked_in_number_keeps_its_estimate(client, config, db, make_clerk):
    from shared.appointments.booking import book_appointment, hold_slot
    from shared.appointments.reservation_keys import format_reservation_key
    from tests.appointment_helpers import local

    make_clerk(counter=3)  # counter 3 serves the appointment queue
    held = hold_slot(
        db,
        config,
        service_point_id="helsinki",
        category="travel_document",
        party_size=1,
        starts_at=local(10, 30),
        now=local(7),
    )
    booking = book_appointment(
        db,
        config,
        hold_token=held.token,
        email="a@example.fi",
        phone=None,
        language="fi",
        now=local(7),
    )
    response = client.post(
        "/api/v1/service-points/helsinki/check-ins",
        json={"reservation_key": format_reservation_key(booking.appointment.reservation_key)},
    )
    assert response.status_code == 201, response.json
    assert response.json["ticket"]["estimated_wait_minutes"] == 0  # first, counter 3 free
    assert estimate_of(db, response.json["ticket"]["number"]) == 0
