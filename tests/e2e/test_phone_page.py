"""The phone status page at 390x844 in Chromium: an honest estimate, words that fit, nothing
left to follow once the visit is over, no serious axe-core violations and a quiet console."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import urgent_ticket_body
from tests.e2e.pages import WAIT_MILLISECONDS, chromium, serious_violations

PHONE = {"width": 390, "height": 844}
NOBODY_AHEAD = {
    "fi": "Ei ketään – olet seuraavana",
    "sv": "Ingen – du är näst i tur",
    "en": "Nobody – you are next",
}
NO_ESTIMATE = {
    "fi": "Ei voida vielä arvioida: yksikään tiski ei ole auki",
    "sv": "Kan inte uppskattas ännu: ingen disk är öppen",
    "en": "Cannot be estimated yet: no counter is open",
}
# The lines an element's text takes (its line height is set in phone.css).
LINES = """(element) => Math.round(element.getBoundingClientRect().height /
  parseFloat(getComputedStyle(element).lineHeight))"""


@pytest.fixture
def phone(live_server):
    """open_phone(url): a 390x844 page (axe-core may be injected); at the end of the test, no
    script error and nothing logged as an error in its console (a failed load is one)."""
    errors: list[str] = []
    with chromium() as browser:
        expect.set_options(timeout=WAIT_MILLISECONDS)

        def open_phone(url: str) -> Page:
            context = browser.new_context(viewport=PHONE, bypass_csp=True)
            page = context.new_page()
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.on(
                "console",
                lambda message: (
                    errors.append(f"{message.text} {message.location}")
                    if message.type == "error"
                    else None
                ),
            )
            page.goto(url)
            expect(page.locator("body")).to_have_attribute("data-live", "connected")
            return page

        yield open_phone
    assert errors == []


def issue(http, live_server) -> dict:
    """A waiting number of Helsinki, as the kiosk issues it."""
    response = http.post(
        f"{live_server}/api/v1/service-points/helsinki/tickets",
        json=urgent_ticket_body("fi"),
        timeout=10,
    )
    assert response.status_code == 201, response.text
    return response.json()


def test_no_wait_is_promised_while_no_counter_is_open(live_server, http, phone, clerk):
    issue(http, live_server)
    mine = issue(http, live_server)
    pages = {
        language: phone(f"{live_server}/t/{mine['status_token']}?lang={language}")
        for language in NO_ESTIMATE
    }
    for language, page in pages.items():
        expect(page.locator("#people-ahead")).to_have_text("1")
        wait = page.locator("#estimated-wait")
        expect(wait).to_have_text(NO_ESTIMATE[language])
        assert page.evaluate(LINES, wait.element_handle()) <= 2
        assert serious_violations(page) == []
    # A clerk sits at a counter of the queue: now there is an estimate, as "about 12 min".
    seat = {"service_point": "helsinki", "counter": 1}
    assert clerk.put(f"{live_server}/api/v1/counter", json=seat, timeout=10).ok
    expect(pages["en"].locator("#estimated-wait")).to_have_text("about 12 min")
    expect(pages["fi"].locator("#estimated-wait")).to_have_text("noin 12 min")


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_nobody_ahead_fits_and_the_finished_visit_offers_nothing_to_follow(
    live_server, http, phone, clerk, language
):
    seat = {"service_point": "helsinki", "counter": 1}
    assert clerk.put(f"{live_server}/api/v1/counter", json=seat, timeout=10).ok
    mine = issue(http, live_server)
    page = phone(f"{live_server}/t/{mine['status_token']}?lang={language}")
    ahead = page.locator("#people-ahead")
    expect(ahead).to_have_text(NOBODY_AHEAD[language])
    assert page.evaluate(LINES, ahead.element_handle()) == 1, "the words break into lines"
    expect(page.locator("#estimated-wait-fact")).to_be_hidden()  # no "0 min"
    expect(page.locator("#enable-alerts")).to_be_visible()
    assert serious_violations(page) == []

    called = clerk.post(f"{live_server}/api/v1/counter/call-next", timeout=10).json()
    assert called["number"] == mine["number"]
    expect(page.locator("#called-alert")).to_be_visible()
    expect(page.locator("#enable-alerts")).to_be_visible()  # still to follow: the call
    assert clerk.post(f"{live_server}/api/v1/tickets/{called['id']}/finish", timeout=10).ok
    expect(page.locator("#called-alert")).to_be_hidden()
    expect(page.locator("#ticket-status")).not_to_be_empty()
    expect(page.locator("#enable-alerts")).to_be_hidden()
    expect(page.locator("#follow")).to_be_hidden()  # "Keep this page open" with it
    assert serious_violations(page) == []

    # Opened anew after the visit, the page offers neither the sound nor "keep it open".
    again = phone(f"{live_server}/t/{mine['status_token']}?lang={language}")
    expect(again.locator("#follow")).to_be_hidden()
    expect(again.locator("#waiting-facts")).to_be_hidden()


def test_a_no_show_offers_nothing_to_follow(live_server, http, phone, clerk):
    seat = {"service_point": "helsinki", "counter": 1}
    assert clerk.put(f"{live_server}/api/v1/counter", json=seat, timeout=10).ok
    mine = issue(http, live_server)
    page = phone(f"{live_server}/t/{mine['status_token']}?lang=en")
    called = clerk.post(f"{live_server}/api/v1/counter/call-next", timeout=10).json()
    expect(page.locator("#called-alert")).to_be_visible()
    assert clerk.post(f"{live_server}/api/v1/tickets/{called['id']}/no-show", timeout=10).ok
    expect(page.locator("#ticket-status")).to_have_text(
        "Your number was called but you did not come. Please ask at the service point."
    )
    expect(page.locator("#follow")).to_be_hidden()
    expect(page.locator("#called-alert")).to_be_hidden()
