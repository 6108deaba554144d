"""The clerk's counter screen in Chromium, at 1280x720 and 1920x1080.

The day's work fits the screen without the page scrolling, with 40 numbers waiting (the list
scrolls inside its own panel); the current customer shows the kiosk language, and the kiosk's
answers go away with the customer; choosing a counter says which are taken and what each calls;
a booking reads in the page's language with the key and PIN large; axe-core finds nothing
serious on either tab.
"""

from __future__ import annotations

import re
import uuid

import pytest
import requests
from playwright.sync_api import Page, expect

from tests.e2e.conftest import ALL_POINTS, LiveServer, log_in_clerk, urgent_ticket_body
from tests.e2e.pages import seat_clerk, serious_violations

SCREENS = [(1280, 720), (1920, 1080)]
WAITING = 40
LANGUAGES = ("fi", "sv", "en")
LANGUAGE_NAMES = {"fi": "Finnish", "sv": "Swedish", "en": "English"}
OTHER_CLERK, OTHER_PASSWORD = "anna", "e2e-anna-password"
# The least size of the key and PIN the clerk reads aloud, in CSS pixels (body text is 17).
LARGE_PIXELS = 30


@pytest.fixture(scope="module")
def jono_server(tmp_path_factory):
    """One `jono serve` for the module, with a second clerk (anna) beside clerk1."""
    server = LiveServer(tmp_path_factory.mktemp("counter-screen"))
    server.prepare()
    server.run_command(
        "users", "add", OTHER_CLERK, "--service-points", ALL_POINTS, stdin=OTHER_PASSWORD + "\n"
    )
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def live_server(jono_server):
    return jono_server.url


@pytest.fixture(scope="module")
def kiosk(jono_server):
    """A paired kiosk of Helsinki (requests), for the module."""
    with requests.Session() as session:
        yield jono_server.pair(session, "helsinki")


def issue(kiosk: requests.Session, base_url: str, language: str) -> dict:
    """An urgent number of Helsinki, taken at the kiosk in `language`."""
    body = urgent_ticket_body(language, idempotency_key=str(uuid.uuid4()))
    response = kiosk.post(
        f"{base_url}/api/v1/service-points/helsinki/tickets", json=body, timeout=10
    )
    assert response.status_code == 201, response.text
    return response.json()


@pytest.fixture(scope="module")
def forty_waiting(kiosk, live_server):
    """40 urgent numbers waiting at Helsinki, in the three languages by turns."""
    return [issue(kiosk, live_server, LANGUAGES[index % 3]) for index in range(WAITING)]


@pytest.fixture
def new_page(browser, live_server):
    """A page of the given size in a fresh context; its script errors fail the test. The clerk
    logged in there logs out afterwards, so the next test chooses a counter again."""
    contexts, errors = [], []

    def make(width: int, height: int) -> Page:
        # axe-core is injected as an inline script, which the page's CSP rightly forbids.
        context = browser.new_context(viewport={"width": width, "height": height}, bypass_csp=True)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        return page

    expect.set_options(timeout=10_000)
    yield make
    for context in contexts:
        context.request.delete(f"{live_server}/api/v1/session", headers={"Origin": live_server})
        context.close()
    assert errors == []


def page_scrolls(page: Page) -> dict:
    """How far the document overflows the window, each way (0, 0 when it fits)."""
    return page.evaluate(
        """() => ({
            down: document.documentElement.scrollHeight - window.innerHeight,
            across: document.documentElement.scrollWidth - window.innerWidth,
        })"""
    )


def on_screen(page: Page, selector: str) -> bool:
    """Whether the element lies wholly inside the window."""
    box = page.locator(selector).bounding_box()
    size = page.viewport_size
    return bool(
        box
        and box["x"] >= 0
        and box["y"] >= 0
        and box["x"] + box["width"] <= size["width"]
        and box["y"] + box["height"] <= size["height"]
    )


@pytest.mark.parametrize(("width", "height"), SCREENS)
def test_the_days_work_fits_the_screen_with_forty_waiting(
    new_page, live_server, kiosk, forty_waiting, clerk_credentials, width, height
):
    counter = 1 if width == 1280 else 2
    page = new_page(width, height)
    page.goto(f"{live_server}/counter?lang=en")
    seat_clerk(page, clerk_credentials, "helsinki", counter)
    rows = page.locator("#waiting-rows tr")
    expect(rows).to_have_count(WAITING)
    # Each row: its number, its queue, its kiosk language and how long it has waited.
    first = forty_waiting[0]
    row = page.locator(f'#waiting-rows tr[data-ticket-id="{first["id"]}"]')
    expect(row.locator("td").nth(0)).to_have_text(first["number"])
    expect(row.locator("td").nth(1)).to_have_text("Urgent matters")
    expect(row.locator("td").nth(3)).to_have_text(LANGUAGE_NAMES[first["language"]])
    expect(row.locator("td").nth(4)).to_have_text(re.compile(r"^\d+ min$"))
    second = forty_waiting[1]
    cells = page.locator(f'#waiting-rows tr[data-ticket-id="{second["id"]}"] td')
    expect(cells.nth(3)).to_have_text(LANGUAGE_NAMES[second["language"]])
    summary = page.locator('#queue-summaries [data-queue="urgent"]')
    expect(summary).to_contain_text(f"{WAITING} waiting")
    expect(summary).to_contain_text(re.compile(r"longest \d+ min"))

    assert page_scrolls(page) == {"down": 0, "across": 0}
    for part in ("#action-call-next", "#action-finish", "#action-transfer", "#queue-summaries"):
        assert on_screen(page, part), part
    # The list scrolls inside its own panel, down to the last number.
    scroller = page.locator("#queue-list")
    assert scroller.evaluate("list => list.scrollHeight > list.clientHeight")
    rows.last.scroll_into_view_if_needed()
    assert on_screen(page, f'#waiting-rows tr[data-ticket-id="{forty_waiting[-1]["id"]}"]')
    assert page_scrolls(page) == {"down": 0, "across": 0}

    # A customer at the counter, with the kiosk's answers: the screen still fits.
    page.click("#action-call-next")
    expect(page.locator("#current-number")).not_to_have_text("–")
    called = page.locator("#current-number").inner_text()
    ticket = next(ticket for ticket in forty_waiting if ticket["number"] == called)
    language = LANGUAGE_NAMES[ticket["language"]]
    expect(page.locator("#current-language")).to_have_text(f"Kiosk language: {language}")
    expect(page.locator("#current-answers-box")).to_be_visible()
    expect(page.locator("#current-answers dt").first).to_have_text("Matter")
    expect(rows).to_have_count(WAITING - 1)
    expect(page.locator("#waiting-rows .row-call")).to_have_count(0)  # the counter is busy
    assert page_scrolls(page) == {"down": 0, "across": 0}
    assert on_screen(page, "#current-answers-box")

    # Finished: no customer, and no empty "What the customer told the kiosk" heading.
    page.click("#action-finish")
    expect(page.locator("#current-number")).to_have_text("–")
    expect(page.locator("#current-answers-box")).to_be_hidden()
    expect(page.locator("#current-language")).to_be_hidden()
    expect(page.locator("#waiting-rows .row-call")).to_have_count(WAITING - 1)

    # Booking is the other tab, and fits too.
    page.click("#tab-appointments")
    expect(page.locator("#book-category")).to_be_visible()
    expect(page.locator("#action-call-next")).to_be_hidden()
    assert page_scrolls(page) == {"down": 0, "across": 0}
    assert on_screen(page, "#book-search")
    page.click("#tab-queue")
    expect(page.locator("#action-call-next")).to_be_visible()

    forty_waiting.remove(ticket)
    forty_waiting.append(issue(kiosk, live_server, ticket["language"]))  # 40 again
    expect(rows).to_have_count(WAITING)


@pytest.mark.parametrize("language", ["fi", "sv"])
@pytest.mark.parametrize(("width", "height"), SCREENS)
def test_the_longer_finnish_and_swedish_labels_fit_too(
    new_page, live_server, kiosk, forty_waiting, clerk_credentials, language, width, height
):
    """With a customer called (its answers shown) and 39 waiting, in fi and sv: no scrolling."""
    page = new_page(width, height)
    page.goto(f"{live_server}/counter?lang={language}")
    seat_clerk(page, clerk_credentials, "helsinki", 3)
    expect(page.locator("#waiting-rows tr")).to_have_count(WAITING)
    page.click("#action-call-next")
    expect(page.locator("#current-answers-box")).to_be_visible()
    expect(page.locator("#waiting-rows tr")).to_have_count(WAITING - 1)
    assert page_scrolls(page) == {"down": 0, "across": 0}
    for part in ("#action-return", "#action-transfer", "#current-answers-box", "#queue-summaries"):
        assert on_screen(page, part), part
    page.click("#tab-appointments")
    assert page_scrolls(page) == {"down": 0, "across": 0}
    page.click("#tab-queue")
    page.click("#action-return")  # back in its place: 40 wait again
    expect(page.locator("#waiting-rows tr")).to_have_count(WAITING)


def test_choosing_a_counter_says_which_are_taken_and_what_each_calls(
    new_page, live_server, clerk_credentials
):
    with requests.Session() as anna:
        log_in_clerk(anna, live_server, OTHER_CLERK, OTHER_PASSWORD)
        seat = {"service_point": "helsinki", "counter": 4}
        assert anna.put(f"{live_server}/api/v1/counter", json=seat, timeout=10).ok
        page = new_page(1280, 720)
        page.goto(f"{live_server}/counter?lang=en")
        username, password = clerk_credentials
        page.fill("#login-username", username)
        page.fill("#login-password", password)
        page.click("#login-submit")
        page.select_option("#choose-service-point", "helsinki")
        taken = page.locator('#choose-counter option[value="4"]')
        expect(taken).to_have_text("Counter 4 (taken: anna)")
        expect(page.locator('#choose-counter option[value="5"]')).to_have_text("Counter 5")
        rows = page.locator("#choose-counters tr")
        expect(rows.nth(3)).to_have_text(
            re.compile(r"Counter 4\s*Appointments, Urgent matters\s*Taken: anna")
        )
        expect(rows.nth(4)).to_have_text(
            re.compile(r"Counter 5\s*Appointments, Booking help\s*Free")
        )
        page.select_option("#choose-counter", "4")
        expect(page.locator("#choose-counter-hint")).to_have_text(
            "Calls from: Appointments, Urgent matters · Taken: anna"
        )
        page.click("#choose-submit")
        expect(page.locator("#choose-status")).to_contain_text("anna")  # refused: it is hers
        assert serious_violations(page) == []
        assert anna.delete(f"{live_server}/api/v1/session", timeout=10).status_code == 204


def test_a_booking_reads_in_the_pages_language_with_the_key_and_pin_large(
    new_page, live_server, kiosk, clerk_credentials
):
    """In the Finnish page, a Swedish-speaking customer's booking: the point's Finnish name,
    a Finnish date ("ti 1.12.2026 klo 22.00"), the key and PIN large; then axe on both tabs."""
    page = new_page(1280, 720)
    page.goto(f"{live_server}/counter?lang=fi")
    seat_clerk(page, clerk_credentials, "helsinki", 6)
    expect(page.locator("#action-call-next")).to_be_enabled()
    assert serious_violations(page) == []

    page.click("#tab-appointments")
    page.select_option("#book-category", "citizenship")
    free = kiosk.get(
        f"{live_server}/api/v1/free-slots",
        params={"service_point": "helsinki", "category": "citizenship", "days": 14},
        timeout=10,
    )
    assert free.status_code == 200 and free.json()["slots"], free.text
    page.fill("#book-day", free.json()["slots"][0]["date"])
    page.click("#book-search")
    page.locator("#book-slots .slot").first.click()
    page.select_option("#book-language", "sv")
    with page.expect_response(
        lambda response: (
            response.url.split("?")[0].endswith("/counter/appointments")
            and response.request.method == "POST"
        )
    ) as booked:
        page.click("#book-submit")
    booking = booked.value.json()
    assert booked.value.status == 201, booking
    assert booking["service_point_name"] == "Helsingfors, Malm"  # the customer's own language
    expect(page.locator("#book-result-place")).to_have_text("Helsinki, Malmi")
    year, month, day = (int(part) for part in booking["date"].split("-"))
    hours, minutes = booking["time"].split(":")
    expect(page.locator("#book-result-time")).to_have_text(
        re.compile(rf"^(ma|ti|ke|to|pe|la|su) {day}\.{month}\.{year} klo {hours}\.{minutes}$")
    )
    expect(page.locator("#book-result-key")).to_have_text(booking["reservation_key"])
    expect(page.locator("#book-result-pin")).to_have_text(booking["pin"])
    for value in ("#book-result-key", "#book-result-pin"):
        size = page.locator(value).evaluate("node => parseFloat(getComputedStyle(node).fontSize)")
        assert size >= LARGE_PIXELS, (value, size)
    assert page_scrolls(page) == {"down": 0, "across": 0}
    assert serious_violations(page) == []


def test_the_login_shows_without_a_refusal_in_the_console(new_page, live_server):
    """Before anyone logs in, the page shows its login at once instead of asking for the
    counter's state and being refused (a 401 the browser's console reports as a failure)."""
    page = new_page(1280, 720)
    console_errors: list[str] = []
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    answers: list[str] = []
    page.on("response", lambda response: answers.append(f"{response.status} {response.url}"))
    page.goto(f"{live_server}/counter?lang=fi")
    expect(page.locator("#login-username")).to_be_visible()
    expect(page.locator("#login-username")).to_be_focused()
    page.wait_for_load_state("networkidle")
    assert console_errors == []
    assert not [answer for answer in answers if answer.startswith("401 ")]
