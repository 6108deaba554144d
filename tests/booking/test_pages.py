"""The booking pages render in every language, with no inline script (the CSP forbids it)."""

from __future__ import annotations

import json
import re

import pytest


@pytest.mark.parametrize(
    ("language", "city"), [("fi", "Helsinki"), ("sv", "Helsingfors"), ("en", "Helsinki")]
)
@pytest.mark.parametrize("path", ["/booking", "/booking/manage"])
def test_pages_render_in_each_language(client, path, language, city):
    response = client.get(f"{path}?lang={language}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert f'<html lang="{language}">' in page
    assert f'<optgroup label="{city}">' in page
    assert 'id="calendar"' in page
    assert 'role="grid"' in page  # the month grid, filled in by calendar.js
    assert "/assets/booking/booking.js" in page
    assert "/assets/booking/booking.css" in page
    scripts = re.findall(r"<script([^>]*)>", page)
    assert all("src=" in script or 'type="application/json"' in script for script in scripts)


def test_the_party_limit_is_on_the_page(client):
    page = client.get("/booking?lang=en").get_data(as_text=True)
    assert 'max="6"' in page
    assert "please book more appointments" in page


@pytest.mark.parametrize(
    "path",
    [
        "/assets/booking/booking.js",
        "/assets/booking/calendar.js",
        "/assets/booking/booking.css",
        "/static/calendar.css",
        "/static/locale.js",
    ],
)
def test_booking_assets_are_served(client, path):
    response = client.get(path)
    try:
        assert response.status_code == 200
    finally:
        response.close()  # a static file stays open until its response is closed


@pytest.mark.parametrize(
    ("language", "locked_until"),
    [
        ("fi", "Varaustunnus on lukittu {time} asti."),
        ("sv", "Bokningsnumret är spärrat till {time}."),
        ("en", "The reservation key is locked until {time}."),
    ],
)
def test_the_manage_page_can_say_until_when_a_key_is_locked(client, language, locked_until):
    page = client.get(f"/booking/manage?lang={language}").get_data(as_text=True)
    texts = json.loads(re.search(r'id="booking-text">(.*?)</script>', page, re.S).group(1))
    assert texts["key_locked_until"].endswith(locked_until)
    assert "{time}" in texts["locked_now_until"]


@pytest.mark.parametrize(
    ("language", "closed", "morning", "free"),
    [
        ("fi", "kiinni", "Aamupäivä", "{count} vapaata aikaa"),
        ("sv", "stängt", "Förmiddag", "{count} lediga tider"),
        ("en", "closed", "Morning", "{count} free times"),
    ],
)
def test_the_calendar_speaks_the_page_language(client, language, closed, morning, free):
    page = client.get(f"/booking?lang={language}").get_data(as_text=True)
    texts = json.loads(re.search(r'id="booking-text">(.*?)</script>', page, re.S).group(1))
    assert (texts["closed_short"], texts["part_morning"], texts["free_many"]) == (
        closed,
        morning,
        free,
    )


@pytest.mark.parametrize("path", ["/booking?lang=fi", "/booking/manage?lang=fi"])
def test_the_scripts_come_in_the_order_they_need(client, path):
    page = client.get(path).get_data(as_text=True)
    assert page.index("locale.js") < page.index("calendar.js") < page.index("booking.js")
