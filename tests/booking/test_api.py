"""The booking API: every operation's happy path, and bad input refused with nothing written."""

from __future__ import annotations

import pytest

from tests.appointment_helpers import count_booking_rows

BOOKING_OPERATIONS = {
    "listFreeSlots",
    "listFreeDays",
    "holdSlot",
    "bookAppointment",
    "getAppointment",
    "cancelAppointment",
    "updateAppointmentContact",
    "rescheduleAppointment",
}


def free_slots(client, **query):
    """GET /free-slots with defaults; returns the JSON answer."""
    params = {"service_point": "helsinki", "category": "travel_document", "days": 2} | query
    response = client.get("/api/v1/free-slots", query_string=params)
    assert response.status_code == 200, response.json
    return response.json


def hold(client, slot, **fields):
    body = {
        "service_point": slot["service_point"],
        "starts_at": slot["starts_at"],
        "category": "travel_document",
        "party_size": 1,
    } | fields
    return client.post("/api/v1/holds", json=body)


@pytest.fixture
def booked(client):
    """Book the first free time at Helsinki through the API; returns the answer."""
    slot = free_slots(client)["slots"][0]
    held = hold(client, slot)
    assert held.status_code == 201, held.json
    response = client.post(
        "/api/v1/appointments",
        json={"hold_token": held.json["hold_token"], "email": "anna@example.fi", "language": "en"},
    )
    assert response.status_code == 201, response.json
    return response.json


def test_the_document_has_every_booking_operation(client):
    document = client.get("/api/v1/openapi.json").json
    found = {
        operation["operationId"]
        for item in document["paths"].values()
        for operation in item.values()
        if isinstance(operation, dict) and "operationId" in operation
    }
    assert BOOKING_OPERATIONS <= found


def test_list_free_slots(client):
    page = free_slots(client, days=3)
    assert page["first_day"] == "2026-11-30"
    assert page["last_day"] == "2026-12-02"
    assert page["next_day"] == "2026-12-03"
    assert page["horizon_day"] == "2027-03-02"
    assert page["length_minutes"] == 15
    first = page["slots"][0]
    assert (first["date"], first["time"]) == ("2026-11-30", "10:15")
    assert first["starts_at"].startswith("2026-11-30T08:15:00")
    assert page["days"][0] == {"date": "2026-11-30", "free_count": 23}
    by_city = free_slots(client, service_point=None, city="Tammerfors", days=1)
    assert {slot["service_point"] for slot in by_city["slots"]} == {"tampere"}
    everywhere = free_slots(client, service_point=None, days=1)
    assert {slot["service_point"] for slot in everywhere["slots"]} == {"helsinki", "tampere"}
    assert everywhere["length_minutes"] == 15
    month = free_slots(client, **{"from": "2026-11-01", "days": 30})  # the calendar's month
    assert (month["first_day"], month["last_day"]) == ("2026-11-30", "2026-11-30")
    far = free_slots(client, **{"from": "9999-12-31", "days": 62})
    assert (far["slots"], far["next_day"]) == ([], None)
    last_page = free_slots(client, **{"from": "2027-03-01", "days": 7})
    assert last_page["next_day"] is None
    assert last_page["days"][-1]["date"] == "2027-03-02"


def test_book_see_correct_move_and_cancel(client, booked):
    assert booked["status"] == "booked"
    assert booked["time"] == "10:15"
    assert len(booked["pin"]) == 6
    assert booked["service_point_name"]["sv"] == "Helsingfors, Malm"
    credentials = {"reservation_key": booked["reservation_key"], "pin": booked["pin"]}

    seen = client.post("/api/v1/appointments/lookup", json=credentials)
    assert seen.status_code == 200
    assert "pin" not in seen.json
    assert seen.json["email"] == "anna@example.fi"
    typed = {
        "reservation_key": booked["reservation_key"].replace("-", "").lower(),
        "pin": booked["pin"],
    }
    assert client.post("/api/v1/appointments/lookup", json=typed).status_code == 200

    corrected = client.post(
        "/api/v1/appointments/contact",
        json={**credentials, "email": None, "phone": "040 765 4321"},
    )
    assert corrected.status_code == 200, corrected.json
    assert (corrected.json["email"], corrected.json["phone"]) == (None, "+358407654321")

    later = free_slots(client, **{"from": "2026-12-01", "days": 1})["slots"][4]
    held = hold(client, later)
    moved = client.post(
        "/api/v1/appointments/reschedule",
        json={**credentials, "hold_token": held.json["hold_token"]},
    )
    assert moved.status_code == 200, moved.json
    assert (moved.json["date"], moved.json["time"]) == ("2026-12-01", later["time"])
    assert free_slots(client)["slots"][0]["time"] == "10:15"  # the old time is free again

    cancelled = client.post("/api/v1/appointments/cancel", json=credentials)
    assert cancelled.status_code == 200
    assert cancelled.json["status"] == "cancelled"
    again = client.post("/api/v1/appointments/cancel", json=credentials)
    assert again.status_code == 409
    assert again.json["error"]["code"] == "appointment_not_changeable"


def test_booking_events_reach_the_live_room(client, socket_client):
    socket = socket_client("helsinki")
    socket.get_received()
    slot = free_slots(client)["slots"][0]
    token = hold(client, slot).json["hold_token"]
    client.post("/api/v1/appointments", json={"hold_token": token, "phone": "0401234567"})
    events = [m["args"][0] for m in socket.get_received() if m["name"] == "queue_event"]
    assert [event["type"] for event in events] == ["AppointmentBooked"]


SLOT = {"service_point": "helsinki", "starts_at": "2026-11-30T08:15:00+00:00"}


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "code"),
    [
        ("get", "/free-slots?service_point=helsinki", None, 400, "invalid_request"),
        ("get", "/free-slots?category=citizenship&party_size=x", None, 400, "invalid_request"),
        ("get", "/free-slots?category=citizenship&days=63", None, 400, "invalid_request"),
        (
            "get",
            "/free-slots?category=citizenship&service_point=oulu",
            None,
            404,
            "unknown_service_point",
        ),
        ("get", "/free-slots?category=citizenship&city=Oulu", None, 404, "unknown_city"),
        ("get", "/free-slots?category=asylum", None, 400, "unknown_category"),
        ("get", "/free-days?category=citizenship&days=93", None, 400, "invalid_request"),
        ("get", "/free-days?category=citizenship&city=Oulu", None, 404, "unknown_city"),
        ("get", "/free-days?category=asylum", None, 400, "unknown_category"),
        (
            "get",
            "/free-slots?category=citizenship&party_size=7",
            None,
            400,
            "party_too_large_for_appointment",
        ),
        ("post", "/holds", {}, 400, "invalid_request"),
        (
            "post",
            "/holds",
            {**SLOT, "category": "citizenship", "starts_at": "soon"},
            400,
            "invalid_request",
        ),
        (
            "post",
            "/holds",
            {**SLOT, "category": "citizenship", "party_size": 9},
            400,
            "party_too_large_for_appointment",
        ),
        ("post", "/holds", {**SLOT, "category": "nope"}, 400, "unknown_category"),
        (
            "post",
            "/holds",
            {**SLOT, "category": "citizenship", "service_point": "oulu"},
            404,
            "unknown_service_point",
        ),
        (
            "post",
            "/holds",
            {**SLOT, "category": "citizenship", "starts_at": "2026-11-30T06:00:00+00:00"},
            409,
            "slot_not_offered",
        ),
        (
            "post",
            "/holds",
            {**SLOT, "category": "citizenship", "starts_at": "2026-12-24T08:00:00+00:00"},
            409,
            "slot_not_offered",
        ),
        (
            "post",
            "/holds",
            {**SLOT, "category": "citizenship", "starts_at": "0001-01-01T00:00:00+00:00"},
            409,
            "slot_not_offered",
        ),
        (
            "post",
            "/holds",
            {**SLOT, "category": "citizenship", "starts_at": "2026-11-30T08:15:00"},
            400,
            "invalid_request",
        ),
        ("post", "/appointments", {"email": "a@b.fi"}, 400, "invalid_request"),
        (
            "post",
            "/appointments",
            {"hold_token": "not-a-real-hold", "email": "a@b.fi"},
            409,
            "hold_expired",
        ),
        ("post", "/appointments", {"hold_token": "not-a-real-hold"}, 400, "contact_required"),
        (
            "post",
            "/appointments",
            {"hold_token": "not-a-real-hold", "email": "x@"},
            400,
            "invalid_email",
        ),
        (
            "post",
            "/appointments",
            {"hold_token": "not-a-real-hold", "language": "de", "email": "a@b.fi"},
            400,
            "invalid_request",
        ),
        ("post", "/appointments/lookup", {"reservation_key": "ABCD-EFGH"}, 400, "invalid_request"),
        ("post", "/appointments/cancel", {"pin": "123456"}, 400, "invalid_request"),
        (
            "post",
            "/appointments/contact",
            {"reservation_key": "A", "pin": 123456},
            400,
            "invalid_request",
        ),
        (
            "post",
            "/appointments/contact",
            {"reservation_key": "A", "pin": "1", "email": "@"},
            400,
            "invalid_email",
        ),
        (
            "post",
            "/appointments/reschedule",
            {"reservation_key": "A", "pin": "1"},
            400,
            "invalid_request",
        ),
    ],
)
def test_bad_input_is_refused_and_writes_nothing(client, db, method, path, body, status, code):
    before = count_booking_rows(db)
    response = client.open("/api/v1" + path, method=method.upper(), json=body)
    assert response.status_code == status, response.json
    assert response.json["error"]["code"] == code
    assert response.json["error"]["message"]
    assert count_booking_rows(db) == before


def test_party_too_large_says_to_book_more_appointments(client):
    response = client.get(
        "/api/v1/free-slots",
        query_string={"category": "citizenship", "party_size": 8, "lang": "en"},
    )
    assert "book more appointments" in response.json["error"]["message"]
    assert "6" in response.json["error"]["message"]


@pytest.mark.parametrize(
    "path", ["/holds", "/appointments", "/appointments/lookup", "/appointments/cancel"]
)
def test_a_form_post_from_another_site_is_refused(client, db, path):
    """The JSON API needs application/json, which a cross-site form cannot send."""
    before = count_booking_rows(db)
    response = client.post(
        "/api/v1" + path,
        data={"reservation_key": "ABCD-EFGH", "pin": "123456", "hold_token": "x" * 20},
        content_type="application/x-www-form-urlencoded",
    )
    assert 400 <= response.status_code < 500
    assert response.json["error"]["code"] in {"invalid_json", "invalid_request"}
    assert count_booking_rows(db) == before


def test_malformed_json_is_refused(client, db):
    before = count_booking_rows(db)
    response = client.post(
        "/api/v1/appointments", data="{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json["error"]["code"] == "invalid_json"
    assert count_booking_rows(db) == before


def test_the_free_slots_answer_has_exactly_the_documented_shape(client):
    """The route sends its answer without marshmallow (speed): it must still be FreeSlotsSchema."""
    from booking.schemas import FreeSlotsSchema

    answer = free_slots(client, days=3)
    assert answer["slots"], "the demo has free times"
    loaded = FreeSlotsSchema().load(answer)  # raises on a missing, extra or wrongly typed field
    assert set(loaded) == set(FreeSlotsSchema().fields)
    assert set(answer["slots"][0]) == set(FreeSlotsSchema().fields["slots"].inner.schema.fields)
    assert sum(day["free_count"] for day in answer["days"]) == len(answer["slots"])


def free_days(client, **query):
    """GET /free-days with defaults; returns the JSON answer."""
    params = {"service_point": "helsinki", "category": "travel_document", "days": 31} | query
    response = client.get("/api/v1/free-days", query_string=params)
    assert response.status_code == 200, response.json
    return response.json


@pytest.mark.parametrize(
    "query",
    [
        {"from": "2026-12-01", "days": 31},  # the calendar's month, holidays in it
        {"service_point": None, "city": "Tammerfors", "days": 14},
        {"service_point": None, "category": "residence_permit", "party_size": 3, "days": 62},
        {"from": "2027-02-20", "days": 20},  # runs into the horizon
    ],
)
def test_free_days_count_what_free_slots_list(client, booked, query):
    """The calendar's counts per day are those of listFreeSlots (a booking taken off too)."""
    days = free_days(client, **query)
    slots = free_slots(client, **query)
    assert days["days"] == slots["days"]
    assert days["days"], "the demo has free days"
    for field in ("first_day", "last_day", "next_day", "horizon_day"):
        assert days[field] == slots[field], field


def test_the_free_days_answer_has_exactly_the_documented_shape(client):
    from booking.schemas import FreeDaysSchema

    answer = free_days(client, days=92)
    loaded = FreeDaysSchema().load(answer)
    assert set(loaded) == set(FreeDaysSchema().fields)
    assert answer["first_day"] == "2026-11-30"
    assert answer["last_day"] == "2027-03-01"
    assert answer["next_day"] == answer["horizon_day"] == "2027-03-02"
    assert "slots" not in answer


def test_free_days_name_the_closed_days_and_today(client):
    """The calendar shows a closed day as closed: weekends at Helsinki (appointments Monday to
    Friday) and the holidays of the demo config, never a day that has free times."""
    answer = free_days(client, **{"from": "2026-12-01", "days": 31})
    weekends = {f"2026-12-{day:02}" for day in (5, 6, 12, 13, 19, 20, 26, 27)}
    holidays = {"2026-12-24", "2026-12-25", "2026-12-31"}
    assert set(answer["closed_days"]) == weekends | holidays
    assert not set(answer["closed_days"]) & {day["date"] for day in answer["days"]}
    assert answer["today"] == "2026-11-30"


def test_a_day_is_closed_only_when_no_searched_point_takes_appointments(client):
    """Searching every service point, a day is closed only when it is closed at each."""
    helsinki = set(free_days(client, days=14)["closed_days"])
    everywhere = set(free_days(client, service_point=None, days=14)["closed_days"])
    tampere = set(free_days(client, service_point="tampere", days=14)["closed_days"])
    assert everywhere == helsinki & tampere
