"""The kiosk page's texts: the welcome one language a line, the foreign-passport verdict and the
note of a party served together in every language, and the urgency window the kiosk counts by."""

from __future__ import annotations

import json
import re

import pytest

WORDS = {
    "fi": (
        "Passisi uusii se maa, joka on sen myöntänyt",
        "teitä palvellaan yhdessä, samalla tiskillä",
    ),
    "sv": ("Ditt pass förnyas av det land som har utfärdat det", "ni betjänas tillsammans"),
    "en": (
        "Your passport is renewed by the country that issued it",
        "you are served together, at the same counter",
    ),
}


@pytest.mark.parametrize("language", sorted(WORDS))
def test_the_new_verdicts_are_in_every_language(client, language):
    page = client.get(f"/kiosk/helsinki?lang={language}").get_data(as_text=True)
    passport, together = WORDS[language]
    assert passport in page
    script = re.search(r'<script type="application/json" id="kiosk-text">(.*?)</script>', page)
    assert together in json.loads(script.group(1))["served_together"]


def test_the_welcome_gives_each_language_its_own_line(client):
    page = client.get("/kiosk/helsinki").get_data(as_text=True)
    welcome = re.search(r'<h1 class="trilingual welcome">(.*?)</h1>', page).group(1)
    assert re.findall(r'<span lang="(\w\w)">', welcome) == ["fi", "sv", "en"]


def test_the_kiosk_knows_the_urgency_window(client, config):
    page = client.get("/kiosk/helsinki?lang=en").get_data(as_text=True)
    assert f'data-urgency-months="{config.rules.urgency_window_months}"' in page
