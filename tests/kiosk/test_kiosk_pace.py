"""A kiosk gives out numbers at a human pace: a family's burst, then a few per minute."""

from __future__ import annotations

import dataclasses
import threading

import pytest

from shared.app import create_app
from shared.config import load_config
from tests.conftest import PROJECT_ROOT, count_rows, pair_as_kiosk
from tests.kiosk.test_api import ticket_body

TICKETS = "/api/v1/service-points/helsinki/tickets"


@pytest.fixture
def paced(db, config, clock):
    """The app with the demo's own kiosk pace (the other tests raise the burst)."""
    demo_rules = load_config(PROJECT_ROOT / "config.toml").rules
    assert (demo_rules.kiosk_ticket_burst, demo_rules.kiosk_tickets_per_minute) == (6, 3.0)
    app = create_app(dataclasses.replace(config, rules=demo_rules), clock=clock, testing=True)
    yield app
    app.extensions["jono"].connections.close_all()


def test_a_burst_then_a_few_per_minute_and_a_clear_refusal(paced, db, config, clock):
    kiosk = pair_as_kiosk(paced.test_client(), db, config, clock.now())
    for visit in range(6):  # a family of 36: six numbers at once
        response = kiosk.post(TICKETS, json=ticket_body(key=f"kiosk-1-visit-{visit:04}"))
        assert response.status_code == 201, response.json
    before = count_rows(db)
    refused = kiosk.post(
        TICKETS, json=ticket_body(key="kiosk-1-visit-0006"), query_string={"lang": "en"}
    )
    assert refused.status_code == 429
    error = refused.json["error"]
    assert error["code"] == "kiosk_too_fast"
    assert error["params"]["retry_after_seconds"] == 20  # 3 per minute
    assert "20 seconds" in error["message"]
    assert count_rows(db) == before  # the refusal wrote nothing
    replay = kiosk.post(TICKETS, json=ticket_body(key="kiosk-1-visit-0000"))
    assert replay.status_code == 200  # a double tap's answer is never refused
    clock.advance(seconds=20)
    assert kiosk.post(TICKETS, json=ticket_body(key="kiosk-1-visit-0006")).status_code == 201
    assert kiosk.post(TICKETS, json=ticket_body(key="kiosk-1-visit-0007")).status_code == 429
    other = pair_as_kiosk(paced.test_client(), db, config, clock.now(), name="Lobby 2")
    assert other.post(TICKETS, json=ticket_body(key="kiosk-2-visit-0000")).status_code == 201


def test_many_taps_at_once_get_exactly_the_burst(paced, db, config, clock):
    kiosk_cookie = pair_as_kiosk(paced.test_client(), db, config, clock.now()).get_cookie(
        "jono_kiosk"
    )
    statuses, barrier = [], threading.Barrier(20)

    def tap(visit):
        browser = paced.test_client()
        browser.set_cookie("jono_kiosk", kiosk_cookie.value)
        barrier.wait(timeout=10)
        statuses.append(browser.post(TICKETS, json=ticket_body(key=f"kiosk-1-tap-{visit:04}")))

    threads = [threading.Thread(target=tap, args=(visit,)) for visit in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    codes = sorted(response.status_code for response in statuses)
    assert codes == [201] * 6 + [429] * 14
    assert count_rows(db)["tickets"] == 6
