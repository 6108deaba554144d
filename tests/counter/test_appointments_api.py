"""Counter booking for a customer, its confirmation slip, and the kiosk's urgent-walk-in offer."""

from __future__ import annotations

import dataclasses
import io
import time
from datetime import timedelta

import pypdf
import pytest

from printers.printer_config import parse_printer_config
from shared.appointments.booking import find_appointment_by_key
from shared.appointments.reservation_keys import normalize_reservation_key
from shared.errors import DomainError
from shared.queue.check_in import book_offered_appointment
from tests.appointment_helpers import count_booking_rows, local
from tests.conftest import count_rows

BOOK = "/api/v1/counter/appointments"
SLIP = "/api/v1/counter/appointments/confirmation-slip"
URGENT = {
    "matter": "residence_permit",
    "expiry_year": 2026,
    "expiry_month": 12,
    "found_appointment": False,
    "party_size": 1,
}


def all_rows(db):
    return {**count_rows(db), **count_booking_rows(db)}


def first_free(client, service_point="tampere", category="citizenship"):
    response = client.get(
        f"/api/v1/free-slots?service_point={service_point}&category={category}&days=3"
    )
    assert response.status_code == 200, response.json
    return response.json["slots"][0]


@pytest.fixture
def printer_file(tmp_path):
    return tmp_path / "kiosk-printer.bin"


@pytest.fixture
def config(config, printer_file):
    """Helsinki's kiosk printer writes to a file, so a printed slip can be read back."""
    printer = parse_printer_config({"type": "file", "path": str(printer_file)})
    points = tuple(
        dataclasses.replace(point, printer=printer) if point.id == "helsinki" else point
        for point in config.service_points
    )
    return dataclasses.replace(
        config,
        service_points=points,
        rules=dataclasses.replace(config.rules, printer_probe_seconds=0),
    )


@pytest.fixture(autouse=True)
def stop_printing(app):
    yield
    app.extensions["jono"].printing.stop()


def test_booking_for_a_customer_needs_a_clerk(client, db):
    slot = first_free(client)
    rows = all_rows(db)
    body = {"category": "citizenship", "starts_at": slot["starts_at"], "service_point": "tampere"}
    response = client.post(BOOK, json=body)
    assert response.status_code == 401
    assert response.json["error"]["code"] == "login_required"
    slip = client.post(SLIP, json={"reservation_key": "AAAA-AAAA", "pin": "123456"})
    assert slip.status_code == 401
    assert client.get(BOOK).status_code == 401
    assert all_rows(db) == rows


def test_a_clerk_books_at_another_point_without_contact_details(make_clerk, client, db):
    clerk = make_clerk(counter=6)
    slot = first_free(client)
    response = clerk.post(
        BOOK,
        json={
            "service_point": "tampere",
            "category": "citizenship",
            "party_size": 2,
            "starts_at": slot["starts_at"],
            "language": "en",
        },
    )
    assert response.status_code == 201, response.json
    body = response.json
    assert (body["service_point"], body["service_point_name"]) == ("tampere", "Tampere")
    assert (body["email"], body["phone"], body["print_status"]) == (None, None, None)
    appointment = find_appointment_by_key(db, normalize_reservation_key(body["reservation_key"]))
    assert appointment.booked_by == "clerk1"
    assert appointment.party_size == 2
    assert appointment.service_point == "tampere"
    seats = db.execute(
        "SELECT COUNT(*) FROM slot_seats WHERE appointment_id = ?", [appointment.id]
    ).fetchone()[0]
    assert seats == 3  # 30 minutes and 15 more for the second person, on the 15-minute grid


def test_a_clerk_books_here_with_contact_details_and_gets_the_pdf_slip(make_clerk, client, db):
    clerk = make_clerk(counter=6)
    slot = first_free(client, service_point="helsinki")
    response = clerk.post(
        BOOK,
        json={
            "category": "citizenship",
            "starts_at": slot["starts_at"],
            "email": "Anna@Example.fi",
            "phone": "040 123 4567",
            "language": "fi",
        },
    )
    assert response.status_code == 201, response.json
    booked = response.json
    assert booked["service_point"] == "helsinki"
    assert (booked["email"], booked["phone"]) == ("anna@example.fi", "+358401234567")
    slip = clerk.post(
        SLIP, json={"reservation_key": booked["reservation_key"], "pin": booked["pin"]}
    )
    assert slip.status_code == 200
    assert slip.mimetype == "application/pdf"
    text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(slip.data)).pages)
    assert booked["reservation_key"] in text
    assert booked["pin"] in text
    wrong = clerk.post(SLIP, json={"reservation_key": booked["reservation_key"], "pin": "000000"})
    assert wrong.status_code == 404


def test_the_slip_can_come_out_of_the_kiosk_printer(make_clerk, client, db, printer_file):
    clerk = make_clerk(counter=6)
    slot = first_free(client, service_point="helsinki")
    response = clerk.post(
        BOOK,
        json={"category": "citizenship", "starts_at": slot["starts_at"], "print_at_kiosk": True},
    )
    assert response.status_code == 201, response.json
    assert response.json["print_status"] == "queued"
    deadline = time.monotonic() + 10
    while response.json["pin"].encode() not in (
        printer_file.read_bytes() if printer_file.exists() else b""
    ):
        assert time.monotonic() < deadline, "the slip never reached the printer"
        time.sleep(0.01)
    assert response.json["reservation_key"].encode() in printer_file.read_bytes()


@pytest.mark.parametrize(
    ("changes", "status", "code"),
    [
        ({"email": "not-an-address"}, 400, "invalid_email"),
        ({"phone": "12"}, 400, "invalid_phone"),
        ({"category": "fishing_licence"}, 400, "unknown_category"),
        ({"party_size": 7}, 400, "party_too_large_for_appointment"),
        ({"service_point": "oulu"}, 404, "unknown_service_point"),
        ({"starts_at": "2026-11-30T08:07:00+00:00"}, 409, "slot_not_offered"),
        ({"starts_at": "2026-11-30T06:00:00+00:00"}, 409, "slot_not_offered"),
        ({"starts_at": "yesterday"}, 400, "invalid_request"),
        ({"language": "de"}, 400, "invalid_request"),
    ],
)
def test_bad_counter_bookings_write_nothing(make_clerk, client, db, changes, status, code):
    clerk = make_clerk(counter=6)
    slot = first_free(client, service_point="helsinki")
    body = {"category": "citizenship", "starts_at": slot["starts_at"], **changes}
    rows = all_rows(db)
    response = clerk.post(BOOK, json=body)
    assert response.status_code == status, response.json
    assert response.json["error"]["code"] == code
    assert all_rows(db) == rows


def triage(client, answers=URGENT):
    response = client.post("/api/v1/service-points/helsinki/triage", json=answers)
    assert response.status_code == 200, response.json
    return response.json


def test_an_urgent_walk_in_is_offered_the_earliest_free_time_today(client):
    result = triage(client)
    assert result["outcome"] == "urgent_ticket"
    offer = result["appointment_offer"]
    assert offer.pop("offer_token")  # what takes it: tests/kiosk/test_offer_tokens.py
    assert offer == {
        "starts_at": "2026-11-30T08:15:00.000000+00:00",
        "date": "2026-11-30",
        "time": "10:15",
        "is_today": True,
    }


@pytest.mark.parametrize(
    "answers",
    [
        {**URGENT, "expiry_month": 11},  # may expire any day now: no time is surely before it
        {**URGENT, "party_size": 8},  # two groups: two appointments, so the numbers instead
        {**URGENT, "found_appointment": True, "can_use_online_booking": True},  # not urgent
    ],
)
def test_no_offer_when_none_fits(client, answers):
    assert triage(client, answers)["appointment_offer"] is None


def test_no_offer_beyond_the_offer_days(app, client, clock, config):
    app.extensions["jono"].config = dataclasses.replace(
        config, appointments=dataclasses.replace(config.appointments, urgent_offer_days=1)
    )
    clock.set(local(15, 50))  # the day's last appointments have started
    assert triage(client)["appointment_offer"] is None
    clock.set(local(15, 0))
    assert triage(client)["appointment_offer"]["time"] == "15:15"
    app.extensions["jono"].config = dataclasses.replace(
        config, appointments=dataclasses.replace(config.appointments, urgent_offer_days=0)
    )
    assert triage(client)["appointment_offer"] is None  # 0: never offered


def test_taking_the_offer_books_it_and_prints_the_slip(app, client, config, db, printer_file):
    # A check-in window of 10 minutes: 10:15 is not open for check-in at 10:00, so the time is
    # booked and its slip printed (one within the window is checked in at once:
    # tests/kiosk/test_offer_check_in.py).
    app.extensions["jono"].config = dataclasses.replace(
        config, appointments=dataclasses.replace(config.appointments, check_in_window_minutes=10)
    )
    offer = triage(client)["appointment_offer"]
    response = client.post(
        "/api/v1/service-points/helsinki/offered-appointments",
        json={"offer_token": offer["offer_token"], "language": "en"},
    )
    assert response.status_code == 201, response.json
    body = response.json
    assert (body["date"], body["time"], body["check_in_from"]) == ("2026-11-30", "10:15", "10:05")
    assert (body["print_status"], body["ticket"]) == ("queued", None)
    appointment = find_appointment_by_key(db, normalize_reservation_key(body["reservation_key"]))
    assert (appointment.status, appointment.booked_by) == ("booked", "kiosk")
    assert (appointment.email, appointment.phone) == (None, None)
    deadline = time.monotonic() + 10
    while body["pin"].encode() not in (printer_file.read_bytes() if printer_file.exists() else b""):
        assert time.monotonic() < deadline, "the slip never reached the printer"
        time.sleep(0.01)
    assert triage(client)["appointment_offer"]["time"] == "10:15"  # another desk is still free


def test_declining_the_offer_gives_the_urgent_number(client, db):
    assert triage(client)["appointment_offer"] is not None
    response = client.post(
        "/api/v1/service-points/helsinki/tickets",
        json={"answers": URGENT, "language": "en", "idempotency_key": "kiosk-1-visit-0042"},
    )
    assert response.status_code == 201, response.json
    assert response.json["number"] == "A001"
    assert db.execute("SELECT COUNT(*) FROM appointments").fetchone()[0] == 0


@pytest.mark.parametrize(
    ("starts_at", "expiry_month", "code"),
    [
        (local(10, 15) + timedelta(days=3), 1, "slot_not_offered"),  # beyond the offer days
        (local(10, 10), 1, "slot_not_offered"),  # not on the grid
        (local(10, 15), 11, "slot_not_offered"),  # the document may expire before it
    ],
)
def test_times_that_could_not_be_offered_cannot_be_booked(
    db, config, clock, starts_at, expiry_month, code
):
    """The domain checks the time again, whatever a (genuine) offer token said."""
    rows = all_rows(db)
    with pytest.raises(DomainError) as refused:
        book_offered_appointment(
            db,
            config,
            service_point_id="helsinki",
            category="residence_permit",
            party_size=1,
            expiry_year=2026 if expiry_month == 11 else 2027,
            expiry_month=expiry_month,
            starts_at=starts_at,
            language="en",
            now=clock.now(),
        )
    assert refused.value.code == code
    assert all_rows(db) == rows


def test_the_confirmation_qr_address_carries_the_key_and_fills_in_the_manage_page(client, config):
    from shared.appointments.reservation_keys import manage_url

    address = manage_url(config, "ACEFHJKM", "sv")
    assert address == "http://127.0.0.1:8000/booking/manage?lang=sv&key=ACEF-HJKM"
    page = client.get(address.removeprefix("http://127.0.0.1:8000"))
    assert 'value="ACEF-HJKM"' in page.get_data(as_text=True)
    evil = client.get('/booking/manage?key="><script>')
    assert '<script>"' not in evil.get_data(as_text=True)
    assert 'value="&#34;&gt;&lt;script&gt;"' in evil.get_data(as_text=True)
