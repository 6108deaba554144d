"""What the browser tests share: Chromium as the tests run it, and the steps many journeys take.

The system Chromium (/usr/bin/chromium), never a downloaded one, headless and without the
background traffic that would make a run depend on the network.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Browser, Page, Response, sync_playwright

CHROMIUM = "/usr/bin/chromium"
# axe-core from npm (package.json), injected into a page as a script: its context must be made
# with bypass_csp=True, as the pages' CSP rightly forbids inline scripts.
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
WAIT_MILLISECONDS = 10_000
# The screen each kind of page is shown on.
VIEWPORTS = {
    "display": {"width": 1920, "height": 1080},
    "kiosk": {"width": 1080, "height": 1920},
    "counter": {"width": 1280, "height": 900},
}


@contextmanager
def chromium(extra_args: tuple[str, ...] = ()) -> Iterator[Browser]:
    """Launch headless Chromium with CHROMIUM_ARGS (and `extra_args`); close it afterwards."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, *extra_args], headless=True
        )
        try:
            yield browser
        finally:
            browser.close()


def record_errors(page: Page, errors: list[str], name: str) -> None:
    """Collect the page's uncaught JavaScript errors, so a broken script fails the test."""
    page.on("pageerror", lambda error: errors.append(f"{name}: {error}"))


def open_page(
    browser: Browser, errors: list[str], name: str, url: str, pairing: str | None = None
) -> Page:
    """Open `url` in a fresh context on the screen of `name` (display, kiosk or counter);
    its script errors go to `errors`, marked with `name`. A kiosk is first paired through its
    `pairing` address, as a kiosk screen is."""
    page = browser.new_context(viewport=VIEWPORTS[name]).new_page()
    record_errors(page, errors, name)
    if pairing:
        pair_screen(page, pairing)
    page.goto(url)
    return page


def pair_screen(page: Page, pairing: str) -> None:
    """Open a kiosk's one-time pairing address and press Pair: the page's browser is a kiosk."""
    page.goto(pairing)
    with page.expect_navigation():
        page.click("#pair-this-screen")
    assert "/kiosk/" in page.url and "/pair/" not in page.url, page.url


def seat_clerk(page: Page, credentials: tuple[str, str], service_point: str, counter: int) -> None:
    """On the counter page (open at its login), log the clerk in and sit at `counter`."""
    username, password = credentials
    page.fill("#login-username", username)
    page.fill("#login-password", password)
    page.click("#login-submit")
    page.select_option("#choose-service-point", service_point)
    page.select_option("#choose-counter", str(counter))
    page.click("#choose-submit")


def take_urgent_number(kiosk: Page, service_point: str, expiry: tuple[int, int]) -> Response:
    """At the kiosk, ask for a number as one person whose residence permit expires at `expiry`
    (year, month) with no appointment found; return the answer to the ticket request."""
    year, month = expiry
    kiosk.click('[data-matter="residence_permit"]')
    kiosk.click(f'[data-year="{year}"]')
    kiosk.click(f'[data-month="{month}"]')
    kiosk.click("#expiry-next")
    kiosk.click('[data-found="no"]')
    with kiosk.expect_response(
        lambda response: (
            response.url.split("?")[0].endswith(f"/{service_point}/tickets")
            and response.request.method == "POST"
        )
    ) as issued:
        kiosk.click('[data-party="1"]')
    return issued.value


def serious_violations(page: Page) -> list[str]:
    """Run axe-core on the page; return its serious and critical violations, described."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document)")
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} at "
        + ", ".join(str(node["target"]) for node in violation["nodes"][:3])
        for violation in result["violations"]
        if violation["impact"] in ("serious", "critical")
    ]
