"""Paired kiosks: only a paired kiosk of the service point (or its kiosk network) may act as one."""

from __future__ import annotations

import dataclasses
import ipaddress
from datetime import timedelta

import pytest

from shared.accounts.kiosks import add_kiosk, list_kiosks, revoke_kiosk
from shared.app import create_app
from shared.queue.tickets import get_ticket
from tests.conftest import count_rows
from tests.kiosk.test_api import URGENT_ANSWERS, ticket_body
from tests.notification_helpers import with_notifications

CHECK_IN_BODY = {"reservation_key": "ACEF-HJKM", "language": "en"}


def kiosk_operations(ticket_id: int, token: str) -> list[tuple[str, str, dict | None]]:
    """Every kiosk operation of Helsinki as (method, path, body)."""
    point = "/api/v1/service-points/helsinki"
    return [
        ("post", f"{point}/triage", URGENT_ANSWERS),
        ("post", f"{point}/tickets", ticket_body(key="stranger-visit-0001")),
        ("post", f"{point}/check-ins", CHECK_IN_BODY),
        ("post", f"{point}/offered-appointments", {"offer_token": "x", "language": "en"}),
        ("get", f"/api/v1/tickets/{ticket_id}/print-status?token={token}", None),
        ("put", f"/api/v1/tickets/{ticket_id}/turn-near-phone", {"token": token, "phone": None}),
    ]


def call(test_client, method: str, path: str, body):
    """Send one request as JSON (or without a body), asking for English messages."""
    path += ("&" if "?" in path else "?") + "lang=en"
    return getattr(test_client, method)(path, json=body) if body else test_client.get(path)


@pytest.fixture
def config(config):
    """With an SMS gateway set, so the turn-near phone is a kiosk operation in use (removing a
    number sends nothing, so nothing needs to listen there)."""
    return with_notifications(config, sms_gateway_url="http://127.0.0.1:9/sms")


@pytest.fixture
def issued(client):
    """A waiting number issued by the paired Helsinki kiosk."""
    response = client.post("/api/v1/service-points/helsinki/tickets", json=ticket_body())
    assert response.status_code == 201, response.json
    return response.json


def test_every_kiosk_operation_needs_a_paired_kiosk_and_a_stranger_writes_nothing(
    anonymous_client, issued, db
):
    before = count_rows(db)
    for method, path, body in kiosk_operations(issued["id"], issued["status_token"]):
        response = call(anonymous_client, method, path, body)
        assert response.status_code == 401, (path, response.json)
        assert response.json["error"]["code"] == "kiosk_not_paired", path
        assert "pair" in response.json["error"]["message"]
    assert count_rows(db) == before


def test_a_kiosk_of_another_service_point_is_refused(pair_kiosk, issued, db):
    tampere = pair_kiosk("tampere")
    before = count_rows(db)
    for method, path, body in kiosk_operations(issued["id"], issued["status_token"]):
        response = call(tampere, method, path, body)
        if "/service-points/" in path:
            assert response.status_code == 403, (path, response.json)
            assert response.json["error"]["code"] == "kiosk_of_another_point"
        else:  # a ticket of another point is not this kiosk's to know about
            assert response.status_code == 404, (path, response.json)
            assert response.json["error"]["code"] == "unknown_ticket"
    assert count_rows(db) == before


def test_the_right_kiosk_may_do_every_operation(client, issued):
    answers = {
        method + path: call(client, method, path, body).status_code
        for method, path, body in kiosk_operations(issued["id"], issued["status_token"])
    }
    assert list(answers.values()) == [
        200,  # triage
        201,  # a new number
        404,  # check-in: no such reservation key (but the kiosk was let in)
        409,  # offered appointment: "x" is not a genuine offer token
        200,  # print status
        200,  # turn-near phone (removed)
    ]


def test_pairing_is_a_page_and_a_post_and_the_code_works_once(app, db, config, clock):
    browser = app.test_client()
    pairing = add_kiosk(db, config, "helsinki", "Lobby 2", clock.now())
    page = browser.get(f"/kiosk/pair/{pairing.code}")
    assert page.status_code == 200
    assert "Lobby 2" in page.get_data(as_text=True)
    assert browser.get("/kiosk/helsinki").status_code == 403  # showing the page paired nothing
    paired = browser.post(f"/kiosk/pair/{pairing.code}")
    assert paired.status_code == 302
    assert paired.headers["Location"].endswith("/kiosk/helsinki")
    cookie = paired.headers["Set-Cookie"]
    assert cookie.startswith("jono_kiosk=")
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Secure" not in cookie
    assert browser.get("/kiosk/helsinki").status_code == 200
    again = app.test_client().post(f"/kiosk/pair/{pairing.code}")
    assert again.status_code == 404
    assert "not valid" in again.get_data(as_text=True)
    assert db.execute("SELECT pairing_code_hash FROM kiosks").fetchone()[0] is None


def test_a_pairing_code_expires_after_a_day(app, db, config, clock):
    pairing = add_kiosk(db, config, "helsinki", "Lobby 3", clock.now())
    clock.advance(hours=24, seconds=1)
    assert app.test_client().post(f"/kiosk/pair/{pairing.code}").status_code == 404
    assert [kiosk.state(clock.now()) for kiosk in list_kiosks(db)] == ["expired"]


def test_the_device_cookie_is_secure_on_an_https_site(db, config, clock):
    https = dataclasses.replace(config, public_base_url="https://jono.example.fi")
    app = create_app(https, clock=clock, testing=True)
    try:
        pairing = add_kiosk(db, https, "helsinki", "Lobby 4", clock.now())
        response = app.test_client().post(f"/kiosk/pair/{pairing.code}")
        assert "Secure" in response.headers["Set-Cookie"]
    finally:
        app.extensions["jono"].connections.close_all()


def test_a_revoked_kiosk_is_refused_at_once(client, db, clock):
    assert client.get("/kiosk/helsinki").status_code == 200
    (kiosk,) = list_kiosks(db)
    revoke_kiosk(db, kiosk.id, clock.now())
    response = client.post("/api/v1/service-points/helsinki/tickets", json=ticket_body())
    assert (response.status_code, response.json["error"]["code"]) == (401, "kiosk_not_paired")
    assert client.get("/kiosk/helsinki").status_code == 403


def test_a_forged_device_cookie_is_refused(anonymous_client, client, db):
    (kiosk,) = list_kiosks(db)
    for forged in (f"{kiosk.id}.guessed-token", f"{kiosk.id}.", "1", "x.y", ""):
        anonymous_client.set_cookie("jono_kiosk", forged)
        response = anonymous_client.post(
            "/api/v1/service-points/helsinki/tickets", json=ticket_body()
        )
        assert response.status_code == 401, forged


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_an_unpaired_screen_says_so_in_three_languages_and_how_to_pair(anonymous_client, language):
    page = anonymous_client.get(f"/kiosk/helsinki?lang={language}")
    assert page.status_code == 403
    text = page.get_data(as_text=True)
    assert "Tätä näyttöä ei ole liitetty" in text
    assert "Skärmen är inte kopplad" in text
    assert "This screen is not paired" in text
    assert "jono kiosks add helsinki" in text
    assert 'id="screen-matter"' not in text  # none of the kiosk itself


def test_a_kiosk_network_admits_its_addresses_without_pairing(app, config, anonymous_client):
    point = config.service_point("helsinki")
    networked = dataclasses.replace(point, kiosk_networks=(ipaddress.ip_network("10.1.2.0/24"),))
    app.extensions["jono"].config = dataclasses.replace(
        config,
        service_points=tuple(networked if p.id == "helsinki" else p for p in config.service_points),
    )
    path = "/api/v1/service-points/helsinki/tickets"
    inside = {"REMOTE_ADDR": "10.1.2.7"}
    response = anonymous_client.post(path, json=ticket_body(), environ_base=inside)
    assert response.status_code == 201, response.json
    outside = anonymous_client.post(
        path, json=ticket_body(key="kiosk-2-visit-0001"), environ_base={"REMOTE_ADDR": "10.1.3.7"}
    )
    assert outside.status_code == 401
    tampere = anonymous_client.post(
        "/api/v1/service-points/tampere/tickets", json=ticket_body(), environ_base=inside
    )
    assert tampere.status_code == 401  # Tampere admits no network
    assert anonymous_client.get("/kiosk/helsinki", environ_base=inside).status_code == 200


def test_a_kiosk_network_must_be_written_as_a_network(tmp_path):
    from shared.config import ConfigError, load_config
    from tests.conftest import PROJECT_ROOT

    text = (PROJECT_ROOT / "config.toml").read_text()
    bad = text.replace(
        'timezone = "Europe/Helsinki"',
        'timezone = "Europe/Helsinki"\nkiosk_networks = ["10.1.2.7/24"]',
        1,
    )
    path = tmp_path / "config.toml"
    path.write_text(bad)
    with pytest.raises(ConfigError, match=r"service_points\[0\]\.kiosk_networks\[0\]"):
        load_config(path)


def test_a_replayed_ticket_answer_never_crosses_kiosks(client, pair_kiosk, issued, db):
    other = pair_kiosk("helsinki", name="Lobby 2")
    replay = other.post("/api/v1/service-points/helsinki/tickets", json=ticket_body())
    assert replay.status_code == 201  # a new number of its own, not the first kiosk's
    assert replay.json["id"] != issued["id"]
    assert replay.json["status_token"] != issued["status_token"]
    assert get_ticket(db, issued["id"]).status_token == issued["status_token"]
    same = client.post("/api/v1/service-points/helsinki/tickets", json=ticket_body())
    assert (same.status_code, same.json["id"]) == (200, issued["id"])  # the true double tap


def test_kiosk_pairing_codes_are_stored_only_hashed(db, config, clock):
    pairing = add_kiosk(db, config, "helsinki", "Lobby 5", clock.now())
    dump = "\n".join(db.conn.iterdump())
    assert pairing.code not in dump
    assert clock.now() + timedelta(hours=24) == pairing.kiosk.pairing_expires_at
