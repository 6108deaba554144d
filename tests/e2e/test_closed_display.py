"""A holiday at a real server: the lobby display says it is closed and when it opens next, in
each of its three languages in turn, and the kiosk gives no numbers."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta

import pytest
from playwright.sync_api import expect

from printers.wording import format_day, format_time
from tests.e2e.conftest import HELSINKI, LiveServer, running, urgent_ticket_body
from tests.e2e.pages import WAIT_MILLISECONDS, chromium, open_page


@pytest.fixture
def jono_server(tmp_path):
    """A server on which today is closed at Helsinki (an opening exception), open tomorrow."""
    today = datetime.now(HELSINKI).date()

    class ClosedToday(LiveServer):
        def prepare(self) -> None:
            super().prepare()
            text = self.config_path.read_text(encoding="utf-8")
            anchor = 'timezone = "Europe/Helsinki"'
            text = text.replace(
                anchor, anchor + f'\nopening_exceptions = {{ "{today}" = "closed" }}', 1
            )
            self.config_path.write_text(text, encoding="utf-8")

    with running(ClosedToday(tmp_path)) as server:
        yield server


AT = {"fi": "klo", "sv": "kl.", "en": "at"}
WORDS = {
    "fi": "Suljettu nyt. Avoinna seuraavan kerran",
    "sv": "Stängt nu. Öppet nästa gång",
    "en": "Closed now. Next open",
}


def test_the_display_says_closed_and_when_it_opens_next(jono_server, http):
    tomorrow = datetime.combine(datetime.now(HELSINKI).date() + timedelta(days=1), time())
    expect.set_options(timeout=WAIT_MILLISECONDS)
    errors: list[str] = []
    with chromium() as browser:
        display = open_page(browser, errors, "display", f"{jono_server.url}/display/helsinki")
        notice = display.locator("#closed-notice")
        expect(notice).to_be_visible()
        # The band takes its turn in every language with the other labels; each is checked
        # right after it is shown. The day as each language says it (torstaina 3. joulukuuta,
        # torsdag 3 december, Thursday 3 December), 24-hour times; never the US month first.
        for language, words in WORDS.items():
            display.evaluate("(language) => window.JonoDisplay.showLanguage(language)", language)
            expect(notice).to_contain_text(words)
            expect(notice).to_contain_text(
                f"{format_day(language, tomorrow)} {AT[language]} {format_time(language, tomorrow)}"
            )
            expect(notice).not_to_contain_text(re.compile(r"\b\d{1,2}/\d{1,2}\b|AM|PM"))
        tampere = open_page(browser, errors, "display", f"{jono_server.url}/display/tampere")
        expect(tampere.locator("body")).to_have_attribute("data-live", "connected")
        expect(tampere.locator("#closed-notice")).to_be_hidden()  # Tampere is open
    assert errors == []
    refused = http.post(
        f"{jono_server.url}/api/v1/service-points/helsinki/tickets",
        json=urgent_ticket_body(),
        timeout=10,
    )
    assert (refused.status_code, refused.json()["error"]["code"]) == (409, "not_issuing")
