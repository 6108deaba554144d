"""The lobby display fits its screen exactly, landscape and portrait, and reads right: eight
calls in Finnish, Swedish and English, with and without the "closed" band; a calm empty state,
no returned number listed as called, long waits in hours, every queue's tile, labels taking turns
in the three languages, and nothing in the browser console."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import urgent_ticket_body
from tests.e2e.pages import WAIT_MILLISECONDS, chromium

SCREENS = [(1920, 1080), (1080, 1920)]
CALLED_AWAY = 8  # the snapshot's eight calls: the current one and seven recent ones
LANGUAGES = ("fi", "sv", "en")
NOW_CALLING = {"fi": "Vuorossa nyt", "sv": "Nu i tur", "en": "Now calling"}
COUNTER = {"fi": "Tiski", "sv": "Disk", "en": "Counter"}
# A long weekday and month in every language: keskiviikkona 30. syyskuuta, onsdag 30 september.
NEXT_OPENS_AT = "2026-09-30T05:00:00Z"
CLOSED_UNTIL = {
    "fi": "Avoinna seuraavan kerran keskiviikkona 30. syyskuuta klo 8.00",
    "sv": "Öppet nästa gång onsdag 30 september kl. 8.00",
    "en": "Next open Wednesday 30 September at 08:00",
}

# Draws `snapshot` (closed when asked) in `language` and measures the page at once, in one
# task, so neither the live socket nor the turn of languages can change it in between.
MEASURE = """([language, snapshot]) => {
  if (snapshot) window.JonoDisplay.render(snapshot);
  window.JonoDisplay.showLanguage(language);
  const box = (element) => element.getBoundingClientRect().toJSON();
  const line = document.getElementById('current-line');
  const list = document.getElementById('recent-calls');
  const notice = document.getElementById('closed-notice');
  return {
    scrollHeight: document.documentElement.scrollHeight, innerHeight,
    scrollWidth: document.documentElement.scrollWidth, innerWidth,
    lang: document.documentElement.lang,
    label: document.getElementById('current-call-label').textContent,
    footer: box(document.getElementById('display-message')),
    closed: notice.hidden ? null : {text: notice.textContent, box: box(notice)},
    line: [line.scrollWidth, line.clientWidth],
    list: box(list),
    rows: [...list.children].map((row) => ({box: box(row), text: row.textContent,
      wide: row.scrollWidth > row.clientWidth})),
    tiles: [...document.querySelectorAll('#queue-counts li')].map((tile) => ({
      queue: tile.dataset.queue, box: box(tile), text: tile.textContent,
      wide: [...tile.children].some((part) => part.scrollWidth > part.clientWidth + 1)})),
  };
}"""


def within(inner: dict, outer: dict) -> bool:
    """Whether the box `inner` lies wholly inside `outer` (half a pixel of rounding allowed)."""
    return (
        inner["top"] >= outer["top"] - 0.5
        and inner["bottom"] <= outer["bottom"] + 0.5
        and inner["left"] >= outer["left"] - 0.5
        and inner["right"] <= outer["right"] + 0.5
    )


def measure(page: Page, language: str, snapshot: dict | None = None) -> dict:
    """Show `language` (drawing `snapshot` first, when given) and check that nothing scrolls,
    nothing is cut and every part is on the screen; return the measurements."""
    size = page.evaluate(MEASURE, [language, snapshot])
    screen = {"top": 0, "left": 0, "bottom": size["innerHeight"], "right": size["innerWidth"]}
    assert size["scrollHeight"] <= size["innerHeight"], size
    assert size["scrollWidth"] <= size["innerWidth"], size
    assert (size["lang"], size["label"]) == (language, NOW_CALLING[language]), size
    assert within(size["footer"], screen), size
    assert size["line"][0] <= size["line"][1], size  # number → counter on one line, not cut
    for row in size["rows"]:
        assert within(row["box"], size["list"]) and not row["wide"], (language, row, size["list"])
    assert [tile["queue"] for tile in size["tiles"]] == ["urgent", "booking_help", "appointment"]
    for tile in size["tiles"]:
        assert within(tile["box"], screen) and not tile["wide"], (language, tile)
    if size["closed"]:
        assert within(size["closed"]["box"], screen), size["closed"]
    return size


def console_errors(page: Page, errors: list[str]) -> None:
    """Collect the page's uncaught errors and what it logs as an error (a failed load too)."""
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "console",
        lambda message: (
            errors.append(f"{message.text} ({message.location.get('url')})")
            if message.type == "error"
            else None
        ),
    )


def test_the_display_fits_its_screen_and_reads_right(live_server, http, clerk):
    expect.set_options(timeout=WAIT_MILLISECONDS)
    errors: list[str] = []
    with chromium() as browser:
        displays = []
        for width, height in SCREENS:
            page = browser.new_context(viewport={"width": width, "height": height}).new_page()
            console_errors(page, errors)
            page.goto(f"{live_server}/display/helsinki?lang=en")
            expect(page.locator("body")).to_have_attribute("data-live", "connected")
            displays.append(page)
        for page in displays:
            expect(page.locator("#current-line")).to_be_hidden()
            # The appointments queue is empty, and its tile is there, with 0.
            expect(
                page.locator('#queue-counts [data-queue="appointment"] .queue-count')
            ).to_have_text("0")
            expect(page.locator("#display-message")).to_be_visible()
            size = measure(page, "en")
            assert "No numbers called yet" in page.locator("#current-empty").inner_text()
            # No counter is open yet: no wait is promised.
            assert "waiting · no counter open" in size["tiles"][0]["text"], size["tiles"]
            for language in LANGUAGES:
                measure(page, language)
            # The labels take their turns by themselves: Finnish after English.
            expect(page.locator("#current-call-label")).to_have_text(NOW_CALLING["fi"])
            page.evaluate("window.JonoDisplay.showLanguage('en')")

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
        snapshot = http.get(f"{live_server}/api/v1/service-points/helsinki/snapshot", timeout=10)
        closed = snapshot.json()
        closed["hours"] = {**closed["hours"], "is_open": False, "next_opens_at": NEXT_OPENS_AT}

        # 8 waiting at the one open counter, 12 minutes each (the configured default).
        # (What is checked before `measure` reads alike in every language: the labels take turns.)
        for page in displays:
            expect(page.locator("#current-number")).to_have_text(issued[CALLED_AWAY - 1])
            expect(page.locator("#current-counter")).to_have_text("1")
            expect(page.locator("#current-empty")).to_be_hidden()
            expect(page.locator("#recent-calls li")).to_have_count(CALLED_AWAY - 1)
            listed = page.locator("#recent-calls .recent-number").all_inner_texts()
            assert returned["number"] not in listed, listed
            assert listed == issued[: CALLED_AWAY - 1][::-1]
            urgent = page.locator('#queue-counts [data-queue="urgent"] .queue-estimate')
            expect(urgent).to_contain_text("1 h 36 min")
            assert "about 1 h 36 min" in measure(page, "en")["tiles"][0]["text"]
            for language in LANGUAGES:
                size = measure(page, language)
                assert len(size["rows"]) == CALLED_AWAY - 1, (language, size["rows"])
                assert all(COUNTER[language] in row["text"] for row in size["rows"])
                assert "1 h 36 min" in size["tiles"][0]["text"], size["tiles"]
                # And with the band that says the service point is closed, and till when.
                size = measure(page, language, closed)
                assert size["closed"] and CLOSED_UNTIL[language] in size["closed"]["text"]
                assert len(size["rows"]) == CALLED_AWAY - 1, (language, size["rows"])
    assert errors == []


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_the_empty_state_is_translated(live_server, language):
    words = {"fi": "Numeroita ei ole vielä kutsuttu", "sv": "Inga nummer har ropats upp ännu"}
    with chromium() as browser:
        page = browser.new_context(viewport={"width": 1920, "height": 1080}).new_page()
        page.goto(f"{live_server}/display/helsinki?lang={language}")
        expect(page.locator("#current-empty")).to_have_text(words[language])
