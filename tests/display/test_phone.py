"""The phone status page and its public per-ticket status API, found by the slip's token."""

from __future__ import annotations

import json
import re

import pytest

from shared.web.lost_appointments import sweeper_of
from tests.conftest import count_rows

URGENT_BODY = {
    "answers": {
        "matter": "residence_permit",
        "expiry_year": 2027,
        "expiry_month": 1,
        "found_appointment": False,
    },
}


@pytest.fixture
def issue_number(client):
    """Issue urgent numbers through the kiosk API; return their JSON."""
    count = [0]

    def issue(service_point="helsinki"):
        count[0] += 1
        response = client.post(
            f"/api/v1/service-points/{service_point}/tickets",
            json={**URGENT_BODY, "idempotency_key": f"phone-test-{count[0]:04d}"},
        )
        assert response.status_code == 201, response.json
        return response.json

    return issue


def test_status_shows_place_in_queue_and_nothing_personal(client, issue_number):
    issue_number()
    issue_number()
    third = issue_number()
    response = client.get(f"/api/v1/ticket-status/{third['status_token']}")
    assert response.status_code == 200
    assert response.json == {
        "number": "A003",
        "queue": "urgent",
        "status": "waiting",
        "people_ahead": 2,
        "estimated_wait_minutes": response.json["estimated_wait_minutes"],
        "counter": None,
    }
    assert response.json["estimated_wait_minutes"] > 0


def test_status_follows_the_call_to_the_counter(client, issue_number, make_clerk):
    ticket = issue_number()
    clerk = make_clerk(counter=4)
    assert clerk.post("/api/v1/counter/call-next").status_code == 200
    status = client.get(f"/api/v1/ticket-status/{ticket['status_token']}").json
    assert (status["status"], status["counter"], status["people_ahead"]) == ("called", 4, 0)


def test_token_expires_at_the_end_of_the_tickets_day(app, client, issue_number, clock):
    ticket = issue_number()
    clock.advance(hours=13, minutes=59)  # 23:59 in Helsinki: still the same day
    with app.app_context():  # the point closed at 16:15: its waiting numbers expired
        sweeper_of(app).sweep_and_publish()
    same_day = client.get(f"/api/v1/ticket-status/{ticket['status_token']}")
    assert (same_day.status_code, same_day.json["status"]) == (200, "expired")
    clock.advance(minutes=2)
    response = client.get(f"/api/v1/ticket-status/{ticket['status_token']}?lang=fi")
    assert response.status_code == 404
    assert response.json["error"]["code"] == "unknown_ticket"
    assert response.json["error"]["message"] != "That waiting number was not found."


@pytest.mark.parametrize("token", ["nope", "x" * 200, "A001", "a" * 22, "%27%20OR%201%3D1"])
def test_unknown_tokens_are_404(client, db, issue_number, token):
    issue_number()
    before = count_rows(db)
    response = client.get(f"/api/v1/ticket-status/{token}")
    assert response.status_code == 404
    assert response.json["error"]["code"] == "unknown_ticket"
    assert count_rows(db) == before


@pytest.mark.parametrize(
    ("language", "heading"),
    [("fi", "Vuoronumerosi"), ("sv", "Ditt könummer"), ("en", "Your waiting number")],
)
def test_phone_page_in_each_language(client, issue_number, language, heading):
    ticket = issue_number()
    response = client.get(f"/t/{ticket['status_token']}?lang={language}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert f'<html lang="{language}">' in page
    assert heading in page and ticket["number"] in page
    assert 'data-service-point="helsinki"' in page


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_phone_page_for_an_unknown_token_is_a_translated_404(client, language):
    response = client.get(f"/t/not-a-real-token-at-all?lang={language}")
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert f'<html lang="{language}">' in page
    assert "Jono" in page


def test_phone_page_of_yesterdays_ticket_is_404(app, client, issue_number, clock):
    ticket = issue_number()
    clock.advance(days=1)
    with app.app_context():  # the day ended at closing: its waiting numbers expired
        sweeper_of(app).sweep_and_publish()
    assert client.get(f"/t/{ticket['status_token']}").status_code == 404


def phone_data(page: str) -> dict:
    """The JSON the phone page hands its script."""
    match = re.search(r'<script type="application/json" id="phone-data">(.*?)</script>', page, re.S)
    return json.loads(match.group(1))


def test_phone_page_knows_whether_a_counter_of_its_queue_is_open(client, issue_number, make_clerk):
    """No counter open: the page says the wait cannot be estimated yet, not "0 min"."""
    token = issue_number()["status_token"]
    data = phone_data(client.get(f"/t/{token}?lang=en").get_data(as_text=True))
    assert data["open_counters"] == []
    assert data["text"]["no_estimate"] == "Cannot be estimated yet: no counter is open"
    assert 1 in data["queue_counters"]["urgent"]
    make_clerk(counter=1)
    assert phone_data(client.get(f"/t/{token}").get_data(as_text=True))["open_counters"] == [1]


def test_a_finished_visit_offers_nothing_to_follow(client, issue_number, make_clerk):
    """After the visit: no "Turn on sound", no "Keep this page open" (hidden from the start)."""
    ticket = issue_number()
    clerk = make_clerk(counter=1)
    called = clerk.post("/api/v1/counter/call-next").json
    assert clerk.post(f"/api/v1/tickets/{called['id']}/finish").status_code == 200
    page = client.get(f"/t/{ticket['status_token']}?lang=en").get_data(as_text=True)
    assert '<div class="phone-follow" id="follow" hidden>' in page
