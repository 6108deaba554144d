"""Key + PIN protection: no enumeration, lockout, rate limits, CSRF, and no PIN in clear."""

from __future__ import annotations

import logging
import re
from datetime import timedelta

import pytest
from werkzeug.security import generate_password_hash

from shared.appointments.reservation_keys import (
    PIN_HASH_METHOD,
    hash_pin,
    new_reservation_key,
    pin_matches,
)
from shared.storage.timestamps import utc_text


def hold_first_time(client):
    """Hold the first free citizenship time at Helsinki today; returns the holdSlot answer."""
    slot = client.get(
        "/api/v1/free-slots",
        query_string={"service_point": "helsinki", "category": "citizenship", "days": 1},
    ).json["slots"][0]
    return client.post(
        "/api/v1/holds",
        json={
            "service_point": "helsinki",
            "starts_at": slot["starts_at"],
            "category": "citizenship",
        },
    )


@pytest.fixture
def booked(client):
    """Book the first free time at Helsinki; returns the API's answer (with the PIN)."""
    held = hold_first_time(client)
    response = client.post(
        "/api/v1/appointments",
        json={"hold_token": held.json["hold_token"], "email": "anna@example.fi"},
    )
    assert response.status_code == 201, response.json
    return response.json


def lookup(client, key, pin, address="10.0.0.1", language="en"):
    return client.post(
        f"/api/v1/appointments/lookup?lang={language}",
        json={"reservation_key": key, "pin": pin},
        environ_base={"REMOTE_ADDR": address},
    )


def wrong_pin(pin: str) -> str:
    return "000000" if pin != "000000" else "111111"


def test_unknown_key_and_wrong_pin_get_the_same_answer(client, booked):
    unknown = lookup(client, new_reservation_key(), booked["pin"])
    wrong = lookup(client, booked["reservation_key"], wrong_pin(booked["pin"]))
    malformed = lookup(client, "no such key", booked["pin"])
    assert unknown.status_code == wrong.status_code == malformed.status_code == 404
    assert unknown.json == wrong.json == malformed.json
    assert wrong.json["error"]["code"] == "wrong_key_or_pin"


def test_a_key_locks_after_too_many_wrong_pins_and_opens_again(client, booked, clock, config):
    key, pin = booked["reservation_key"], booked["pin"]
    for _ in range(config.appointments.wrong_pins_before_lock):
        assert lookup(client, key, wrong_pin(pin)).status_code == 404
    locked = lookup(client, key, pin)
    assert locked.status_code == 429
    assert locked.json["error"]["code"] == "key_locked"
    assert "30" in locked.json["error"]["message"]
    cancel = client.post("/api/v1/appointments/cancel", json={"reservation_key": key, "pin": pin})
    assert cancel.status_code == 429
    clock.advance(minutes=config.appointments.lock_minutes)
    assert lookup(client, key, pin).status_code == 200
    # a right PIN clears the count: four more wrong ones do not lock
    for _ in range(config.appointments.wrong_pins_before_lock - 1):
        lookup(client, key, wrong_pin(pin))
    assert lookup(client, key, pin).status_code == 200


def test_a_wrong_pin_says_how_many_tries_are_left_and_the_lock_when_it_ends(
    client, booked, clock, config
):
    key, pin = booked["reservation_key"], booked["pin"]
    rules = config.appointments
    wrong = [lookup(client, key, wrong_pin(pin)).json["error"] for _ in range(5)]
    assert rules.wrong_pins_before_lock == 5  # the demo's setting, which the texts below name
    assert [error["params"]["tries_left"] for error in wrong] == [4, 3, 2, 1, 0]
    assert wrong[0]["message"].endswith(
        "Please check them. You have 4 tries left before the reservation key is locked."
    )
    assert wrong[3]["message"].endswith("You have 1 try left before the reservation key is locked.")
    assert all("locked_until" not in error["params"] for error in wrong[:4])
    lock_ends = utc_text(clock.now() + timedelta(minutes=rules.lock_minutes))
    assert wrong[4]["params"]["locked_until"] == lock_ends
    assert wrong[4]["message"].endswith("The reservation key is now locked for 30 minutes.")
    clock.advance(minutes=10)
    right = lookup(client, key, pin).json["error"]
    assert right["code"] == "key_locked"
    assert right["params"]["locked_until"] == lock_ends
    assert "tries_left" not in right["params"]
    assert "20 minutes" in right["message"]


@pytest.mark.parametrize(
    ("language", "tries_left", "locked"),
    [
        ("fi", "Sinulla on 4 yritystä jäljellä", "Varaustunnus on nyt lukittu 30 minuutiksi."),
        ("sv", "Du har 4 försök kvar", "Bokningsnumret är nu spärrat i 30 minuter."),
    ],
)
def test_the_tries_left_are_said_in_each_language(client, booked, language, tries_left, locked):
    key, pin = booked["reservation_key"], wrong_pin(booked["pin"])
    messages = [
        lookup(client, key, pin, language=language).json["error"]["message"] for _ in range(5)
    ]
    assert tries_left in messages[0]
    assert messages[-1].endswith(locked)


def test_the_pdf_form_says_the_tries_left_too(client, booked):
    page = client.get("/booking/manage?lang=en")
    token = re.search(rb'name="csrf_token" value="([^"]+)"', page.data).group(1).decode()
    wrong = client.post(
        "/booking/confirmation.pdf?lang=en",
        data={
            "reservation_key": booked["reservation_key"],
            "pin": wrong_pin(booked["pin"]),
            "csrf_token": token,
        },
    )
    assert wrong.status_code == 404
    assert b"You have 4 tries left before the reservation key is locked." in wrong.data


def test_unknown_keys_lock_the_same_way(client, config):
    """Else a locked answer would tell which keys exist."""
    key = new_reservation_key()
    answers = [lookup(client, key, "123456").status_code for _ in range(6)]
    assert answers == [404] * 5 + [429]


def test_key_and_pin_tries_are_rate_limited_per_client(client, booked, clock, config):
    limit = config.appointments.pin_attempts_per_client_per_hour
    for _ in range(limit):
        assert lookup(client, new_reservation_key(), "123456").status_code == 404
    refused = lookup(client, booked["reservation_key"], booked["pin"])
    assert refused.status_code == 429
    assert refused.json["error"]["code"] == "too_many_requests"
    assert lookup(client, booked["reservation_key"], booked["pin"], "10.0.0.2").status_code == 200
    clock.advance(hours=1)
    assert lookup(client, booked["reservation_key"], booked["pin"]).status_code == 200


def test_bookings_are_rate_limited_per_client(client, config):
    slots = client.get(
        "/api/v1/free-slots",
        query_string={"service_point": "helsinki", "category": "travel_document", "days": 2},
    ).json["slots"]
    limit = config.appointments.bookings_per_client_per_hour
    answers = [
        client.post(
            "/api/v1/holds",
            json={
                "service_point": "helsinki",
                "starts_at": slot["starts_at"],
                "category": "travel_document",
            },
            environ_base={"REMOTE_ADDR": "10.0.0.9"},
        ).status_code
        for slot in slots[: limit + 1]
    ]
    assert answers == [201] * limit + [429]


def test_the_pin_is_never_stored_or_logged_in_clear(app, client, db, caplog):
    caplog.set_level(logging.DEBUG)
    logging.getLogger("werkzeug").setLevel(logging.DEBUG)
    held = hold_first_time(client)
    answer = client.post(
        "/api/v1/appointments", json={"hold_token": held.json["hold_token"], "phone": "0401234567"}
    ).json
    pin, key = answer["pin"], answer["reservation_key"]
    credentials = {"reservation_key": key, "pin": pin}
    client.post("/api/v1/appointments/lookup", json=credentials)
    client.post("/api/v1/appointments/lookup", json={**credentials, "pin": wrong_pin(pin)})
    client.post("/api/v1/appointments/cancel", json=credentials)
    stored_hash = db.execute("SELECT pin_hash FROM appointments").fetchone()[0]
    assert stored_hash.startswith(PIN_HASH_METHOD + "$")  # salted: method$salt$hash
    for (table,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall():
        for row in db.execute(f"SELECT * FROM {table}").fetchall():
            assert pin not in " ".join(str(value) for value in row), f"PIN in clear in {table}"
    assert caplog.records, "the test must see the log"
    assert pin not in caplog.text
    assert all(pin not in str(record.args) for record in caplog.records)


def test_a_pin_hashed_with_the_earlier_method_still_matches():
    """PINs of appointments booked before the method changed (werkzeug's default scrypt)."""
    earlier = generate_password_hash("024680", method="scrypt:32768:8:1")
    assert pin_matches(earlier, "024680")
    assert not pin_matches(earlier, "024681")
    assert pin_matches(hash_pin("135790"), "135790")
    assert hash_pin("135790") != hash_pin("135790")  # a salt of its own each time


def test_the_confirmation_pdf_needs_the_form_token(client, booked):
    fields = {"reservation_key": booked["reservation_key"], "pin": booked["pin"]}
    without = client.post("/booking/confirmation.pdf?lang=en", data=fields)
    assert without.status_code == 400
    assert b"reload the page" in without.data
    page = client.get("/booking?lang=en")
    token = re.search(rb'name="csrf_token" value="([^"]+)"', page.data).group(1).decode()
    forged = client.post("/booking/confirmation.pdf", data={**fields, "csrf_token": "x" + token})
    assert forged.status_code == 400
    good = client.post("/booking/confirmation.pdf?lang=en", data={**fields, "csrf_token": token})
    assert good.status_code == 200
    assert good.mimetype == "application/pdf"
    assert good.data.startswith(b"%PDF")
    wrong = client.post(
        "/booking/confirmation.pdf?lang=en",
        data={**fields, "pin": wrong_pin(booked["pin"]), "csrf_token": token},
    )
    assert wrong.status_code == 404
    assert b"PIN" in wrong.data
