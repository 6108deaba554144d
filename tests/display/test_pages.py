"""The lobby display page and its settings: info message, spoken languages, shown queues."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import pytest

from shared.config import ConfigError, parse_config

PROJECT_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def raw_config():
    return tomllib.loads((PROJECT_ROOT / "config.toml").read_text(encoding="utf-8"))


def display_settings(page: str) -> dict:
    """The JSON settings the display page hands its script."""
    match = re.search(
        r'<script type="application/json" id="display-config">(.*?)</script>', page, re.S
    )
    return json.loads(match.group(1))


def test_display_settings_default(raw_config):
    raw_config["service_points"][1].pop("announcement_languages", None)
    point = parse_config(raw_config).service_points[1]
    assert point.announcement_languages == ("fi", "sv", "en")
    assert point.display_message is None and point.display_queues == ()


def test_display_settings_are_read(raw_config):
    raw_config["service_points"][0]["announcement_languages"] = ["sv", "fi"]
    raw_config["service_points"][0]["display_queues"] = ["urgent"]
    point = parse_config(raw_config).service_points[0]
    assert point.announcement_languages == ("sv", "fi")
    assert point.display_queues == ("urgent",)
    assert point.display_message.get("sv").startswith("Fyll i")


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("announcement_languages", ["fi", "de"], "announcement_languages: unknown language 'de'"),
        ("announcement_languages", ["fi", "fi"], "announcement_languages: 'fi' appears twice"),
        ("announcement_languages", "fi", "announcement_languages: must be of type list"),
        ("display_queues", ["urgnt"], "display_queues: unknown queue 'urgnt'"),
        ("display_message", {"fi": "Hei", "sv": "Hej"}, "display_message.en: is required"),
        ("display_message", "Hello", "display_message: must be of type dict"),
    ],
)
def test_bad_display_settings_name_the_key(raw_config, key, value, message):
    raw_config["service_points"][0][key] = value
    with pytest.raises(ConfigError, match=re.escape(f"service_points[0].{message}")):
        parse_config(raw_config, source="config.toml")


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("fi", "Täytä hakemuslomake ennen vuoroasi."),
        ("sv", "Fyll i ansökningsblanketten före din tur."),
        ("en", "Please fill in your application form before your turn."),
    ],
)
def test_display_page_shows_the_message_and_speaks_the_configured_languages(
    client, language, message
):
    response = client.get(f"/display/helsinki?lang={language}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert message in page
    settings = display_settings(page)
    assert settings["announcement_languages"] == ["fi", "sv", "en"]
    assert settings["queues"] == ["urgent", "booking_help", "appointment"]


def test_display_may_be_limited_to_some_queues(client):
    page = client.get("/display/helsinki?queues=urgent,booking_help").get_data(as_text=True)
    assert display_settings(page)["queues"] == ["urgent", "booking_help"]


@pytest.mark.parametrize("queues", ["urgnt", ",", "urgent,nothing"])
def test_unknown_queues_in_the_address_are_404(client, queues):
    assert client.get(f"/display/helsinki?queues={queues}").status_code == 404


def test_unknown_display_is_404(client):
    assert client.get("/display/oulu").status_code == 404


def test_the_display_has_its_labels_and_message_in_all_three_languages(client):
    """The labels take turns in fi, sv and en; the page's language is first and on the page."""
    page = client.get("/display/helsinki?lang=sv").get_data(as_text=True)
    texts = display_settings(page)["texts"]
    assert set(texts) == {"fi", "sv", "en"}
    assert [texts[code]["now_calling"] for code in ("fi", "sv", "en")] == [
        "Vuorossa nyt",
        "Nu i tur",
        "Now calling",
    ]
    assert texts["fi"]["message"] == "Täytä hakemuslomake ennen vuoroasi."
    assert (texts["fi"]["place"], texts["sv"]["place"]) == ("Helsinki, Malmi", "Helsingfors, Malm")
    assert texts["sv"]["calendar"]["months"][11] == "december"
    assert texts["fi"]["calendar"]["weekdays"][1] == "tiistaina"
    assert '<h2 class="label" id="current-call-label" data-text="now_calling">Nu i tur</h2>' in page


def test_the_display_knows_which_counters_call_from_each_queue(client, config):
    """With none of them open, a queue's wait is shown as not estimated, not as 0 min."""
    counters = display_settings(client.get("/display/helsinki").get_data(as_text=True))[
        "queue_counters"
    ]
    point = config.service_point("helsinki")
    assert counters["urgent"] == [c.number for c in point.counters if "urgent" in c.queues]
    assert counters["urgent"], "the demo's Helsinki has counters for urgent matters"


def test_favicon_answers_and_every_page_links_it(anonymous_client):
    icon = anonymous_client.get("/favicon.ico", follow_redirects=True)
    assert icon.status_code == 200 and icon.mimetype == "image/svg+xml"
    assert b"<svg" in icon.data
    icon.close()
    page = anonymous_client.get("/display/helsinki").get_data(as_text=True)
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in page
