"""The manager's Today, History and Forecast pages in Chromium against a real `jono serve`: a
manager of Helsinki logs in on the manager login, walks the three pages in Finnish with axe-core
finding nothing serious, and watches Today change by itself when a kiosk gives out a number."""

from __future__ import annotations

import pytest
import requests
from playwright.sync_api import Page, expect

from tests.e2e.conftest import LiveServer, log_in_clerk, urgent_ticket_body
from tests.e2e.pages import serious_violations

MANAGER = "paivi"
MANAGER_PASSWORD = "e2e-manager-password"
WAIT_MILLISECONDS = 15_000


@pytest.fixture(scope="module")
def jono_server(tmp_path_factory):
    """One `jono serve` for this module, with a manager of Helsinki besides clerk1."""
    server = LiveServer(tmp_path_factory.mktemp("manager-pages"))
    server.prepare()
    server.run_command(
        "users",
        "add",
        MANAGER,
        "--role",
        "manager",
        "--service-points",
        "helsinki",
        stdin=MANAGER_PASSWORD + "\n",
    )
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
def manager_page(browser, live_server):
    """A Finnish page logged in as the manager through the manager login; its script errors
    and console errors fail the test."""
    # axe-core is injected as an inline script, which the pages' CSP rightly forbids.
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="fi-FI", bypass_csp=True
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(f"page error: {error}"))
    page.on(
        "console",
        lambda message: (
            errors.append(f"console: {message.text}") if message.type == "error" else None
        ),
    )
    expect.set_options(timeout=WAIT_MILLISECONDS)
    page.goto(f"{live_server}/manage?lang=fi")
    page.fill("#manage-username", MANAGER)
    page.fill("#manage-password", MANAGER_PASSWORD)
    with page.expect_navigation():
        page.click("#manage-login-submit")
    yield page
    context.close()
    assert errors == []


def issue_urgent_number(live_server: str, kiosk: requests.Session) -> dict:
    """A kiosk's urgent number at Helsinki."""
    response = kiosk.post(
        f"{live_server}/api/v1/service-points/helsinki/tickets",
        json=urgent_ticket_body("fi"),
        timeout=10,
    )
    assert response.status_code == 201, response.text
    return response.json()


def waiting_cell(page: Page):
    """The Today page's count of numbers waiting in the urgent queue."""
    return page.locator('#today-queues tr[data-queue="urgent"] [data-field="waiting"]')


def test_today_changes_by_itself_when_a_kiosk_gives_out_a_number(manager_page, live_server, http):
    page = manager_page
    page.goto(f"{live_server}/manage/helsinki/today")
    expect(page.locator("#today-connection")).to_have_text("Yhteydessä")
    before = int(waiting_cell(page).inner_text())

    issue_urgent_number(live_server, http)

    expect(waiting_cell(page)).to_have_text(str(before + 1))
    assert serious_violations(page) == []


def test_the_manager_walks_today_history_and_forecast_in_finnish(
    manager_page, live_server, http, clerk_credentials
):
    # A day with something in it: two numbers, one called and served at counter 1.
    issue_urgent_number(live_server, http)
    issue_urgent_number(live_server, http)
    with requests.Session() as clerk:
        log_in_clerk(clerk, live_server, *clerk_credentials)
        seat = {"service_point": "helsinki", "counter": 1}
        assert clerk.put(f"{live_server}/api/v1/counter", json=seat, timeout=10).ok
        called = clerk.post(f"{live_server}/api/v1/counter/call-next", timeout=10)
        assert called.status_code == 200, called.text
        finished = clerk.post(
            f"{live_server}/api/v1/tickets/{called.json()['id']}/finish", timeout=10
        )
        assert finished.status_code == 200, finished.text

        page = manager_page
        page.goto(f"{live_server}/manage/helsinki/today")
        expect(page.locator("h1")).to_have_text("Tänään")
        expect(page.locator("#today-counters")).to_contain_text(clerk_credentials[0])
        assert serious_violations(page) == []

    page.click('nav.manage-nav a[href$="/history"]')
    expect(page.locator("h1")).to_have_text("Historia")
    page.select_option("#history-period", "day")
    page.click("#history-show")
    expect(page.locator('#history-summary [data-figure="tickets_issued"]')).not_to_have_text("0")
    expect(page.locator("#chart-arrivals table")).to_be_visible()
    expect(page.locator("#chart-counters")).to_contain_text("1")
    assert serious_violations(page) == []
    with page.expect_download() as download:
        page.click("#download-daily")
    assert download.value.suggested_filename.startswith("jono-helsinki-daily-")
    report = page.request.get(live_server + page.locator("#download-report").get_attribute("href"))
    assert report.headers["content-type"] == "application/pdf"
    assert report.body().startswith(b"%PDF")

    page.click('nav.manage-nav a[href$="/forecast"]')
    expect(page.locator("h1")).to_have_text("Henkilöstöennuste")
    expect(page.locator("#forecast-how-title")).to_be_visible()
    assert serious_violations(page) == []
