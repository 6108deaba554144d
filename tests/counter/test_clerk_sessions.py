"""Clerk sessions over HTTP: the cookie, and every way a session ends on the server."""

from __future__ import annotations

import dataclasses

import pytest

from shared.accounts.users import remove_user, set_disabled, set_password
from shared.app import create_app
from tests.conftest import log_in

COOKIE = "jono_session"


def session_cookie(test_client) -> str:
    """The value of the client's session cookie."""
    return test_client.get_cookie(COOKIE).value


def with_old_cookie(test_client, value: str):
    """Send the session cookie the client had, as a stolen or kept copy would."""
    test_client.set_cookie(COOKIE, value)
    return test_client


def test_logout_ends_the_session_on_the_server(make_clerk):
    clerk = make_clerk()
    kept = session_cookie(clerk)
    assert clerk.delete("/api/v1/session").status_code == 204
    with_old_cookie(clerk, kept)
    assert clerk.get("/api/v1/counter").status_code == 401
    response = clerk.post("/api/v1/counter/call-next")
    assert (response.status_code, response.json["error"]["code"]) == (401, "login_required")


@pytest.mark.parametrize(
    "end",
    [
        pytest.param(
            lambda db, now: set_password(db, "clerk1", "a-new-password", now), id="passwd"
        ),
        pytest.param(lambda db, now: set_disabled(db, "clerk1", True, now), id="disable"),
        pytest.param(lambda db, now: remove_user(db, "clerk1"), id="remove"),
    ],
)
def test_an_admins_change_ends_the_session(make_clerk, db, clock, end):
    clerk = make_clerk()
    assert clerk.get("/api/v1/counter").status_code == 200
    end(db, clock.now())
    response = clerk.get("/api/v1/counter")
    assert (response.status_code, response.json["error"]["code"]) == (401, "login_required")


def test_a_disabled_account_cannot_log_in_even_with_its_password(make_clerk, app, db, clock):
    make_clerk()
    set_disabled(db, "clerk1", True, clock.now())
    response = log_in(app.test_client(), "clerk1")
    assert (response.status_code, response.json["error"]["code"]) == (403, "account_disabled")
    assert log_in(app.test_client(), "clerk1", "a-wrong-password").status_code == 401
    set_disabled(db, "clerk1", False, clock.now())
    assert log_in(app.test_client(), "clerk1").status_code == 200


def test_the_cookie_is_http_only_strict_and_not_secure_over_http(make_clerk, app):
    make_clerk()
    response = log_in(app.test_client(), "clerk1")
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith(f"{COOKIE}=")
    attributes = {part.strip().split("=")[0].lower() for part in cookie.split(";")}
    assert {"httponly", "samesite", "path"} <= attributes
    assert "samesite=strict" in cookie.lower()
    assert "secure" not in attributes
    assert "expires" not in attributes  # gone when the browser closes


def test_the_cookie_is_secure_when_the_site_is_https(config, clock, db):
    from shared.accounts.users import add_user

    secure = dataclasses.replace(config, public_base_url="https://jono.example.fi")
    app = create_app(secure, clock=clock, testing=True)
    try:
        add_user(db, "clerk1", "counter-password", "clerk", clock.now())
        test_client = app.test_client()
        login_token = test_client.get("/api/v1/session")
        assert "secure" in login_token.headers["Set-Cookie"].lower()
        response = log_in(test_client, "clerk1")
        assert response.status_code == 200
        attributes = {part.strip().lower() for part in response.headers["Set-Cookie"].split(";")}
        assert "secure" in attributes
    finally:
        app.extensions["jono"].connections.close_all()


def test_a_session_holds_in_another_process_with_another_secret_key(
    make_clerk, config, clock, monkeypatch
):
    """Two `jono serve` processes (or one restarted) share only the database: a session made
    by one is valid in the other, whatever their Flask secret keys."""
    clerk = make_clerk()
    kept, token = session_cookie(clerk), clerk.environ_base["HTTP_X_CSRF_TOKEN"]
    monkeypatch.setenv("JONO_SECRET_KEY", "another-process-another-key")
    other = create_app(config, clock=clock, testing=True)
    try:
        browser = with_old_cookie(other.test_client(), kept)
        state = browser.get("/api/v1/counter")
        assert state.status_code == 200, state.json
        assert (state.json["clerk"]["username"], state.json["counter"]) == ("clerk1", 1)
        assert state.json["csrf_token"] == token
        answer = browser.post("/api/v1/counter/call-next", headers={"X-CSRF-Token": token})
        assert answer.json["error"]["code"] == "queue_empty"  # got past login and CSRF
    finally:
        other.extensions["jono"].connections.close_all()


def test_a_session_ends_after_the_idle_time_unless_used(make_clerk, clock, config):
    clerk = make_clerk()
    idle = config.accounts.idle_minutes
    clock.advance(minutes=idle - 1)
    assert clerk.get("/api/v1/counter").status_code == 200  # used: the idle time starts again
    clock.advance(minutes=idle - 1)
    assert clerk.get("/api/v1/counter").status_code == 200
    clock.advance(minutes=idle)
    assert clerk.get("/api/v1/counter").status_code == 401


def test_a_background_refresh_does_not_keep_a_session_alive(make_clerk, clock, config):
    """The counter page refreshes its list every 30 s by itself: a clerk who walked away must
    still be logged out in time."""
    clerk = make_clerk()
    background = {"X-Jono-Background": "1"}
    for _ in range(config.accounts.idle_minutes - 1):
        clock.advance(minutes=1)
        assert clerk.get("/api/v1/counter/appointments", headers=background).status_code == 200
    clock.advance(minutes=1)
    assert clerk.get("/api/v1/counter/appointments", headers=background).status_code == 401


def test_a_session_ends_at_its_lifetime_however_busy(make_clerk, clock, config):
    clerk = make_clerk()
    for _ in range(config.accounts.lifetime_hours * 2 - 1):
        clock.advance(minutes=30)
        assert clerk.get("/api/v1/counter").status_code == 200
    clock.advance(minutes=30)
    assert clerk.get("/api/v1/counter").status_code == 401


def test_logging_in_again_replaces_the_browsers_session(make_clerk, db):
    clerk = make_clerk()
    first = session_cookie(clerk)
    assert log_in(clerk, "clerk1").status_code == 200
    assert session_cookie(clerk) != first
    assert db.execute("SELECT COUNT(*) FROM clerk_sessions").fetchone()[0] == 1
    assert with_old_cookie(clerk, first).get("/api/v1/counter").status_code == 401
