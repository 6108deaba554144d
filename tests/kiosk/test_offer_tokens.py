"""An offered appointment is taken only with the signed offer triageVisit made: at the kiosk it
was made for, within ten minutes, once, and at the kiosk's pace."""

from __future__ import annotations

import dataclasses
import threading

import pytest

from shared.app import create_app
from tests.conftest import pair_as_kiosk

URGENT = {
    "matter": "residence_permit",
    "expiry_year": 2026,
    "expiry_month": 12,
    "found_appointment": False,
    "party_size": 1,
}
TRIAGE = "/api/v1/service-points/helsinki/triage"
TAKE = "/api/v1/service-points/helsinki/offered-appointments"


def offer_token(kiosk) -> str:
    """Triage an urgent walk-in at the kiosk; the token of the appointment it is offered."""
    response = kiosk.post(TRIAGE, json=URGENT)
    assert response.status_code == 200, response.json
    return response.json["appointment_offer"]["offer_token"]


def appointments(db) -> int:
    """How many appointments exist."""
    return db.execute("SELECT COUNT(*) FROM appointments").fetchone()[0]


def take(kiosk, token: str):
    """Try to book the offer."""
    return kiosk.post(TAKE, json={"offer_token": token, "language": "en"})


def test_an_offer_is_taken_once(client, db):
    token = offer_token(client)
    assert take(client, token).status_code == 201
    again = take(client, token)
    assert (again.status_code, again.json["error"]["code"]) == (409, "offer_taken")
    assert appointments(db) == 1


def test_an_offer_made_at_another_kiosk_or_point_is_refused(client, pair_kiosk, db):
    token = offer_token(client)
    other = take(pair_kiosk("helsinki", name="Lobby 2"), token)
    assert (other.status_code, other.json["error"]["code"]) == (409, "offer_invalid")
    assert appointments(db) == 0
    assert take(client, token).status_code == 201  # still the first kiosk's to take


@pytest.mark.parametrize(
    "forge",
    [
        lambda token: token[:-2] + ("AA" if not token.endswith("AA") else "BB"),  # signature
        lambda token: "eyJzdGFydHNfYXQiOiIyMDI2LTEyLTAxIn0.aaaa.bbbb",  # made up
        lambda token: "",
    ],
)
def test_a_forged_offer_books_nothing(client, db, forge):
    response = take(client, forge(offer_token(client)))
    assert response.status_code in (400, 409)
    assert appointments(db) == 0


def test_an_offer_expires_after_ten_minutes(client, clock, db):
    token = offer_token(client)
    clock.advance(minutes=10, seconds=1)
    response = take(client, token)
    assert (response.status_code, response.json["error"]["code"]) == (409, "offer_expired")
    assert appointments(db) == 0


def test_the_same_offer_tapped_at_once_books_one_appointment(client, db):
    token = offer_token(client)
    cookie = client.get_cookie("jono_kiosk").value
    statuses, barrier = [], threading.Barrier(12)

    def tap():
        browser = client.application.test_client()
        browser.set_cookie("jono_kiosk", cookie)
        barrier.wait(timeout=10)
        statuses.append(take(browser, token).status_code)

    threads = [threading.Thread(target=tap) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [201] + [409] * 11
    assert appointments(db) == 1


def test_one_kiosk_cannot_book_every_free_time_in_a_loop(db, config, clock):
    """The loop of the issue (triage, take, repeat) booked all 84 free times; now the kiosk's
    pace stops it after its burst."""
    paced = dataclasses.replace(
        config, rules=dataclasses.replace(config.rules, kiosk_ticket_burst=6)
    )
    app = create_app(paced, clock=clock, testing=True)
    try:
        kiosk = pair_as_kiosk(app.test_client(), db, paced, clock.now())
        statuses = [take(kiosk, offer_token(kiosk)).status_code for _ in range(20)]
    finally:
        app.extensions["jono"].connections.close_all()
    assert statuses == [201] * 6 + [429] * 14
    assert appointments(db) == 6
