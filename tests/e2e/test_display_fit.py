"""The lobby display fits its screen exactly, landscape and portrait, and reads right: a calm
empty state, no returned number listed as called, long waits in hours, every queue's tile."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import urgent_ticket_body
from tests.e2e.pages import WAIT_MILLISECONDS, chromium

SCREENS = [(1920, 1080), (1080, 1920)]
CALLED_AWAY = 7  # the current call and six recent calls


def assert_fits(page: Page) -> None:
    """The page does not scroll either way, and the info footer is wholly on the screen."""
    size = page.evaluate(
        "({scrollHeight: document.documentElement.scrollHeight, innerHeight,"
        " scrollWidth: document.documentElement.scrollWidth, innerWidth,"
        " footer: document.getElementById('display-message').getBoundingClientRect().toJSON(),"
        " line: (() => { const l = document.getElementById('current-line');"
        "   return [l.scrollWidth, l.clientWidth, l.getBoundingClientRect().height]; })()})"
    )
    assert size["scrollHeight"] <= size["innerHeight"], size
    assert size["scrollWidth"] <= size["innerWidth"], size
    footer = size["footer"]
    assert footer["top"] >= 0 and footer["bottom"] <= size["innerHeight"], size
    assert footer["left"] >= 0 and footer["right"] <= size["innerWidth"], size
    assert size["line"][0] <= size["line"][1], size  # number → counter on one line, not cut


def test_the_display_fits_its_screen_and_reads_right(live_server, http, clerk):
    expect.set_options(timeout=WAIT_MILLISECONDS)
    errors: list[str] = []
    with chromium() as browser:
        displays = []
        for width, height in SCREENS:
            page = browser.new_context(viewport={"width": width, "height": height}).new_page()
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto(f"{live_server}/display/helsinki?lang=en")
            expect(page.locator("body")).to_have_attribute("data-live", "connected")
            displays.append(page)
        for page in displays:
            expect(page.locator("#current-empty")).to_have_text("No numbers called yet")
            expect(page.locator("#current-line")).to_be_hidden()
            # The appointments queue is empty, and its tile is there, with 0.
            expect(
                page.locator('#queue-counts [data-queue="appointment"] .queue-count')
            ).to_have_text("0")
            expect(page.locator("#display-message")).to_be_visible()
            assert_fits(page)

        issued = []
        for _ in range(CALLED_AWAY + 8):
            response = http.post(
                f"{live_server}/api/v1/service-points/helsinki/tickets",
                json=urgent_ticket_body("en"),
                timeout=10,
            )
            assert response.status_code == 201, response.text
            issued.append(response.json()["number"])
        seat = {"service_point": "helsinki", "counter": 1}
        assert clerk.put(f"{live_server}/api/v1/counter", json=seat, timeout=10).ok
        # Each call ends as a no-show: finished customers would set the day's service time.
        for _ in range(CALLED_AWAY):
            called = clerk.post(f"{live_server}/api/v1/counter/call-next", timeout=10).json()
            no_show = clerk.post(f"{live_server}/api/v1/tickets/{called['id']}/no-show", timeout=10)
            assert no_show.ok, no_show.text
        returned = clerk.post(f"{live_server}/api/v1/counter/call-next", timeout=10).json()
        back = clerk.post(f"{live_server}/api/v1/tickets/{returned['id']}/return", timeout=10)
        assert back.ok, back.text
        # 8 waiting at the one open counter, 12 minutes each (the configured default).
        for page in displays:
            expect(page.locator("#current-number")).to_have_text(issued[CALLED_AWAY - 1])
            expect(page.locator("#current-line")).to_contain_text("Counter 1")
            expect(page.locator("#current-empty")).to_be_hidden()
            expect(page.locator("#recent-calls li").first).to_contain_text(issued[CALLED_AWAY - 2])
            listed = page.locator("#recent-calls .recent-number").all_inner_texts()
            assert returned["number"] not in listed and listed, listed
            assert listed == issued[: CALLED_AWAY - 1][::-1][: len(listed)]
            urgent = page.locator('#queue-counts [data-queue="urgent"] .queue-estimate')
            expect(urgent).to_have_text(re.compile(r"about 1 h 36 min"))
            assert_fits(page)
        landscape, portrait = (len(p.locator("#recent-calls li").all()) for p in displays)
        assert landscape >= 4 and portrait == CALLED_AWAY - 1, (landscape, portrait)
    assert errors == []


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_the_empty_state_is_translated(live_server, language):
    words = {"fi": "Numeroita ei ole vielä kutsuttu", "sv": "Inga nummer har ropats upp ännu"}
    with chromium() as browser:
        page = browser.new_context(viewport={"width": 1920, "height": 1080}).new_page()
        page.goto(f"{live_server}/display/helsinki?lang={language}")
        expect(page.locator("#current-empty")).to_have_text(words[language])
