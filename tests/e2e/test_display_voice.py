"""The lobby display's calls and voice, the phone status page, and live updates, in Chromium.

The display runs as it does in a lobby: Chromium started with autoplay allowed. An init script
records every clip the page plays (start and end) and plays it four times faster, so the tests
can check the order of announcements without waiting for every word.
"""

from __future__ import annotations

import io
import re
import time
import wave
from urllib.parse import parse_qs, urlparse

import pytest
import requests
from playwright.sync_api import Page, expect

from tests.e2e.conftest import log_in_clerk, urgent_ticket_body
from tests.e2e.pages import WAIT_MILLISECONDS, chromium, pair_screen, seat_clerk

# What a lobby display's Chromium runs with: announcements need no touch to start.
AUTOPLAY = "--autoplay-policy=no-user-gesture-required"
RECONNECT_MILLISECONDS = 5_000
RECORD_AUDIO = """
window.playedClips = [];
window.vibrations = [];
navigator.vibrate = (pattern) => { window.vibrations.push(pattern); return true; };
const OriginalAudio = window.Audio;
window.Audio = function (...args) {
  const audio = new OriginalAudio(...args);
  // Registered before the page's own handlers, so "ended" is noted before the next clip starts.
  const finish = () => {
    if (audio.clip && audio.clip.ended === null) audio.clip.ended = performance.now();
  };
  audio.addEventListener("ended", finish);
  audio.addEventListener("error", finish);
  return audio;
};
const originalPlay = HTMLMediaElement.prototype.play;
HTMLMediaElement.prototype.play = function () {
  this.clip = { src: this.src, started: performance.now(), ended: null };
  window.playedClips.push(this.clip);
  this.playbackRate = 4;
  return originalPlay.call(this);
};
"""
HEADING = {"fi": "Vuoronumerosi", "sv": "Ditt könummer", "en": "Your waiting number"}


@pytest.fixture(scope="module")
def browser():
    """One Chromium for this module's tests (each test has its own contexts)."""
    with chromium(extra_args=(AUTOPLAY,)) as launched:
        yield launched


@pytest.fixture
def open_page(browser):
    """Open a page in a fresh context; fails the test on any uncaught script error."""
    contexts, errors = [], []

    def make(
        url: str,
        width: int = 1920,
        height: int = 1080,
        name: str = "page",
        pairing: str | None = None,
    ) -> Page:
        context = browser.new_context(viewport={"width": width, "height": height})
        contexts.append(context)
        context.add_init_script(RECORD_AUDIO)
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(f"{name}: {error}"))
        if pairing:  # a kiosk screen is paired first
            pair_screen(page, pairing)
        page.goto(url)
        return page

    expect.set_options(timeout=WAIT_MILLISECONDS)
    yield make
    for context in contexts:
        context.close()
    assert errors == []


def speech_requests(page: Page, into: list) -> None:
    """Collect the display's speech requests as (number, counter, language) or "chime"."""

    def record(request):
        url = urlparse(request.url)
        if url.path == "/api/v1/speech/chime":
            into.append("chime")
        elif url.path == "/api/v1/speech/call":
            query = {key: values[0] for key, values in parse_qs(url.query).items()}
            into.append((query["number"], int(query["counter"]), query["language"]))

    page.on("request", record)


def distinct_in_order(items: list) -> list:
    """The items without immediate repeats (a media element may ask for a clip in parts)."""
    return [item for index, item in enumerate(items) if index == 0 or items[index - 1] != item]


def played(page: Page) -> list[dict]:
    """The clips the page played, in order, with their start and end times."""
    return page.evaluate("window.playedClips")


def counter_page(open_page, base_url: str, credentials, counter: int) -> Page:
    """A clerk logged in at the counter page and seated at `counter` of Helsinki."""
    page = open_page(f"{base_url}/counter", 1280, 900, "counter")
    seat_clerk(page, credentials, "helsinki", counter)
    expect(page.locator("#action-call-next")).to_be_enabled()
    return page


def issue(kiosk: requests.Session, base_url: str, language: str = "en") -> dict:
    """Issue an urgent number through the kiosk API, from a paired kiosk's session."""
    response = kiosk.post(
        f"{base_url}/api/v1/service-points/helsinki/tickets",
        json=urgent_ticket_body(language),
        timeout=10,
    )
    assert response.status_code == 201, response.text
    return response.json()


def wait_for(page: Page, condition, seconds: float = 10.0, what: str = "condition"):
    """Poll `condition` until it returns something true; fail after `seconds`.

    Waits through the page, so Playwright keeps delivering its request events meanwhile.
    """
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        page.wait_for_timeout(100)
    pytest.fail(f"timed out waiting for {what}")


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_kiosk_counter_display_and_phone_in_each_language(
    live_server, open_page, clerk_credentials, urgent_expiry, language, pairing_address
):
    """A walk-in takes a number in `language`, follows it on the phone, and is called."""
    year, month = urgent_expiry
    display = open_page(f"{live_server}/display/helsinki?lang={language}", name="display")
    audio: list = []
    speech_requests(display, audio)
    expect(display.locator("body")).to_have_attribute("data-live", "connected")

    kiosk = open_page(
        f"{live_server}/kiosk/helsinki?lang={language}",
        1080,
        1920,
        "kiosk",
        pairing=pairing_address("helsinki"),
    )
    kiosk.click('[data-matter="residence_permit"]')
    kiosk.click(f'[data-year="{year}"]')
    kiosk.click(f'[data-month="{month}"]')
    kiosk.click("#expiry-next")
    kiosk.click('[data-found="no"]')
    with kiosk.expect_response(lambda r: r.url.split("?")[0].endswith("/helsinki/tickets")) as got:
        kiosk.click('[data-party="1"]')
        # The kiosk may first offer a free appointment; this walk-in wants a number.
        kiosk.locator("#screen-ticket:visible, #screen-offer:visible").first.wait_for()
        if kiosk.locator("#screen-offer").is_visible():
            kiosk.click("#offer-decline")
    ticket = got.value.json()
    expect(kiosk.locator("#ticket-number")).to_have_text(ticket["number"])
    expect(kiosk.locator("#screen-ticket .ticket-label")).to_have_text(HEADING[language])

    phone = open_page(f"{live_server}/t/{ticket['status_token']}", 390, 844, "phone")
    expect(phone.locator("html")).to_have_attribute("lang", language)
    expect(phone.locator(".phone-label")).to_have_text(HEADING[language])
    expect(phone.locator("#ticket-number")).to_have_text(ticket["number"])
    expect(phone.locator("#called-alert")).to_be_hidden()
    expect(phone.locator("body")).to_have_attribute("data-live", "connected")

    counter = counter_page(open_page, live_server, clerk_credentials, 4)
    counter.click("#action-call-next")
    expect(counter.locator("#current-number")).to_have_text(ticket["number"])

    expect(display.locator("#current-number")).to_have_text(ticket["number"])
    expect(display.locator("#current-counter")).to_have_text("4")
    expect(phone.locator("#called-alert")).to_be_visible()
    expect(phone.locator("#alert-text")).to_contain_text("4")
    wait_for(
        phone, lambda: phone.evaluate("window.vibrations.length") > 0, what="the phone to vibrate"
    )
    wait_for(
        display,
        lambda: len([item for item in audio if item != "chime"]) >= 3,
        what="the display to ask for the call in three languages",
    )
    calls = [item for item in distinct_in_order(audio) if item != "chime"]
    assert calls == [(ticket["number"], 4, spoken) for spoken in ("fi", "sv", "en")]
    assert audio[0] == "chime"


def test_announcements_queue_in_order_without_overlap_and_recalls_repeat(
    live_server, open_page, clerk, http
):
    """Two quick calls and a recall: three announcements, one after another, never twice."""
    display = open_page(f"{live_server}/display/helsinki", name="display")
    audio: list = []
    speech_requests(display, audio)
    responses = {}
    display.on(
        "response",
        lambda response: (
            urlparse(response.url).path == "/api/v1/speech/call"
            and response.status == 200
            and responses.setdefault(response.url, response.body())
        ),
    )
    expect(display.locator("body")).to_have_attribute("data-live", "connected")
    first, second = issue(http, live_server)["number"], issue(http, live_server)["number"]
    assert clerk.put(
        f"{live_server}/api/v1/counter", json={"service_point": "helsinki", "counter": 2}
    ).ok
    called = clerk.post(f"{live_server}/api/v1/counter/call-next").json()
    assert clerk.post(f"{live_server}/api/v1/tickets/{called['id']}/finish").ok
    called_again = clerk.post(f"{live_server}/api/v1/counter/call-next").json()
    assert clerk.post(f"{live_server}/api/v1/tickets/{called_again['id']}/recall").ok

    expected = [
        (number, 2, language)
        for number in (first, second, second)
        for language in ("fi", "sv", "en")
    ]
    wait_for(
        display,
        lambda: len([c for c in played(display) if c["ended"] is not None]) >= 12,
        seconds=30,
        what="three announcements of a chime and three languages",
    )
    display.wait_for_timeout(500)  # nothing more may follow
    clips = played(display)
    assert len(clips) == 12, [clip["src"] for clip in clips]
    for earlier, later in zip(clips, clips[1:], strict=False):
        assert earlier["ended"] <= later["started"], "two clips played at the same time"
    spoken = [urlparse(clip["src"]) for clip in clips]
    assert [url.path.rsplit("/", 1)[-1] for url in spoken[::4]] == ["chime"] * 3
    calls = [
        (q["number"][0], int(q["counter"][0]), q["language"][0])
        for q in (parse_qs(url.query) for url in spoken)
        if q
    ]
    assert calls == expected
    assert [item for item in distinct_in_order(audio) if item != "chime"][:3] == expected[:3]
    # The spoken files are real WAV, different for each language.
    bodies = {}
    for url, body in responses.items():
        with wave.open(io.BytesIO(body), "rb") as clip:
            assert clip.getnframes() > clip.getframerate()  # over a second of speech
        bodies[parse_qs(urlparse(url).query)["language"][0]] = body
    assert len(set(bodies.values())) == 3


def test_display_counter_and_phone_keep_up_across_a_server_restart(
    jono_server, open_page, clerk_credentials, http
):
    """After a restart every page is current again within 5 s, with no reload and no repeats."""
    base = jono_server.url
    mine = issue(http, base)
    display = open_page(f"{base}/display/helsinki", name="display")
    audio: list = []
    speech_requests(display, audio)
    phone = open_page(f"{base}/t/{mine['status_token']}", 390, 844, "phone")
    counter = counter_page(open_page, base, clerk_credentials, 5)
    for page in (display, phone):
        expect(page.locator("body")).to_have_attribute("data-live", "connected")
    loads = {"display": 0}
    display.on("load", lambda _page: loads.__setitem__("display", loads["display"] + 1))

    jono_server.restart()
    # A call made before the display is back arrives in its snapshot, which is never announced
    # (no repeats after a reconnect): call once it has reconnected, as a clerk would a moment on.
    expect(display.locator("body")).to_have_attribute(
        "data-live", "connected", timeout=RECONNECT_MILLISECONDS
    )
    with requests.Session() as clerk:
        log_in_clerk(clerk, base)
        assert clerk.put(
            f"{base}/api/v1/counter", json={"service_point": "helsinki", "counter": 6}
        ).ok
        started = time.monotonic()
        assert clerk.post(f"{base}/api/v1/counter/call-next").json()["number"] == mine["number"]
        expect(display.locator("#current-number")).to_have_text(
            mine["number"], timeout=RECONNECT_MILLISECONDS
        )
        expect(display.locator("#current-counter")).to_have_text("6")
        expect(phone.locator("#called-alert")).to_be_visible(timeout=RECONNECT_MILLISECONDS)
        expect(phone.locator("#alert-text")).to_contain_text("6")
        late = issue(http, base)  # the counter's queue list follows too
        expect(counter.locator("#queue-list")).to_contain_text(
            late["number"], timeout=RECONNECT_MILLISECONDS
        )
        assert time.monotonic() - started < RECONNECT_MILLISECONDS / 1000 + 1
    expect(display.locator("body")).to_have_attribute("data-live", "connected")
    wait_for(display, lambda: len(played(display)) >= 4, what="the call to be announced")
    display.wait_for_timeout(1000)
    calls = [item for item in distinct_in_order(audio) if item != "chime"]
    assert calls == [(mine["number"], 6, language) for language in ("fi", "sv", "en")]
    assert loads["display"] == 0, "the display reloaded"


def test_a_phone_page_sees_its_own_call_only(live_server, open_page, clerk, http):
    """Someone else's call changes the place in the queue; only its own call raises the alert."""
    other, mine = issue(http, live_server), issue(http, live_server)
    phone = open_page(f"{live_server}/t/{mine['status_token']}?lang=en", 390, 844, "phone")
    expect(phone.locator("#people-ahead")).to_have_text("1")
    expect(phone.locator("body")).to_have_attribute("data-live", "connected")
    phone.click("#enable-alerts")
    assert clerk.put(
        f"{live_server}/api/v1/counter", json={"service_point": "helsinki", "counter": 3}
    ).ok
    first = clerk.post(f"{live_server}/api/v1/counter/call-next").json()
    assert first["number"] == other["number"]
    expect(phone.locator("#people-ahead")).to_have_text("Nobody – you are next")
    expect(phone.locator("#called-alert")).to_be_hidden()
    vibrations_before = phone.evaluate("window.vibrations.length")
    assert clerk.post(f"{live_server}/api/v1/tickets/{first['id']}/finish").ok
    second = clerk.post(f"{live_server}/api/v1/counter/call-next").json()
    assert second["number"] == mine["number"]
    expect(phone.locator("#called-alert")).to_be_visible()
    expect(phone.locator("#alert-text")).to_have_text("Go to counter 3.")
    wait_for(
        phone,
        lambda: phone.evaluate("window.vibrations.length") > vibrations_before,
        what="a vibration",
    )
    wait_for(
        phone,
        lambda: any(clip["src"].endswith("/api/v1/speech/chime") for clip in played(phone)[1:]),
        what="the alert sound",
    )
    status = requests.get(f"{live_server}/api/v1/ticket-status/{mine['status_token']}", timeout=5)
    assert status.json() == {
        "number": mine["number"],
        "queue": "urgent",
        "status": "called",
        "people_ahead": 0,
        "estimated_wait_minutes": 0,
        "counter": 3,
    }
    assert re.fullmatch(r"[A-Za-z0-9_-]{16,}", mine["status_token"])


def test_display_falls_back_to_long_polling_when_websockets_are_blocked(
    live_server, browser, clerk, http
):
    """A proxy that refuses WebSockets: the display still gets every call live, over HTTP."""
    context = browser.new_context(viewport={"width": 1080, "height": 1920})
    try:
        context.add_init_script(RECORD_AUDIO)
        refused = []
        context.route_web_socket(
            re.compile(r"/socket\.io/"), lambda socket: (refused.append(socket.url), socket.close())
        )
        display = context.new_page()
        display.goto(f"{live_server}/display/helsinki")
        expect(display.locator("body")).to_have_attribute(
            "data-live", "connected", timeout=WAIT_MILLISECONDS
        )
        ticket = issue(http, live_server)
        assert clerk.put(
            f"{live_server}/api/v1/counter", json={"service_point": "helsinki", "counter": 1}
        ).ok
        assert (
            clerk.post(f"{live_server}/api/v1/counter/call-next").json()["number"]
            == (ticket["number"])
        )
        expect(display.locator("#current-number")).to_have_text(
            ticket["number"], timeout=WAIT_MILLISECONDS
        )
        wait_for(display, lambda: len(played(display)) >= 2, what="the call to be announced")
        assert refused, "the WebSocket was never tried"
    finally:
        context.close()
