"""Every kiosk screen fits its fixed screen: 1080x1920 portrait and 1920x1080 landscape, in
Finnish, Swedish and English, without any scrolling (issue #15).

Chromium walks every step of every flow against a live `jono serve` at Tampere (whose
appointment hours follow its opening hours, open all day in the tests, so an urgent walk-in is
always offered a time within the check-in window): the language choice, the questions, the
offer taken and checked in at once, the numbers of a party above the limit, every verdict,
check-in with its keypad, a wrong key, too early, and the states a real server will not give
on demand (a lost appointment, the printer off, no numbers today, the network gone), which the
test makes by answering the page's own request in the browser. On each screen the document must
not scroll either way, no element may pass the screen's edges and no button's text may pass
its button. axe-core checks the new and changed screens once, in one language and size
(serious or critical: none).
"""

from __future__ import annotations

import json
import os
import pprint
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import requests
from playwright.sync_api import Page, Route, expect

from tests.e2e.conftest import HELSINKI, LiveServer, next_month_expiry
from tests.e2e.pages import pair_screen, serious_violations

POINT = "tampere"
SIZES = {"portrait": (1080, 1920), "landscape": (1920, 1080)}
LANGUAGES = ("fi", "sv", "en")
# JONO_KIOSK_FIT_SCREENSHOTS=/some/folder keeps a PNG of every screen checked.
SCREENSHOTS = os.environ.get("JONO_KIOSK_FIT_SCREENSHOTS")
AXE_SIZE, AXE_LANGUAGE = "landscape", "fi"  # axe once per screen: its verdict is the layout's
# The screens this issue made or changed beyond their layout (the others: tests/e2e/
# test_accessibility.py walks them).
AXE_SCREENS = {
    "screen-language",
    "screen-party",
    "screen-ticket",
    "screen-book-online",
    "screen-check-in",
    "screen-offer-booked",
    "screen-closed",
    "screen-error",
}
# Offers within two days (past midnight today's times are gone), and a check-in window that
# holds them all: whenever the test runs, the time offered can be checked in at once.
SETTINGS = {"urgent_offer_days": 2, "check_in_window_minutes": 2 * 24 * 60}
# Everything on screen must be inside it, and no button's text outside the button.
FIT_SCRIPT = """
() => {
  const root = document.documentElement;
  const width = window.innerWidth, height = window.innerHeight;
  const name = (element) => element.tagName.toLowerCase() + (element.id ? "#" + element.id : "")
    + (element.className && typeof element.className === "string"
       ? "." + element.className.trim().split(/\\s+/).join(".") : "");
  const outside = [], spilling = [];
  for (const element of document.body.querySelectorAll("*")) {
    const box = element.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) continue;
    if (box.right > width + 0.5 || box.bottom > height + 0.5 || box.left < -0.5 || box.top < -0.5)
      outside.push(name(element) + " " + JSON.stringify([box.left, box.top, box.right, box.bottom]
        .map(Math.round)));
  }
  for (const button of document.querySelectorAll("button")) {
    if (!button.getClientRects().length) continue;
    const wide = button.scrollWidth > button.clientWidth + 1;
    if (wide || button.scrollHeight > button.clientHeight + 1)
      spilling.push(name(button) + " " + JSON.stringify(button.textContent.trim()));
  }
  return {
    scroll: [root.scrollWidth, root.scrollHeight], screen: [width, height],
    outside: outside.slice(0, 5), spilling: spilling.slice(0, 5),
  };
}
"""


@pytest.fixture(scope="module")
def jono_server(tmp_path_factory):
    """One `jono serve` for the walk, with urgent walk-ins offered a free appointment and the
    ticket screen's text-message form."""
    server = LiveServer(tmp_path_factory.mktemp("kiosk-fit"))
    server.prepare()
    text = server.config_path.read_text(encoding="utf-8")
    for key, value in SETTINGS.items():
        text, replaced = re.subn(rf"(?m)^{key} = \d+", f"{key} = {value}", text)
        assert replaced == 1, key
    # A text-message gateway (nothing is sent unless a phone number is typed): the ticket
    # screen then has its largest form, the "your turn is near" phone field.
    text += '\n[notifications]\nsms_gateway_url = "http://127.0.0.1:9/sms"\n'
    server.config_path.write_text(text, encoding="utf-8")
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def live_server(jono_server):
    """The module's server's address."""
    return jono_server.url


def later_reservation_key(live_server: str) -> str:
    """The key of a Tampere appointment beyond the check-in window: too early to check in."""
    with requests.Session() as http:
        free = http.get(
            f"{live_server}/api/v1/free-slots",
            params={"service_point": POINT, "category": "citizenship", "days": 4},
            timeout=10,
        ).json()["slots"]
        later = datetime.now(UTC) + timedelta(minutes=SETTINGS["check_in_window_minutes"] + 60)
        slot = next(slot for slot in free if datetime.fromisoformat(slot["starts_at"]) > later)
        hold = http.post(
            f"{live_server}/api/v1/holds",
            json={
                "service_point": POINT,
                "category": "citizenship",
                "starts_at": slot["starts_at"],
            },
            timeout=10,
        ).json()
        booked = http.post(
            f"{live_server}/api/v1/appointments",
            json={"hold_token": hold["hold_token"], "email": "fit@example.fi", "language": "fi"},
            timeout=10,
        )
        assert booked.status_code == 201, booked.text
        return booked.json()["reservation_key"]


class Walk:
    """One kiosk page at one size, checked screen by screen."""

    def __init__(self, page: Page, base: str, size: str, axe: bool):
        self.page, self.base, self.size, self.axe = page, base, size, axe
        self.language = ""
        self.problems: dict[str, object] = {}
        self.seen: set[str] = set()
        self.routes: list[str] = []
        self.axe_checked: set[str] = set()

    def start(self, language: str) -> None:
        """The matter question in `language`, a new visit."""
        self.language = language
        self.page.goto(f"{self.base}/kiosk/{POINT}?lang={language}")
        self.wait("screen-matter")

    def wait(self, screen: str) -> None:
        """Until `screen` is on show."""
        expect(self.page.locator(f"#{screen}")).to_be_visible()

    def check(self, name: str) -> None:
        """The screen on show fits (and, once, passes axe-core)."""
        self.seen.add(name)
        where = f"{self.size} {self.language or '-'} {name}"
        if SCREENSHOTS:  # to look at the screens, not part of the verdict
            shot = f"{self.size}-{self.language or 'none'}-{re.sub(r'[^a-z0-9]+', '-', name)}.png"
            self.page.screenshot(path=str(Path(SCREENSHOTS) / shot))
        fit = self.page.evaluate(FIT_SCRIPT)
        width, height = fit["screen"]
        if (
            fit["scroll"][0] > width
            or fit["scroll"][1] > height
            or fit["outside"]
            or fit["spilling"]
        ):
            self.problems[where] = fit
        screen = name.split(" (")[0]  # axe once per screen, not per variant of it
        if self.axe and screen in AXE_SCREENS and screen not in self.axe_checked:
            self.axe_checked.add(screen)
            violations = serious_violations(self.page)
            if violations:
                self.problems[where + " axe"] = violations

    def press(self, selector: str, screen: str, name: str | None = None) -> None:
        """Press, wait for `screen`, check it as `name` (the screen's id by default)."""
        self.page.click(selector)
        self.wait(screen)
        self.check(name or screen)

    def answer_with(self, path: str, body: dict | None = None, abort: bool = False) -> None:
        """Answer the page's next POST to `path` in the browser (a state a server will not give
        on demand), or fail it as a lost network would."""

        def handle(route: Route) -> None:
            if route.request.method != "POST":
                route.continue_()
            elif abort:
                route.abort("internetdisconnected")
            else:
                route.fulfill(status=200, content_type="application/json", body=json.dumps(body))

        self.route(f"**/api/v1/service-points/{POINT}/{path}*", handle)

    def route(self, pattern: str, handler) -> None:
        """Answer the page's requests to `pattern` with `handler` until `answer_normally`."""
        self.answer_normally()
        self.routes.append(pattern)
        self.page.route(pattern, handler)

    def answer_normally(self) -> None:
        """Let the server answer again."""
        while self.routes:
            self.page.unroute(self.routes.pop())


def walk_questions(walk: Walk, urgent: tuple[int, int]) -> None:
    """The questions of an urgent passport, the offer taken and checked in at once."""
    page = walk.page
    year, month = urgent
    walk.press('[data-matter="travel_document"]', "screen-passport")
    walk.press('[data-passport="yes"]', "screen-expiry")
    page.click(f'[data-year="{year}"]')
    page.click(f'[data-month="{month}"]')
    walk.check("screen-expiry (chosen)")
    walk.press("#expiry-next", "screen-found")
    walk.press('[data-found="no"]', "screen-party")
    page.click("#party-more")
    walk.check("screen-party (more)")
    walk.press('[data-party="2"]', "screen-offer")
    walk.press("#offer-take", "screen-ticket", "screen-ticket (offer checked in)")
    # Taken within the check-in window: the appointment's number at once, nothing to type.
    assert re.fullmatch(r"C\d{3}", page.locator("#ticket-number").inner_text())
    expect(page.locator("#ticket-appointment")).to_be_visible()


def walk_walk_in_numbers(walk: Walk, urgent: tuple[int, int]) -> None:
    """An urgent number (the offer declined), and a party of 8 with two booking-help numbers."""
    page = walk.page
    year, month = urgent
    walk.start(walk.language)
    page.click('[data-matter="residence_permit"]')
    page.click(f'[data-year="{year}"]')
    page.click(f'[data-month="{month}"]')
    page.click("#expiry-next")
    page.click('[data-found="no"]')
    walk.press('[data-party="1"]', "screen-offer")
    walk.press("#offer-decline", "screen-ticket", "screen-ticket (urgent)")
    expect(page.locator("#turn-near-form")).to_be_visible()
    # No counter is open: no "0 min", but a wait that cannot be estimated yet.
    expect(page.locator("#estimated-wait")).not_to_have_text(re.compile(r"\d"))

    walk.start(walk.language)
    walk.press('[data-matter="citizenship"]', "screen-party")
    page.click("#party-more")
    walk.press('[data-party="8"]', "screen-book-online", "screen-book-online (party of 8)")
    expect(page.locator("#book-online-groups")).to_be_visible()
    walk.press("#cannot-use-online", "screen-ticket", "screen-ticket (party of 8)")
    expect(page.locator("#more-numbers")).to_be_visible()
    expect(page.locator("#ticket-together")).to_be_visible()


def walk_verdicts(walk: Walk) -> None:
    """The verdicts without a number, by the shortest path to each."""
    page = walk.page
    walk.start(walk.language)
    walk.check("screen-matter")
    page.click('[data-matter="residence_permit"]')
    far = datetime.now(HELSINKI).year + 2
    page.click(f'[data-year="{far}"]')
    page.click('[data-month="12"]')
    # Beyond the urgency window: straight to online booking, no more questions.
    walk.press("#expiry-next", "screen-book-online", "screen-book-online (expires later)")
    walk.press("#cannot-use-online", "screen-party", "screen-party (booking help)")

    walk.start(walk.language)
    page.click('[data-matter="travel_document"]')
    walk.press(
        '[data-passport="no"]', "screen-book-online", "screen-book-online (foreign passport)"
    )
    expect(page.locator("#book-online-title-foreign-passport")).to_be_visible()
    expect(page.locator("#book-online-title")).to_be_hidden()

    for matter, screen in (("additional_documents", "screen-postbox"), ("asylum", "screen-asylum")):
        walk.start(walk.language)
        walk.press(f'[data-matter="{matter}"]', screen)


def walk_check_in(walk: Walk, later_key: str) -> None:
    """Check-in with its keypad: a wrong key, too early, lost."""
    page = walk.page
    walk.start(walk.language)
    walk.press("#have-appointment", "screen-check-in")
    for character in "ACEF-HJKM":
        page.click(f'#screen-check-in [data-key="{character}"]')
    walk.check("screen-check-in (typed)")
    page.click("#check-in-submit")
    expect(page.locator("#check-in-problem")).to_be_visible()
    walk.check("screen-check-in (wrong key)")
    page.fill("#check-in-key", later_key)
    walk.press("#check-in-submit", "screen-check-in-early")
    walk.answer_with(
        "check-ins",
        {
            "outcome": "lost",
            "appointment_date": "2026-12-01",
            "appointment_time": "09:00",
            "come_back_date": None,
            "come_back_at": None,
            "ticket": None,
        },
    )
    walk.start(walk.language)
    page.click("#have-appointment")
    page.fill("#check-in-key", later_key)
    walk.press("#check-in-submit", "screen-check-in-lost")
    walk.answer_normally()


def walk_failures(walk: Walk, urgent: tuple[int, int]) -> None:
    """No numbers today, the network gone, the printer off, an offer booked for later."""
    page = walk.page
    year, month = urgent

    def urgent_answers() -> None:
        walk.start(walk.language)
        page.click('[data-matter="residence_permit"]')
        page.click(f'[data-year="{year}"]')
        page.click(f'[data-month="{month}"]')
        page.click("#expiry-next")
        page.click('[data-found="no"]')

    walk.answer_with(
        "triage",
        {
            "outcome": "urgent_ticket",
            "is_urgent": True,
            "queue": "urgent",
            "party_groups": [1],
            "reasons": ["expires_within_window", "no_appointment_found"],
            "is_accepting_tickets": False,
            "appointment_offer": None,
        },
    )
    urgent_answers()
    walk.press('[data-party="1"]', "screen-closed")
    walk.answer_with("triage", abort=True)
    urgent_answers()
    walk.press('[data-party="1"]', "screen-error", "screen-error (network)")
    walk.answer_normally()

    def printer_off(route: Route) -> None:
        if route.request.method != "POST":
            route.continue_()
            return
        answer = route.fetch()
        ticket = answer.json()
        route.fulfill(response=answer, json={**ticket, "print_status": "failed"})

    walk.route(f"**/api/v1/service-points/{POINT}/tickets*", printer_off)
    walk.routes.append("**/print-status*")
    page.route(
        "**/print-status*",
        lambda route: route.fulfill(
            json={"id": 0, "number": "A000", "status": "waiting", "print_status": "failed"}
        ),
    )
    urgent_answers()
    page.click('[data-party="1"]')
    walk.press("#offer-decline", "screen-ticket", "screen-ticket (printer off)")
    expect(page.locator("#ticket-print-failed")).to_be_visible()
    walk.answer_normally()

    def booked_for_later(route: Route) -> None:
        answer = route.fetch()
        route.fulfill(response=answer, json={**answer.json(), "ticket": None, "print_status": None})

    walk.route(f"**/api/v1/service-points/{POINT}/offered-appointments*", booked_for_later)
    urgent_answers()
    page.click('[data-party="1"]')
    walk.press("#offer-take", "screen-offer-booked")
    walk.answer_normally()


@pytest.mark.parametrize("size", sorted(SIZES))
def test_every_kiosk_screen_fits_without_scrolling(live_server, browser, pairing_address, size):
    width, height = SIZES[size]
    urgent = next_month_expiry()
    later_key = later_reservation_key(live_server)
    errors: list[str] = []
    context = browser.new_context(viewport={"width": width, "height": height}, bypass_csp=True)
    try:
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        expect.set_options(timeout=10_000)
        stranger = context.browser.new_context(viewport={"width": width, "height": height})
        try:
            unpaired = Walk(stranger.new_page(), live_server, size, axe=False)
            assert unpaired.page.goto(f"{live_server}/kiosk/{POINT}").status == 403
            unpaired.check("not paired")
        finally:
            stranger.close()
        pair_screen(page, pairing_address(POINT))
        problems = dict(unpaired.problems)
        for language in LANGUAGES:
            walk = Walk(page, live_server, size, axe=(size, language) == (AXE_SIZE, AXE_LANGUAGE))
            walk.language = language
            page.goto(f"{live_server}/kiosk/{POINT}")
            walk.wait("screen-language")
            walk.check("screen-language")
            walk.start(language)
            walk.check("screen-matter")
            walk_questions(walk, urgent)
            walk_walk_in_numbers(walk, urgent)
            walk_verdicts(walk)
            walk_check_in(walk, later_key)
            walk_failures(walk, urgent)
            problems.update(walk.problems)
        assert {
            "screen-language",
            "screen-passport",
            "screen-found",
            "screen-offer",
            "screen-check-in-early",
            "screen-check-in-lost",
            "screen-closed",
            "screen-offer-booked",
            "screen-postbox",
            "screen-asylum",
        } <= walk.seen
    finally:
        context.close()
    assert problems == {}, pprint.pformat(problems)
    assert errors == []


def test_the_language_screen_is_read_aloud_in_all_three_languages(
    live_server, browser, pairing_address
):
    """Nobody has chosen a language yet: the button reads Finnish, then Swedish, then English."""
    context = browser.new_context(viewport={"width": 1080, "height": 1920})
    try:
        page = context.new_page()
        pair_screen(page, pairing_address(POINT))
        page.goto(f"{live_server}/kiosk/{POINT}")
        spoken: list[str] = []
        page.on(
            "response",
            lambda response: (
                spoken.append(response.url.rsplit("language=", 1)[-1])
                if "/api/v1/speech/kiosk/language" in response.url and response.status == 200
                else None
            ),
        )
        page.click("#read-aloud")
        expect(page.locator("#read-aloud")).to_have_attribute(
            "aria-pressed", "false", timeout=60_000
        )
        assert spoken == ["fi", "sv", "en"]
    finally:
        context.close()
