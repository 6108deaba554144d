"""What the counter screen reads beside the snapshot: the counters to choose from (their queues
and who holds them), the kiosk language of each waiting number, and served appointments."""

from __future__ import annotations

import re

import pytest

from shared.appointments.reservation_keys import format_reservation_key
from tests.appointment_helpers import local
from tests.queue.test_check_in import book, check_in

COUNTERS = "/api/v1/service-points/{point}/counters"
WAITING = "/api/v1/counter/waiting"


def test_the_counters_say_what_each_calls_and_who_holds_it(make_clerk):
    anna = make_clerk("anna", counter=2)
    make_clerk("ben", counter=5)
    response = anna.get(COUNTERS.format(point="helsinki"))
    assert response.status_code == 200, response.json
    assert response.json["service_point"] == "helsinki"
    seats = {seat["number"]: seat for seat in response.json["counters"]}
    assert list(seats) == [1, 2, 3, 4, 5, 6]
    assert seats[2] == {
        "number": 2,
        "queues": ["urgent", "booking_help"],
        "clerk": "anna",
        "is_mine": True,
    }
    assert seats[5] == {
        "number": 5,
        "queues": ["appointment", "booking_help"],
        "clerk": "ben",
        "is_mine": False,
    }
    assert (seats[1]["clerk"], seats[1]["is_mine"]) == (None, False)


def test_a_clerk_not_yet_seated_sees_the_counters_of_their_points(make_clerk, app, db, clock):
    from shared.accounts.users import add_user
    from tests.conftest import log_in

    make_clerk("anna", service_point="tampere", counter=3)
    add_user(db, "noora", "x" * 12, "clerk", clock.now(), ("tampere",))
    noora = app.test_client()
    assert log_in(noora, "noora", "x" * 12).status_code == 200
    tampere = noora.get(COUNTERS.format(point="tampere"))
    assert [(seat["number"], seat["clerk"]) for seat in tampere.json["counters"]] == [
        (1, None),
        (2, None),
        (3, "anna"),
    ]
    refused = noora.get(COUNTERS.format(point="helsinki"))
    assert refused.status_code == 403
    assert refused.json["error"]["code"] == "service_point_not_allowed"


def test_the_counters_need_a_login(client):
    response = client.get(COUNTERS.format(point="helsinki"))
    assert response.status_code == 401
    assert response.json["error"]["code"] == "login_required"


def test_the_waiting_list_has_each_numbers_kiosk_language(make_clerk, issue, clock):
    first = issue(language="sv", now=local(9, 40)).ticket
    second = issue(queue="booking_help", language="fi", party_size=3, now=local(9, 45)).ticket
    issue(service_point="tampere", language="en", now=local(9, 46))  # another point's
    called = issue(language="en", now=local(9, 30)).ticket
    clerk = make_clerk(counter=1)
    assert clerk.post(f"/api/v1/tickets/{called.id}/call").status_code == 200  # no longer waits
    response = clerk.get(WAITING)
    assert response.status_code == 200, response.json
    assert response.json["now"] == "2026-11-30T08:00:00.000000+00:00"  # the server's clock
    assert response.json["tickets"] == [
        {
            "id": first.id,
            "number": first.number,
            "queue": "urgent",
            "party_size": 1,
            "language": "sv",
            "queued_at": "2026-11-30T07:40:00.000000+00:00",
        },
        {
            "id": second.id,
            "number": second.number,
            "queue": "booking_help",
            "party_size": 3,
            "language": "fi",
            "queued_at": "2026-11-30T07:45:00.000000+00:00",
        },
    ]


def test_the_waiting_list_needs_a_seated_clerk(client, logged_in_clerk):
    assert client.get(WAITING).status_code == 401
    response = logged_in_clerk.get(WAITING)
    assert response.status_code == 409
    assert response.json["error"]["code"] == "no_counter"


@pytest.fixture
def logged_in_clerk(app, db, clock):
    """A clerk who logged in but chose no counter."""
    from shared.accounts.users import add_user
    from tests.conftest import CLERK_PASSWORD, log_in

    add_user(db, "noora", CLERK_PASSWORD, "clerk", clock.now())
    clerk = app.test_client()
    assert log_in(clerk, "noora").status_code == 200
    return clerk


def test_a_finished_check_in_shows_as_served_in_the_days_appointments(
    make_clerk, client, db, config, clock
):
    """Checked in at the kiosk, called and finished at counter 3: the list says served, and
    when; an appointment nobody finished stays checked in."""
    served = book(db, config, local(10, 15)).appointment
    waiting = book(db, config, local(10, 30)).appointment
    clock.set(local(10, 0))
    for appointment in (served, waiting):
        answer = check_in(client, format_reservation_key(appointment.reservation_key))
        assert answer.status_code == 201, answer.json
    clerk = make_clerk(counter=3)
    clock.set(local(10, 16))
    called = clerk.post("/api/v1/counter/call-next").json
    clock.set(local(10, 42))
    finished = clerk.post(f"/api/v1/tickets/{called['id']}/finish")
    assert finished.status_code == 200, finished.json
    listed = {
        row["id"]: row for row in clerk.get("/api/v1/counter/appointments").json["appointments"]
    }
    assert (listed[served.id]["status"], listed[served.id]["served_at"]) == ("served", "10:42")
    assert listed[served.id]["ticket_number"] == called["number"]
    assert (listed[waiting.id]["status"], listed[waiting.id]["served_at"]) == ("checked_in", None)


@pytest.mark.parametrize(
    ("language", "point_name", "served", "date_format"),
    [
        (
            "fi",
            "Helsinki, Malmi",
            "Palveltu",
            "{weekday} {day}.{month}.{year} klo {hours}.{minutes}",
        ),
        (
            "sv",
            "Helsingfors, Malm",
            "Betjänad",
            "{weekday} {day}.{month}.{year} kl. {hours}.{minutes}",
        ),
        (
            "en",
            "Helsinki, Malmi",
            "Served",
            "{weekday} {day} {month_name} {year}, {hours}:{minutes}",
        ),
    ],
)
def test_the_counter_page_speaks_its_own_language(app, language, point_name, served, date_format):
    """The page's texts: the service points' names, the date format and the served state in
    the page's language, and each counter's queues for the summaries."""
    import json

    page = app.test_client()
    page.get(f"/counter?lang={language}")
    html = page.get("/counter").get_data(as_text=True)
    texts = {
        name: json.loads(
            re.search(rf'<script type="application/json" id="{name}">(.*?)</script>', html, re.S)[1]
        )
        for name in ("counter-text", "appointments-text")
    }
    appointments = texts["appointments-text"]
    assert appointments["service_point_names"]["helsinki"] == point_name
    assert appointments["starts_at"] == date_format
    assert appointments["statuses"]["served"] == served
    assert texts["counter-text"]["counters"]["helsinki"]["5"] == ["appointment", "booking_help"]
    assert set(texts["counter-text"]["language_names"]) == {"fi", "sv", "en"}
