"""Screenshots of every screen in Finnish at its two sizes, from a live `jono serve`.

`make screens` runs this into `docs/screens/` (the README shows them), so a reader sees the
product before running it; `tests/e2e/test_screens.py` runs it into a temporary folder, so the
script keeps working as the screens change. Nothing here is drawn by hand: a fresh demo
server gets a few numbers, a seated clerk calls one, and Chromium photographs each page.

    .venv/bin/python -m tests.e2e.screens docs/screens
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import requests
from playwright.sync_api import Browser, Page

from tests.e2e.conftest import (
    CLERK,
    CLERK_PASSWORD,
    LiveServer,
    next_month_expiry,
    running,
    urgent_ticket_body,
)
from tests.e2e.pages import chromium, pair_screen, seat_clerk, take_urgent_number

SECOND_CLERK = "clerk2"  # the clerk photographed at counter 2 (clerk1 calls at counter 1)
MANAGER = "manager1"
MANAGER_PASSWORD = "screens-manager-password"
LANDSCAPE = {"width": 1920, "height": 1080}
PORTRAIT = {"width": 1080, "height": 1920}
LAPTOP = {"width": 1366, "height": 768}
SMALL_DESK = {"width": 1280, "height": 720}
PHONE = {"width": 390, "height": 844}
SETTLE_MILLISECONDS = 400  # after a resize, for the pages that fit their content to the screen


@dataclass(frozen=True)
class Screen:
    """One screen to photograph: its file name stem, its sizes and how to reach it."""

    name: str
    sizes: tuple[dict, ...]
    reach: Callable[[Page, Lobby], None]
    kiosk: bool = False  # the page's browser must be a paired kiosk (others log in themselves)


@dataclass
class Lobby:
    """The live server and what the photographs need of it."""

    server: LiveServer
    phone_url: str


def kiosk_start(page: Page, lobby: Lobby) -> None:
    page.goto(f"{lobby.server.url}/kiosk/helsinki")


def kiosk_matters(page: Page, lobby: Lobby) -> None:
    page.goto(f"{lobby.server.url}/kiosk/helsinki?lang=fi")


def kiosk_check_in(page: Page, lobby: Lobby) -> None:
    kiosk_matters(page, lobby)
    page.click("#have-appointment")


def kiosk_ticket(page: Page, lobby: Lobby) -> None:
    kiosk_matters(page, lobby)
    take_urgent_number(page, "helsinki", next_month_expiry())
    page.wait_for_selector("#screen-ticket:not([hidden])")


def display(page: Page, lobby: Lobby) -> None:
    page.goto(f"{lobby.server.url}/display/helsinki?lang=fi")
    page.wait_for_selector(".current-line", state="visible")


def counter(page: Page, lobby: Lobby) -> None:
    page.goto(f"{lobby.server.url}/counter?lang=fi")
    seat_clerk(page, (SECOND_CLERK, CLERK_PASSWORD), "helsinki", 2)
    page.wait_for_load_state("networkidle")


def phone(page: Page, lobby: Lobby) -> None:
    page.goto(lobby.phone_url)


def booking(page: Page, lobby: Lobby) -> None:
    page.goto(f"{lobby.server.url}/booking?lang=fi")
    page.wait_for_selector("#calendar-grid:not([aria-busy='true'])")


def manager_login(page: Page, lobby: Lobby) -> None:
    page.goto(f"{lobby.server.url}/manage?lang=fi")
    page.fill("#manage-username", MANAGER)
    page.fill("#manage-password", MANAGER_PASSWORD)
    with page.expect_navigation():
        page.click("#manage-login-submit")


def manager_page(name: str) -> Callable[[Page, Lobby], None]:
    """Reach the manager page `name` (today, history, forecast, people) of Helsinki."""

    def reach(page: Page, lobby: Lobby) -> None:
        manager_login(page, lobby)
        page.goto(f"{lobby.server.url}/manage/helsinki/{name}?lang=fi")

    return reach


SCREENS = (
    Screen("kiosk-start", (PORTRAIT, LANDSCAPE), kiosk_start, kiosk=True),
    Screen("kiosk-matters", (PORTRAIT, LANDSCAPE), kiosk_matters, kiosk=True),
    Screen("kiosk-check-in", (PORTRAIT, LANDSCAPE), kiosk_check_in, kiosk=True),
    Screen("kiosk-ticket", (PORTRAIT, LANDSCAPE), kiosk_ticket, kiosk=True),
    Screen("display", (LANDSCAPE, PORTRAIT), display),
    Screen("counter", (SMALL_DESK, LANDSCAPE), counter),
    Screen("phone", (PHONE, LAPTOP), phone),
    Screen("booking", (LAPTOP, PHONE), booking),
    Screen("manager-today", (LAPTOP, LANDSCAPE), manager_page("today")),
    Screen("manager-history", (LAPTOP, LANDSCAPE), manager_page("history")),
    Screen("manager-forecast", (LAPTOP, LANDSCAPE), manager_page("forecast")),
    Screen("manager-people", (LAPTOP, LANDSCAPE), manager_page("people")),
)


def size_name(size: dict) -> str:
    return f"{size['width']}x{size['height']}"


def seed(server: LiveServer) -> Lobby:
    """A few waiting numbers at Helsinki, a second clerk and a manager account; the phone page
    is the last number's."""
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
    server.run_command(
        "users", "add", SECOND_CLERK, "--service-points", "helsinki", stdin=CLERK_PASSWORD + "\n"
    )
    kiosk = server.pair(requests.Session(), "helsinki")
    answers = [
        kiosk.post(
            f"{server.url}/api/v1/service-points/helsinki/tickets",
            json=urgent_ticket_body("fi"),
            timeout=10,
        )
        for _ in range(8)
    ]
    for answer in answers:
        answer.raise_for_status()
    return Lobby(server, f"{server.url}/t/{answers[-1].json()['status_token']}?lang=fi")


def call_some(browser: Browser, lobby: Lobby, calls: int = 4) -> None:
    """A clerk at counter 1 serves the first numbers and calls one more, so the display shows a
    call and recent calls."""
    context = browser.new_context(viewport=LAPTOP)
    page = context.new_page()
    page.goto(f"{lobby.server.url}/counter?lang=fi")
    seat_clerk(page, (CLERK, CLERK_PASSWORD), "helsinki", 1)
    for call in range(calls):
        if call:
            page.click("#action-start")
            page.click("#action-finish")
        before = page.text_content("#current-number")
        page.click("#action-call-next")
        page.wait_for_function(
            "before => document.querySelector('#current-number').textContent !== before", arg=before
        )
    context.close()


def photograph(browser: Browser, lobby: Lobby, folder: Path) -> list[Path]:
    """Every screen at each of its sizes, as PNG files in `folder`; returns their paths.

    A screen is reached once and then shown at each size in turn, as a screen that is turned
    would be (a clerk seated at a counter stays seated)."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for screen in SCREENS:
        context = browser.new_context(viewport=screen.sizes[0], locale="fi-FI")
        page = context.new_page()
        if screen.kiosk:
            pair_screen(page, lobby.server.pairing_address("helsinki"))
        screen.reach(page, lobby)
        page.wait_for_load_state("networkidle")
        for size in screen.sizes:
            page.set_viewport_size(size)
            page.wait_for_timeout(SETTLE_MILLISECONDS)
            path = folder / f"{screen.name}-{size_name(size)}.png"
            page.screenshot(path=str(path))
            written.append(path)
        context.close()
    return written


@contextmanager
def demo_server(directory: Path) -> Iterator[Lobby]:
    with running(LiveServer(directory)) as server:
        yield seed(server)


def main(folder: Path) -> list[Path]:
    with tempfile.TemporaryDirectory() as directory, demo_server(Path(directory)) as lobby:
        with chromium(("--lang=fi",)) as browser:  # a Finnish browser: its date fields too
            call_some(browser, lobby)
            return photograph(browser, lobby, folder)


if __name__ == "__main__":
    for written in main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screens")):
        print(written)
