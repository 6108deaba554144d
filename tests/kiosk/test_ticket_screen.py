"""The kiosk's ticket screen: the phone page's QR code without a printer, the honest estimate
while no counter is open, and English dates written as in Finland (issue 15)."""

from __future__ import annotations

import json
import subprocess

import pytest

from tests.conftest import PROJECT_ROOT
from tests.kiosk.test_api import URGENT_ANSWERS, ticket_body

LOCALE_JS = PROJECT_ROOT / "shared" / "web" / "static" / "locale.js"


def issue_number(client, key="ticket-screen-0001"):
    """An urgent waiting number issued through the kiosk API."""
    response = client.post("/api/v1/service-points/helsinki/tickets", json=ticket_body(key=key))
    assert response.status_code == 201, response.json
    return response.json


def test_status_qr_of_a_real_token_is_an_svg(client):
    ticket = issue_number(client)
    response = client.get(f"/t/{ticket['status_token']}/qr.svg")
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    assert response.get_data(as_text=True).startswith("<svg")
    assert "no-store" in response.headers["Cache-Control"]


@pytest.mark.parametrize("token", ["made-up", "a" * 22, "A001"])
def test_status_qr_of_a_made_up_token_is_404(client, token):
    issue_number(client)
    response = client.get(f"/t/{token}/qr.svg")
    assert response.status_code == 404
    assert "svg" not in response.get_data(as_text=True)


def test_ticket_screen_has_the_qr_element_whatever_the_printer(client):
    page = client.get("/kiosk/helsinki?lang=en").get_data(as_text=True)
    ticket_screen = page[page.index('id="screen-ticket"') : page.index('id="screen-book-online"')]
    assert 'id="ticket-qr"' in ticket_screen
    assert "Scan the code to follow your turn on your phone." in ticket_screen
    # Not inside a printer-only block: the template has no printer condition around it.
    assert "{%" not in ticket_screen
    assert page.index("locale.js") < page.index("kiosk.js")  # kiosk.js needs JonoLocale


def test_no_estimate_while_no_counter_is_open(client):
    ticket = issue_number(client)
    assert ticket["estimated_wait_minutes"] is None
    triage = client.post("/api/v1/service-points/helsinki/triage", json=URGENT_ANSWERS)
    assert triage.json["estimate"]["estimated_wait_minutes"] is None


def test_estimate_once_a_counter_serving_the_queue_opens(client, make_clerk):
    make_clerk()
    issue_number(client, key="ticket-screen-0001")
    second = issue_number(client, key="ticket-screen-0002")
    assert second["estimated_wait_minutes"] == 12  # one ahead, 12 min each, one counter open


def test_kiosk_says_the_wait_cannot_be_estimated_in_each_language(client):
    expected = {
        "en": "Cannot be estimated yet: no counter is open",
        "fi": "Ei voida vielä arvioida: yksikään tiski ei ole auki",
        "sv": "Kan inte uppskattas ännu: ingen disk är öppen",
    }
    for language, text in expected.items():
        page = client.get(f"/kiosk/helsinki?lang={language}").get_data(as_text=True)
        start = page.index('<script type="application/json" id="kiosk-text">') + 48
        texts = json.loads(page[start : page.index("</script>", start)])
        assert texts["no_estimate"] == text


def format_with_locale_js(language: str) -> dict:
    """What locale.js maps `language` to, and 1 December 2026 21:15 formatted with it, in Node."""
    script = """
    const { localeFor } = require(process.argv[1]);
    const locale = localeFor(process.argv[2]);
    const moment = new Date(2026, 11, 1, 21, 15);
    process.stdout.write(JSON.stringify({
      locale,
      date: moment.toLocaleDateString(locale, { day: "numeric", month: "numeric" }),
      time: moment.toLocaleTimeString(locale, { hour: "2-digit", minute: "2-digit" }),
    }));
    """
    result = subprocess.run(
        ["node", "-e", script, str(LOCALE_JS), language],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(result.stdout)


def test_english_dates_are_day_month_and_24_hour():
    english = format_with_locale_js("en")
    assert english["locale"] == "en-GB"
    assert english["date"].lstrip("0").startswith("1/")  # 1 December, not 12 January
    assert english["time"] == "21:15"
    assert format_with_locale_js("fi")["locale"] == "fi"


@pytest.mark.parametrize("page", ["kiosk/static/kiosk.js", "booking/static/booking.js"])
def test_pages_format_dates_with_the_locale_mapping(page):
    source = (PROJECT_ROOT / page).read_text()
    assert "JonoLocale.localeFor(language)" in source
    for call in ("toLocaleDateString(", "toLocaleTimeString(", "Intl.DateTimeFormat("):
        assert call + "language" not in source
