"""The booking pages render in every language, with no inline script (the CSP forbids it)."""

from __future__ import annotations

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
    assert "/assets/booking/booking.js" in page
    assert "/assets/booking/booking.css" in page
    scripts = re.findall(r"<script([^>]*)>", page)
    assert all("src=" in script or 'type="application/json"' in script for script in scripts)


def test_the_party_limit_is_on_the_page(client):
    page = client.get("/booking?lang=en").get_data(as_text=True)
    assert 'max="6"' in page
    assert "please book more appointments" in page


@pytest.mark.parametrize("name", ["booking.js", "booking.css"])
def test_booking_assets_are_served(client, name):
    response = client.get(f"/assets/booking/{name}")
    try:
        assert response.status_code == 200
    finally:
        response.close()  # a static file stays open until its response is closed
