"""Clerk accounts against a live `jono serve`: login throttling (and a login flood beside the
kiosks), sessions that end on the server and outlive a restart, the service points a clerk may
work at, and pages of another site that try to act with the clerk's cookie."""

from __future__ import annotations

import http.server
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import requests
from playwright.sync_api import expect

from tests.e2e.conftest import (
    CLERK,
    CLERK_PASSWORD,
    LiveServer,
    log_in_clerk,
    running,
    try_logging_in,
    urgent_ticket_body,
)
from tests.e2e.pages import WAIT_MILLISECONDS, chromium, open_page, seat_clerk

ADDRESSES = ("192.0.2.10", "192.0.2.11", "198.51.100.20", "2001:db8:1::5")
FLOOD_THREADS = 12
FLOOD_TICKETS = 5
NEW_PASSWORD = "a-password-of-our-own"


@pytest.fixture
def proxied_server(tmp_path):
    """A live server behind one (pretended) reverse proxy: X-Forwarded-For gives the address."""
    with running(LiveServer(tmp_path, deployment={"trusted_proxies": 1})) as server:
        yield server


def from_address(address: str) -> requests.Session:
    """A requests session whose requests come, through the proxy, from `address`, in English."""
    session = requests.Session()
    session.headers.update({"X-Forwarded-For": address, "Accept-Language": "en"})
    return session


def test_twenty_wrong_passwords_from_several_addresses_lock_the_clerk(proxied_server):
    answers = []
    for attempt in range(20):
        with from_address(ADDRESSES[attempt % len(ADDRESSES)]) as session:
            answers.append(try_logging_in(session, proxied_server.url, CLERK, f"guess-{attempt}"))
    assert [answer.status_code for answer in answers] == [401] * 4 + [429] * 16
    assert answers[3].json()["error"]["message"] == (
        "Wrong user name or password. 1 more try before logging in is locked."
    )
    assert {answer.json()["error"]["code"] for answer in answers[4:]} == {"login_locked"}
    with from_address("203.0.113.99") as session:
        right = try_logging_in(session, proxied_server.url, CLERK, CLERK_PASSWORD)
        assert right.status_code == 429
        assert right.json()["error"]["code"] == "login_locked"
        assert right.json()["error"]["message"].startswith(
            "Too many wrong passwords for this user name. Logging in is locked until "
        )
        assert "jono_session" not in session.cookies
        assert session.get(f"{proxied_server.url}/api/v1/counter", timeout=10).status_code == 401


def test_a_login_flood_does_not_stop_the_kiosks(proxied_server):
    """Many made-up logins at once, each from an address of its own so that every one reaches
    the password hash: the kiosk still gets its numbers meanwhile."""
    base = proxied_server.url
    stop, flooding = threading.Event(), threading.Event()
    answers: list[int] = []

    def flood(number: int) -> None:
        with requests.Session() as session:
            session.headers["Origin"] = base  # what a page of the site itself sends
            attempt = 0
            while not stop.is_set():
                attempt += 1
                session.headers["X-Forwarded-For"] = f"10.{number}.{attempt // 250}.{attempt % 250}"
                response = session.post(
                    f"{base}/api/v1/session",
                    json={"username": f"nobody-{uuid.uuid4().hex[:8]}", "password": "guess"},
                    timeout=60,
                )
                answers.append(response.status_code)  # list.append is atomic
                flooding.set()

    threads = [threading.Thread(target=flood, args=(number,)) for number in range(FLOOD_THREADS)]
    for thread in threads:
        thread.start()
    try:
        assert flooding.wait(60), "no login was answered"
        kiosk = proxied_server.pair(requests.Session(), "helsinki")
        tickets = [
            kiosk.post(
                f"{base}/api/v1/service-points/helsinki/tickets",
                json=urgent_ticket_body("fi"),
                timeout=60,
            )
            for _ in range(FLOOD_TICKETS)
        ]
        answered_meanwhile = len(answers)
    finally:
        stop.set()
        for thread in threads:
            thread.join(90)
    assert [ticket.status_code for ticket in tickets] == [201] * FLOOD_TICKETS, [
        ticket.text for ticket in tickets
    ]
    assert len({ticket.json()["number"] for ticket in tickets}) == FLOOD_TICKETS
    assert answered_meanwhile > 0
    assert set(answers) <= {401, 429, 503}, set(answers)


@pytest.mark.parametrize(
    "end",
    [
        pytest.param(
            lambda server, session: session.delete(f"{server.url}/api/v1/session"), id="logout"
        ),
        pytest.param(
            lambda server, _: server.run_command(
                "users", "passwd", CLERK, stdin=NEW_PASSWORD + "\n"
            ),
            id="passwd",
        ),
        pytest.param(lambda server, _: server.run_command("users", "disable", CLERK), id="disable"),
        pytest.param(lambda server, _: server.run_command("users", "remove", CLERK), id="remove"),
    ],
)
def test_the_old_cookie_is_refused_once_the_session_ended(jono_server, end):
    """`jono users …` runs as its own process on the server's database, as an admin runs it."""
    with requests.Session() as clerk:
        log_in_clerk(clerk, jono_server.url)
        kept = clerk.cookies["jono_session"]
        token = clerk.headers["X-CSRF-Token"]
        end(jono_server, clerk)
    with requests.Session() as stolen:
        stolen.cookies.set("jono_session", kept)
        stolen.headers["X-CSRF-Token"] = token
        assert stolen.get(f"{jono_server.url}/api/v1/counter", timeout=10).status_code == 401
        refused = stolen.post(f"{jono_server.url}/api/v1/counter/call-next", timeout=10)
        assert (refused.status_code, refused.json()["error"]["code"]) == (401, "login_required")


def test_a_session_outlives_a_restart_with_another_secret_key(jono_server, clerk):
    seat = {"service_point": "helsinki", "counter": 2}
    assert clerk.put(f"{jono_server.url}/api/v1/counter", json=seat, timeout=10).ok
    jono_server.environment["JONO_SECRET_KEY"] = "another-key-after-the-restart"
    jono_server.restart()
    state = clerk.get(f"{jono_server.url}/api/v1/counter", timeout=10)
    assert state.status_code == 200
    assert (state.json()["clerk"]["username"], state.json()["counter"]) == (CLERK, 2)
    assert clerk.delete(f"{jono_server.url}/api/v1/session", timeout=10).status_code == 204


def test_a_tampere_clerk_works_only_at_tampere(jono_server, kiosk_session):
    jono_server.run_command(
        "users", "add", "tiina", "--service-points", "tampere", stdin=CLERK_PASSWORD + "\n"
    )
    helsinki_ticket = kiosk_session("helsinki").post(
        f"{jono_server.url}/api/v1/service-points/helsinki/tickets",
        json=urgent_ticket_body("fi"),
        timeout=10,
    )
    assert helsinki_ticket.status_code == 201, helsinki_ticket.text
    with requests.Session() as tiina:
        log_in_clerk(tiina, jono_server.url, "tiina", CLERK_PASSWORD)
        refused = tiina.put(
            f"{jono_server.url}/api/v1/counter",
            json={"service_point": "helsinki", "counter": 1},
            timeout=10,
        )
        assert (refused.status_code, refused.json()["error"]["code"]) == (
            403,
            "service_point_not_allowed",
        )
        seat = {"service_point": "tampere", "counter": 1}
        assert tiina.put(f"{jono_server.url}/api/v1/counter", json=seat, timeout=10).ok
        ticket_id = helsinki_ticket.json()["id"]
        for action in ("call", "no-show", "finish"):
            answer = tiina.post(f"{jono_server.url}/api/v1/tickets/{ticket_id}/{action}")
            assert answer.status_code == 404, (action, answer.text)
    snapshot = requests.get(
        f"{jono_server.url}/api/v1/service-points/helsinki/snapshot", timeout=10
    ).json()
    urgent = next(queue for queue in snapshot["queues"] if queue["id"] == "urgent")
    assert [ticket["id"] for ticket in urgent["waiting"]] == [ticket_id]


def test_the_counter_page_offers_only_the_clerks_points(jono_server):
    jono_server.run_command(
        "users", "add", "tiina", "--service-points", "tampere", stdin=CLERK_PASSWORD + "\n"
    )
    expect.set_options(timeout=WAIT_MILLISECONDS)
    errors: list[str] = []
    with chromium() as browser:
        page = open_page(browser, errors, "counter", f"{jono_server.url}/counter?lang=en")
        seat_clerk(page, ("tiina", CLERK_PASSWORD), "tampere", 1)
        expect(page.locator("#action-call-next")).to_be_visible()
        assert page.locator("#choose-service-point option").evaluate_all(
            "options => options.map(option => option.value)"
        ) == ["tampere"]
        assert page.locator("#book-service-point option").evaluate_all(
            "options => options.map(option => option.value)"
        ) == ["tampere"]
    assert errors == []


ATTACK_PAGE = """<!doctype html>
<html><body>
<form id="form" method="post" action="{target}/api/v1/counter/call-next"></form>
<button id="fetch" onclick="fetch('{target}/api/v1/counter/call-next',
  {{method: 'POST', mode: 'no-cors', credentials: 'include'}})">fetch</button>
<button id="submit" onclick="document.getElementById('form').submit()">form</button>
</body></html>
"""


@contextmanager
def attacker_site(target: str) -> Iterator[str]:
    """A page of another origin on the same host (another port: the same *site*, so the
    browser sends SameSite cookies along), which posts to the counter API."""
    page = ATTACK_PAGE.format(target=target).encode()

    class AttackPage(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (the name http.server calls)
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(page)))
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, *_):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), AttackPage)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def test_a_page_of_another_site_cannot_act_with_the_clerks_cookie(
    jono_server, kiosk_session, clerk_credentials
):
    base = jono_server.url
    waiting = kiosk_session("helsinki").post(
        f"{base}/api/v1/service-points/helsinki/tickets", json=urgent_ticket_body("fi"), timeout=10
    )
    assert waiting.status_code == 201, waiting.text
    expect.set_options(timeout=WAIT_MILLISECONDS)
    errors: list[str] = []
    with chromium() as browser, attacker_site(base) as attack_url:
        counter = open_page(browser, errors, "counter", f"{base}/counter?lang=en")
        seat_clerk(counter, clerk_credentials, "helsinki", 1)
        expect(counter.locator("#action-call-next")).to_be_enabled()
        attack = counter.context.new_page()  # the same browser, so the same cookies
        attack.goto(attack_url)

        def calls(response) -> bool:
            return response.url == f"{base}/api/v1/counter/call-next"

        with attack.expect_response(calls) as fetched:
            attack.click("#fetch")
        # 403, not 401: the cookie went along (same site) and the CSRF guard refused it.
        assert fetched.value.status == 403
        with attack.expect_response(calls) as posted:
            attack.click("#submit")
        assert posted.value.status == 403
        attack.wait_for_load_state()
        assert '"foreign_origin"' in attack.content()  # the answer, shown as the new page
    snapshot = requests.get(f"{base}/api/v1/service-points/helsinki/snapshot", timeout=10).json()
    urgent = next(queue for queue in snapshot["queues"] if queue["id"] == "urgent")
    assert [ticket["id"] for ticket in urgent["waiting"]] == [waiting.json()["id"]]
    assert snapshot["now_serving"] == []
