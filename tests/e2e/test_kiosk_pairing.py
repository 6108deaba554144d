"""Against a live `jono serve`: only a paired kiosk of the service point may act as its kiosk,
and no idempotency key can reach another kiosk's ticket or block a check-in."""

from __future__ import annotations

import requests

from tests.e2e.conftest import urgent_ticket_body

HELSINKI = "/api/v1/service-points/helsinki"


def kiosk_requests(ticket: dict) -> list[tuple[str, str, dict | None]]:
    """Every kiosk operation of Helsinki as (method, path, JSON body)."""
    ticket_path = f"/api/v1/tickets/{ticket['id']}"
    return [
        ("post", f"{HELSINKI}/triage", urgent_ticket_body()["answers"]),
        ("post", f"{HELSINKI}/tickets", urgent_ticket_body()),
        ("post", f"{HELSINKI}/check-ins", {"reservation_key": "ACEF-HJKM", "language": "en"}),
        ("post", f"{HELSINKI}/offered-appointments", {"offer_token": "x", "language": "en"}),
        ("get", f"{ticket_path}/print-status?token={ticket['status_token']}", None),
        ("put", f"{ticket_path}/turn-near-phone", {"token": ticket["status_token"]}),
        ("get", "/api/v1/speech/kiosk/matter?language=en", None),
    ]


def send(session: requests.Session, base: str, method: str, path: str, body) -> requests.Response:
    """One request as JSON, English messages."""
    return session.request(method, f"{base}{path}", json=body, params={"lang": "en"}, timeout=30)


def test_strangers_and_other_points_kiosks_are_refused_and_the_paired_kiosk_is_let_in(
    jono_server, http, kiosk_session
):
    base = jono_server.url
    issued = http.post(f"{base}{HELSINKI}/tickets", json=urgent_ticket_body(), timeout=10)
    assert issued.status_code == 201, issued.text
    ticket = issued.json()
    tampere = kiosk_session("tampere")
    with requests.Session() as stranger:
        for method, path, body in kiosk_requests(ticket):
            refused = send(stranger, base, method, path, body)
            assert refused.status_code == 401, (path, refused.text)
            assert refused.json()["error"]["code"] == "kiosk_not_paired"
            elsewhere = send(tampere, base, method, path, body)
            if path.startswith(HELSINKI):
                assert elsewhere.status_code == 403, (path, elsewhere.text)
            elif "/speech/" in path:  # the screens' own texts are every kiosk's to hear
                assert elsewhere.status_code == 200, (path, elsewhere.text)
            else:  # another point's ticket: unknown to it (or SMS not in use at all)
                assert elsewhere.status_code in (404, 409), (path, elsewhere.text)
                assert ticket["status_token"] not in elsewhere.text
            allowed = send(http, base, method, path, body)
            assert allowed.status_code not in (401, 403), (path, allowed.text)
    page = requests.get(f"{base}/kiosk/helsinki", timeout=10)
    assert page.status_code == 403 and "jono kiosks add helsinki" in page.text
    assert http.get(f"{base}/kiosk/helsinki", timeout=10).status_code == 200


def test_a_key_replayed_at_another_kiosk_gets_nothing_of_the_first(jono_server, http):
    base = jono_server.url
    body = urgent_ticket_body(idempotency_key="lobby-visit-000001")
    first = http.post(f"{base}{HELSINKI}/tickets", json=body, timeout=10).json()
    with requests.Session() as other:
        jono_server.pair(other, "helsinki")
        replay = other.post(f"{base}{HELSINKI}/tickets", json=body, timeout=10)
    assert replay.status_code == 201
    assert replay.json()["id"] != first["id"]
    assert replay.json()["status_token"] != first["status_token"]
    again = http.post(f"{base}{HELSINKI}/tickets", json=body, timeout=10)
    assert (again.status_code, again.json()["id"]) == (200, first["id"])
