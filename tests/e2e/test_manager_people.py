"""The manager's "People and devices" page in Chromium, in Finnish: log in, add a clerk and read
the one-time password, disable them, pair and rename a kiosk, free a counter a clerk left open;
axe-core finds nothing serious or critical and the console stays clean."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest
import requests
from playwright.sync_api import ConsoleMessage, Page, expect

from tests.e2e.conftest import CLERK, log_in_clerk
from tests.e2e.pages import VIEWPORTS, chromium, record_errors, serious_violations

MANAGER, MANAGER_PASSWORD = "pomo", "e2e-manager-password"


@pytest.fixture
def manager(jono_server) -> tuple[str, str]:
    """A manager of Helsinki, made with `jono users add --role manager`."""
    jono_server.run_command(
        "users", "add", MANAGER, "--role", "manager", "--service-points", "helsinki",
        stdin=MANAGER_PASSWORD + "\n",
    )  # fmt: skip
    return MANAGER, MANAGER_PASSWORD


@pytest.fixture
def seated_clerk(live_server):
    """clerk1 at Helsinki counter 2, as if they had left it open."""
    with requests.Session() as session:
        log_in_clerk(session, live_server)
        response = session.put(
            f"{live_server}/api/v1/counter",
            json={"service_point": "helsinki", "counter": 2},
            timeout=10,
        )
        assert response.status_code == 200, response.text
        yield session


@pytest.fixture
def page(live_server):
    """A Chromium page on a counter-sized screen (CSP bypassed for axe-core's inline script);
    script errors and console errors fail the test."""
    errors: list[str] = []
    with chromium() as browser:
        context = browser.new_context(viewport=VIEWPORTS["counter"], bypass_csp=True)
        opened = context.new_page()
        record_errors(opened, errors, "manage")
        opened.on("console", lambda message: console_error(message, errors))
        opened.on("dialog", lambda dialog: dialog.accept())
        expect.set_options(timeout=10_000)
        yield opened
        context.close()
    assert errors == []


def console_error(message: ConsoleMessage, errors: list[str]) -> None:
    """Keep a console error, but not the browser's note on a page's own status (the refusal
    page is a 403, which the test asserts itself) or on the favicon nobody serves."""
    if message.type != "error":
        return
    path = urlparse(message.location.get("url", "")).path
    if path.startswith("/manage") or path == "/favicon.ico":
        return
    errors.append(f"console: {message.text} ({path})")


def row(page: Page, attribute: str, value: str):
    return page.locator(f"tr[{attribute}='{value}']")


def test_a_manager_runs_the_people_and_devices_of_their_point(
    page, live_server, manager, seated_clerk
):
    page.goto(f"{live_server}/manage/helsinki/people?lang=fi")
    expect(page.locator("html")).to_have_attribute("lang", "fi")
    expect(page.locator("#login-title")).to_have_text("Kirjaudu esihenkilön sivuille")
    assert serious_violations(page) == []
    page.fill("#manage-username", MANAGER)
    page.fill("#manage-password", MANAGER_PASSWORD)
    with page.expect_navigation():
        page.click("#manage-login-submit")
    expect(page.locator("h1")).to_have_text("Henkilöt ja laitteet")
    expect(page.locator(".manage-nav [aria-current='page']")).to_have_text("Henkilöt ja laitteet")

    # The clerk who also works at Tampere is listed, but only an admin may change them.
    clerk_row = row(page, "data-username", CLERK)
    expect(clerk_row).to_contain_text("toimii myös muissa palvelupisteissä")
    expect(clerk_row).to_contain_text("Vain ylläpitäjä voi muuttaa tätä tunnusta.")

    page.fill("#new-username", "uusi.virkailija")
    page.click("#add-account-submit")
    password = page.locator("#add-account-status .one-time")
    expect(password).to_have_count(1)
    one_time = password.inner_text()
    assert len(one_time) >= 12
    with requests.Session() as session:  # the one-time password logs the new clerk in
        log_in_clerk(session, live_server, "uusi.virkailija", one_time)
    new_row = row(page, "data-username", "uusi.virkailija")
    expect(new_row).to_contain_text("Käytössä")
    new_row.get_by_role("button", name="Poista käytöstä").click()
    expect(new_row).to_contain_text("Pois käytöstä")
    expect(new_row.get_by_role("button", name="Ota käyttöön")).to_be_visible()

    page.fill("#new-kiosk-name", "Aula 1")
    page.click("#add-kiosk-submit")
    expect(page.locator("#pairing")).to_be_visible()
    address = page.locator("#pairing-address").inner_text()
    assert urlparse(address).path.startswith("/kiosk/pair/")
    expect(page.locator("#pairing-qr svg")).to_have_count(1)
    kiosk_row = page.locator("#kiosks tr").last
    expect(kiosk_row).to_contain_text("odottaa paritusta")
    kiosk_row.locator("input").fill("Aula, ovi")
    kiosk_row.get_by_role("button", name="Nimeä uudelleen").click()
    expect(page.locator("#kiosks tr").last.locator("input")).to_have_value("Aula, ovi")

    counter_row = row(page, "data-counter", "2")
    expect(counter_row).to_contain_text(CLERK)
    counter_row.get_by_role("button", name="Vapauta tämä tiski").click()
    expect(page.locator("#counters-status")).to_have_text("Tiski 2 on vapaa.")
    expect(row(page, "data-counter", "2")).to_contain_text("vapaa")
    state = seated_clerk.get(f"{live_server}/api/v1/counter", timeout=10).json()
    assert state["counter"] is None  # still logged in, no longer seated

    assert serious_violations(page) == []
    page.click("a[lang='sv']")
    expect(page.locator("h1")).to_have_text("Personer och enheter")


def test_a_clerk_is_told_the_page_is_not_theirs(page, live_server, clerk_credentials):
    page.goto(f"{live_server}/manage?lang=fi")
    page.fill("#manage-username", clerk_credentials[0])
    page.fill("#manage-password", clerk_credentials[1])
    with page.expect_navigation() as navigation:
        page.click("#manage-login-submit")
    assert navigation.value.status == 403
    expect(page.locator("#manage-refusal")).to_have_text(
        "Vain palvelupisteen esihenkilöt ja ylläpitäjät voivat tehdä tämän."
    )
    assert serious_violations(page) == []
