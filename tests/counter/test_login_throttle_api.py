"""Logging in under attack: tries left, a lock said with its time, and the CSRF guard first."""

from __future__ import annotations

import pytest

from shared.accounts.users import add_user
from shared.web.clerk_auth import PASSWORD_CHECKS
from tests.conftest import CLERK_PASSWORD, log_in

ADDRESSES = ("192.0.2.10", "192.0.2.11", "198.51.100.20", "203.0.113.30")


@pytest.fixture
def tiina(db, clock):
    """A clerk account with the test password."""
    add_user(db, "tiina", CLERK_PASSWORD, "clerk", clock.now())


def browser_at(app, address: str):
    """A test client whose requests come from `address`, in English."""
    test_client = app.test_client()
    test_client.environ_base.update(REMOTE_ADDR=address, HTTP_ACCEPT_LANGUAGE="en")
    return test_client


def test_twenty_wrong_passwords_from_several_addresses_lock_the_name(app, tiina, clock):
    answers = [
        log_in(browser_at(app, ADDRESSES[n % len(ADDRESSES)]), "tiina", f"guess-{n}")
        for n in range(20)
    ]
    assert [answer.status_code for answer in answers] == [401] * 4 + [429] * 16
    assert [answer.json["error"]["message"] for answer in answers[:4]] == [
        f"Wrong user name or password. {left} more {'try' if left == 1 else 'tries'}"
        " before logging in is locked."
        for left in (4, 3, 2, 1)
    ]
    locked = answers[-1].json["error"]
    assert locked["code"] == "login_locked"
    assert locked["message"] == (
        "Too many wrong passwords for this user name. Logging in is locked until 10:15."
    )
    # The right password, from an address that never failed: refused while locked.
    right = log_in(browser_at(app, "192.0.2.99"), "tiina", CLERK_PASSWORD)
    assert (right.status_code, right.json["error"]["code"]) == (429, "login_locked")
    assert "until 10:15" in right.json["error"]["message"]
    assert "jono_session" not in right.headers.get("Set-Cookie", "")
    clock.advance(minutes=15)
    assert log_in(browser_at(app, "192.0.2.99"), "tiina", CLERK_PASSWORD).status_code == 200


def test_the_lock_is_said_in_the_callers_language(app, tiina):
    for n in range(5):
        log_in(browser_at(app, ADDRESSES[0]), "tiina", f"guess-{n}")
    finnish = browser_at(app, ADDRESSES[1])
    finnish.environ_base["HTTP_ACCEPT_LANGUAGE"] = "fi"
    answer = log_in(finnish, "tiina", CLERK_PASSWORD)
    assert answer.json["error"]["code"] == "login_locked"
    assert "10:15" in answer.json["error"]["message"]
    assert answer.json["error"]["message"] == (
        "Liian monta väärää salasanaa tälle käyttäjätunnukselle."
        " Kirjautuminen on lukittu klo 10:15 asti."
    )


def test_one_address_guessing_many_names_is_locked_but_not_the_others(app, tiina, config):
    limit = config.accounts.failed_logins_per_address
    answers = [log_in(browser_at(app, "192.0.2.66"), f"name{n}", "guess") for n in range(limit)]
    assert answers[-1].status_code == 429
    assert answers[-1].json["error"]["code"] == "address_locked"
    refused = log_in(browser_at(app, "192.0.2.66"), "tiina", CLERK_PASSWORD)
    assert refused.json["error"]["code"] == "address_locked"
    assert log_in(browser_at(app, "192.0.2.67"), "tiina", CLERK_PASSWORD).status_code == 200


def test_a_login_refused_by_the_csrf_guard_is_not_counted(app, tiina):
    stranger = browser_at(app, ADDRESSES[0])
    for _ in range(10):
        answer = stranger.post("/api/v1/session", json={"username": "tiina", "password": "x"})
        assert answer.json["error"]["code"] == "csrf_token_required"
    answer = log_in(browser_at(app, ADDRESSES[0]), "tiina", "wrong-guess")
    assert "4 more tries" in answer.json["error"]["message"]


def test_when_every_password_check_is_taken_a_login_is_busy_and_not_counted(
    app, tiina, monkeypatch
):
    monkeypatch.setattr(PASSWORD_CHECKS, "wait_seconds", 0.01)
    with PASSWORD_CHECKS.place(), PASSWORD_CHECKS.place():  # both places taken
        answer = log_in(browser_at(app, ADDRESSES[0]), "tiina", CLERK_PASSWORD)
    assert (answer.status_code, answer.json["error"]["code"]) == (503, "busy")
    answer = log_in(browser_at(app, ADDRESSES[0]), "tiina", "wrong-guess")
    assert "4 more tries" in answer.json["error"]["message"]


def test_the_right_password_starts_the_count_again(app, tiina):
    for n in range(4):
        log_in(browser_at(app, ADDRESSES[0]), "tiina", f"guess-{n}")
    assert log_in(browser_at(app, ADDRESSES[0]), "tiina", CLERK_PASSWORD).status_code == 200
    answer = log_in(browser_at(app, ADDRESSES[0]), "tiina", "wrong-guess")
    assert "4 more tries" in answer.json["error"]["message"]


def test_an_unknown_name_is_answered_like_a_known_one(app, tiina):
    known = log_in(browser_at(app, ADDRESSES[0]), "tiina", "wrong-guess").json["error"]
    unknown = log_in(browser_at(app, ADDRESSES[1]), "tiinaa", "wrong-guess").json["error"]
    assert known == unknown


def test_an_ipv6_client_is_counted_by_its_64(app, tiina, config):
    """Any address of a /64 is the same subscriber's: changing it gives no new tries."""
    limit = config.accounts.failed_logins_per_address
    for n in range(limit):
        log_in(browser_at(app, f"2001:db8:1:2::{n + 1:x}"), f"name{n}", "guess")
    refused = log_in(browser_at(app, "2001:db8:1:2:ffff::1"), "tiina", CLERK_PASSWORD)
    assert refused.json["error"]["code"] == "address_locked"
    assert log_in(browser_at(app, "2001:db8:1:3::1"), "tiina", CLERK_PASSWORD).status_code == 200
