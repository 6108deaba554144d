"""The people and devices operations do what they say: one-time passwords that log in, sessions
and counters ended on disable and reset, kiosks paired, renamed and revoked, the CSRF guard on
every change, and two managers at once leave the accounts consistent."""

from __future__ import annotations

import threading
from urllib.parse import urlparse

import pytest

from shared.accounts.users import add_user, authenticate, get_user
from shared.queue.counters import counter_of
from tests.conftest import CLERK_PASSWORD, log_in
from tests.kiosk.test_api import ticket_body

ACCOUNTS = "/api/v1/service-points/tampere/accounts"
KIOSKS = "/api/v1/service-points/tampere/kiosks"


@pytest.fixture
def manager(app, db, clock):
    """A logged-in manager of Tampere."""
    add_user(db, "tuula", CLERK_PASSWORD, "manager", clock.now(), ["tampere"])
    test_client = app.test_client()
    assert log_in(test_client, "tuula").status_code == 200
    return test_client


def test_a_new_clerk_gets_a_one_time_password_that_logs_in(manager, app, db):
    response = manager.post(ACCOUNTS, json={"username": "uusi"})
    assert response.status_code == 201
    answer = response.json
    assert answer["account"] == {
        "username": "uusi",
        "role": "clerk",
        "service_points": ["tampere"],
        "works_elsewhere": False,
        "every_point": False,
        "disabled": False,
        "may_change": True,
    }
    password = answer["one_time_password"]
    assert len(password) >= 12
    assert password not in str(db.execute("SELECT * FROM users").fetchall())  # only its hash
    assert log_in(app.test_client(), "uusi", password).status_code == 200
    listed = manager.get(ACCOUNTS).json
    assert "uusi" in [account["username"] for account in listed["accounts"]]
    assert listed["roles"] == ["clerk"]


def test_a_given_password_is_used_and_not_echoed(manager, db):
    response = manager.post(ACCOUNTS, json={"username": "oma", "password": "my-own-password"})
    assert response.status_code == 201 and response.json["one_time_password"] is None
    assert authenticate(db, "oma", "my-own-password") is not None
    short = manager.post(ACCOUNTS, json={"username": "lyhyt", "password": "short"})
    assert short.status_code == 400 and get_user(db, "lyhyt") is None


def test_a_taken_name_is_refused(manager):
    assert manager.post(ACCOUNTS, json={"username": "uusi"}).status_code == 201
    response = manager.post(ACCOUNTS, json={"username": "uusi"})
    assert (response.status_code, response.json["error"]["code"]) == (409, "username_taken")


def test_disabling_ends_the_session_and_frees_the_counter(manager, make_clerk, db):
    clerk = make_clerk("taina", "tampere", 2, ("tampere",))
    response = manager.post(f"{ACCOUNTS}/taina/disable")
    assert response.status_code == 200 and response.json["account"]["disabled"] is True
    assert clerk.get("/api/v1/counter").status_code == 401
    assert counter_of(db, "taina") is None
    assert log_in(clerk, "taina").json["error"]["code"] == "account_disabled"
    assert manager.post(f"{ACCOUNTS}/taina/enable").json["account"]["disabled"] is False
    assert log_in(clerk, "taina").status_code == 200


def test_a_reset_ends_the_session_and_the_old_password(manager, make_clerk, app):
    clerk = make_clerk("taina", "tampere", 2, ("tampere",))
    response = manager.post(f"{ACCOUNTS}/taina/password", json={})
    assert response.status_code == 200
    new_password = response.json["one_time_password"]
    assert clerk.get("/api/v1/counter").status_code == 401
    assert log_in(app.test_client(), "taina").status_code == 401
    assert log_in(app.test_client(), "taina", new_password).status_code == 200
    given = manager.post(f"{ACCOUNTS}/taina/password", json={"password": "chosen-password"})
    assert given.status_code == 200 and given.json["one_time_password"] is None
    assert log_in(app.test_client(), "taina", "chosen-password").status_code == 200


def test_the_points_of_a_clerk_change_within_the_managers(app, db, clock):
    add_user(db, "molla", CLERK_PASSWORD, "manager", clock.now(), ["tampere", "helsinki"])
    both = app.test_client()
    log_in(both, "molla")
    add_user(db, "taina", CLERK_PASSWORD, "clerk", clock.now(), ["tampere"])
    response = both.put(f"{ACCOUNTS}/taina/service-points", json={"service_points": ["helsinki"]})
    assert response.status_code == 200
    assert get_user(db, "taina").service_points == ("helsinki",)
    response = both.put(f"{ACCOUNTS}/taina/service-points", json={"service_points": ["tampere"]})
    assert response.status_code == 404  # no longer at Tampere: ask at her point
    response = both.put(
        "/api/v1/service-points/helsinki/accounts/taina/service-points",
        json={"service_points": ["oulu"]},
    )
    assert response.status_code == 403  # not a point this manager runs
    assert get_user(db, "taina").service_points == ("helsinki",)


def test_a_kiosk_is_paired_renamed_and_revoked(manager, app, db):
    response = manager.post(KIOSKS, json={"name": "Aula 1"})
    assert response.status_code == 201
    pairing = response.json
    assert pairing["kiosk"]["state"] == "waiting"
    assert pairing["pairing_qr_svg"].startswith("<svg")
    kiosk_id = pairing["kiosk"]["id"]
    screen = app.test_client()
    path = urlparse(pairing["pairing_address"]).path
    assert screen.post(path).status_code == 302
    tickets = "/api/v1/service-points/tampere/tickets"
    assert screen.post(tickets, json=ticket_body()).status_code == 201

    renamed = manager.put(f"{KIOSKS}/{kiosk_id}/name", json={"name": "Aula, ovi"})
    assert renamed.json["name"] == "Aula, ovi" and renamed.json["state"] == "paired"
    bad = manager.put(f"{KIOSKS}/{kiosk_id}/name", json={"name": "   "})
    assert (bad.status_code, bad.json["error"]["code"]) == (400, "invalid_kiosk_name")
    listed = manager.get(KIOSKS).json["kiosks"]
    assert [(kiosk["id"], kiosk["name"]) for kiosk in listed] == [(kiosk_id, "Aula, ovi")]

    assert manager.delete(f"{KIOSKS}/{kiosk_id}").json["state"] == "revoked"
    refused = screen.post(tickets, json=ticket_body())
    assert refused.status_code == 401


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("post", ACCOUNTS, {"username": "uusi"}),
        ("post", f"{ACCOUNTS}/taina/disable", None),
        ("post", f"{ACCOUNTS}/taina/password", {}),
        ("put", f"{ACCOUNTS}/taina/service-points", {"service_points": ["tampere"]}),
        ("post", KIOSKS, {"name": "Aula"}),
    ],
)
def test_every_change_needs_the_csrf_token_or_the_sites_origin(
    manager, db, clock, method, path, body
):
    add_user(db, "taina", CLERK_PASSWORD, "clerk", clock.now(), ["tampere"])
    before = db.execute("SELECT * FROM users ORDER BY username").fetchall()
    token = manager.environ_base.pop("HTTP_X_CSRF_TOKEN")
    response = getattr(manager, method)(path, json=body)
    assert (response.status_code, response.json["error"]["code"]) == (403, "csrf_token_required")
    response = getattr(manager, method)(path, json=body, headers={"Origin": "https://evil.example"})
    assert (response.status_code, response.json["error"]["code"]) == (403, "foreign_origin")
    assert db.execute("SELECT * FROM users ORDER BY username").fetchall() == before
    assert db.execute("SELECT COUNT(*) FROM kiosks").fetchone()[0] == 0
    manager.environ_base["HTTP_X_CSRF_TOKEN"] = token


def test_two_managers_at_once_leave_the_accounts_consistent(app, db, clock):
    managers = []
    for name in ("tuula", "teemu"):
        add_user(db, name, CLERK_PASSWORD, "manager", clock.now(), ["tampere"])
        test_client = app.test_client()
        assert log_in(test_client, name).status_code == 200
        managers.append(test_client)
    for number in range(6):
        add_user(db, f"virkailija{number}", CLERK_PASSWORD, "clerk", clock.now(), ["tampere"])
    start = threading.Barrier(2)
    answers: dict[str, list] = {"tuula": [], "teemu": []}

    def work(test_client, name):
        start.wait()
        for number in range(6):  # both disable the same clerks and add the same new names
            answers[name].append(test_client.post(f"{ACCOUNTS}/virkailija{number}/disable"))
            answers[name].append(test_client.post(ACCOUNTS, json={"username": f"uusi{number}"}))

    threads = [
        threading.Thread(target=work, args=(test_client, name))
        for test_client, name in zip(managers, answers, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    statuses = [response.status_code for responses in answers.values() for response in responses]
    assert all(status in (200, 201, 409) for status in statuses), statuses
    for number in range(6):
        assert get_user(db, f"virkailija{number}").is_disabled
        created = [
            response
            for responses in answers.values()
            for response in responses
            if response.request.path == ACCOUNTS
            and response.status_code == 201
            and response.json["account"]["username"] == f"uusi{number}"
        ]
        assert len(created) == 1  # one of the two got the name, the other 409 username_taken
        assert authenticate(db, f"uusi{number}", created[0].json["one_time_password"])
    assert statuses.count(409) == 6
    rows = db.execute("SELECT COUNT(*) FROM users WHERE username LIKE 'uusi%'").fetchone()[0]
    assert rows == 6
