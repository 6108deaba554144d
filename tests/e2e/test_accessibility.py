"""Accessibility in Chromium: axe-core on every public page, kiosk touch targets, read aloud.

axe-core comes from npm (package.json) and is injected into each page; serious and critical
violations fail the test. Every visible kiosk button must be at least 44 x 44 CSS pixels.
"""

from __future__ import annotations

import io
import wave

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import LiveServer, urgent_ticket_body
from tests.e2e.pages import pair_screen, seat_clerk, serious_violations

MINIMUM_TARGET_PIXELS = 44


@pytest.fixture(scope="module")
def jono_server(tmp_path_factory):
    """One `jono serve` for this module: these tests mostly look, so they may share it (the
    kiosk fixtures of tests/e2e/conftest.py pair with this one)."""
    server = LiveServer(tmp_path_factory.mktemp("accessibility"))
    server.prepare()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def live_server(jono_server):
    """The module's server's address."""
    return jono_server.url


@pytest.fixture
def new_page(browser):
    """A page in a fresh context of the given size; script errors fail the test."""
    contexts, errors = [], []

    def make(width: int = 1080, height: int = 1920) -> Page:
        # axe-core is injected as an inline script, which the pages' CSP rightly forbids.
        context = browser.new_context(viewport={"width": width, "height": height}, bypass_csp=True)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        return page

    expect.set_options(timeout=10_000)
    yield make
    for context in contexts:
        context.close()
    assert errors == []


def small_buttons(page: Page) -> list[str]:
    """Every visible button on the page smaller than 44 x 44 px, with its text and size."""
    small = []
    for button in page.locator("button:visible, a:visible, [role=button]:visible").all():
        box = button.bounding_box()
        if box and (box["width"] < MINIMUM_TARGET_PIXELS or box["height"] < MINIMUM_TARGET_PIXELS):
            small.append(f"{button.inner_text()!r}: {box['width']:.0f}x{box['height']:.0f}")
    return small


def take_waiting_number(page: Page, check=None) -> None:
    """Get past the offer of a free appointment, when the kiosk makes one, to the number."""
    page.locator("#screen-ticket:visible, #screen-offer:visible").first.wait_for()
    if page.locator("#screen-offer").is_visible():
        if check:
            check(page)
        page.click("#offer-decline")
    expect(page.locator("#screen-ticket")).to_be_visible()


def visible_screen(page: Page) -> str:
    """The id of the kiosk screen on show."""
    return page.locator("#kiosk .screen:visible").first.get_attribute("id")


def test_kiosk_screens_have_large_targets_and_no_serious_axe_violations(
    live_server, new_page, urgent_expiry, pairing_address
):
    """Walk every kiosk screen on the way to a number and the other outcomes."""
    year, month = urgent_expiry
    checked = {}

    def check(page: Page) -> None:
        screen = visible_screen(page)
        checked[screen] = (small_buttons(page), serious_violations(page))

    page = new_page()
    pair_screen(page, pairing_address("helsinki"))
    page.goto(f"{live_server}/kiosk/helsinki")
    check(page)  # the language choice
    page.click("#lang-en")
    page.wait_for_url("**/kiosk/helsinki?lang=en")
    check(page)  # what did you come for
    page.click('[data-matter="travel_document"]')
    check(page)  # passport issued by Finland?
    page.click('[data-passport="yes"]')
    page.click(f'[data-year="{year}"]')
    page.click(f'[data-month="{month}"]')
    check(page)  # expiry
    page.click("#expiry-next")
    check(page)  # found a time?
    page.click('[data-found="no"]')
    check(page)  # party size
    page.click("#party-more")
    check(page)
    page.click('[data-party="2"]')
    take_waiting_number(page, check)
    check(page)  # the number

    for matter, screen in (
        ("citizenship", "screen-book-online"),
        ("additional_documents", "screen-postbox"),
        ("asylum", "screen-asylum"),
    ):
        page.goto(f"{live_server}/kiosk/helsinki?lang=en")
        page.click(f'[data-matter="{matter}"]')
        if matter == "citizenship":
            page.click('[data-party="1"]')
        expect(page.locator(f"#{screen}")).to_be_visible()
        check(page)

    assert set(checked) >= {
        "screen-language",
        "screen-matter",
        "screen-passport",
        "screen-expiry",
        "screen-found",
        "screen-party",
        "screen-ticket",
        "screen-book-online",
        "screen-postbox",
        "screen-asylum",
    }
    problems = {screen: found for screen, found in checked.items() if found != ([], [])}
    assert problems == {}


@pytest.mark.parametrize(
    "path", ["/display/helsinki", "/display/tampere?queues=urgent", "/counter", "/booking"]
)
def test_pages_have_no_serious_axe_violations(live_server, new_page, path):
    page = new_page(1920, 1080)
    response = page.goto(f"{live_server}{path}")
    assert response.status == 200
    if path.startswith("/display/"):  # filled in from the live snapshot
        expect(page.locator("body")).to_have_attribute("data-live", "connected")
        expect(page.locator("#queue-counts li").first).to_be_visible()
    assert serious_violations(page) == []


def test_the_pairing_pages_have_no_serious_axe_violations(live_server, new_page, pairing_address):
    """What an unpaired screen shows, the pairing page, and an address used up."""
    page = new_page()
    assert page.goto(f"{live_server}/kiosk/helsinki").status == 403
    expect(page.locator("#kiosk-not-paired")).to_be_visible()
    assert serious_violations(page) == []
    address = pairing_address("helsinki")
    page.goto(address)
    assert serious_violations(page) == []
    assert small_buttons(page) == []
    pair_screen(page, address)
    assert page.goto(address).status == 404
    assert serious_violations(page) == []


def test_counter_at_work_has_no_serious_axe_violations(
    live_server, new_page, clerk_credentials, issue_ticket
):
    issue_ticket("helsinki")
    page = new_page(1280, 900)
    page.goto(f"{live_server}/counter")
    seat_clerk(page, clerk_credentials, "helsinki", 1)
    page.click("#action-call-next")
    expect(page.locator("#current-number")).not_to_have_text("–")
    assert serious_violations(page) == []


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_phone_pages_have_no_serious_axe_violations(live_server, new_page, http, language):
    ticket = http.post(
        f"{live_server}/api/v1/service-points/helsinki/tickets",
        json=urgent_ticket_body(language),
        timeout=10,
    ).json()
    page = new_page(390, 844)
    page.goto(f"{live_server}/t/{ticket['status_token']}")
    expect(page.locator("#ticket-number")).to_have_text(ticket["number"])
    assert serious_violations(page) == []
    assert small_buttons(page) == []
    missing = new_page(390, 844)
    assert missing.goto(f"{live_server}/t/no-such-token-here-at-all?lang={language}").status == 404
    assert serious_violations(missing) == []


def test_read_aloud_speaks_the_ticket_screen_in_the_chosen_language(
    live_server, new_page, urgent_expiry, pairing_address
):
    """The button asks the server for the screen by name; the answer is that screen as WAV."""
    year, month = urgent_expiry
    page = new_page()
    pair_screen(page, pairing_address("helsinki"))
    page.goto(f"{live_server}/kiosk/helsinki?lang=sv")
    with page.expect_response(lambda r: "/api/v1/speech/kiosk/matter" in r.url) as matter:
        page.click("#read-aloud")
    assert "language=sv" in matter.value.url and matter.value.status == 200
    page.click('[data-matter="residence_permit"]')
    page.click(f'[data-year="{year}"]')
    page.click(f'[data-month="{month}"]')
    page.click("#expiry-next")
    page.click('[data-found="no"]')
    page.click('[data-party="1"]')
    take_waiting_number(page)
    number = page.locator("#ticket-number")
    expect(number).not_to_be_empty()
    with page.expect_response(lambda r: "/api/v1/speech/kiosk/ticket" in r.url) as spoken:
        page.click("#read-aloud")
    response = spoken.value
    assert response.status == 200 and response.headers["content-type"] == "audio/wav"
    assert f"number={number.inner_text()}" in response.url and "language=sv" in response.url
    with wave.open(io.BytesIO(response.body()), "rb") as audio:
        assert audio.getnframes() / audio.getframerate() > 2.0
