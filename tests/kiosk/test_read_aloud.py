"""Read aloud on the kiosk: each screen named by the page, spoken from the server's own texts."""

from __future__ import annotations

import io
import wave

import pytest

from kiosk.read_aloud import SCREENS, screen_text


def wav_seconds(response) -> float:
    """Seconds of sound in a WAV answer (fails unless it is valid WAV); closes the answer."""
    data = response.data
    response.close()
    with wave.open(io.BytesIO(data), "rb") as audio:
        return audio.getnframes() / audio.getframerate()


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("fi", "Mikä on asiasi?"),
        ("sv", "Vad gäller ditt ärende?"),
        ("en", "What did you come for?"),
    ],
)
def test_screen_text_is_the_translated_screen(app, language, words):
    with app.test_request_context():
        text = screen_text("matter", language, {})
    assert words.lower() in text.lower()
    assert "Residence permit" in text if language == "en" else "Residence permit" not in text


def test_ticket_text_has_the_number_and_the_estimate(app):
    with app.test_request_context():
        text = screen_text("ticket", "en", {"number": "A042", "people_ahead": 3, "minutes": 36})
    assert "Your waiting number: A042." in text
    assert "People ahead of you: 3." in text and "36 min" in text


@pytest.mark.parametrize("screen", [s for s in SCREENS if s != "ticket"])
def test_every_screen_is_spoken(client, screen):
    response = client.get(f"/api/v1/speech/kiosk/{screen}?language=sv")
    assert response.status_code == 200 and response.mimetype == "audio/wav"
    assert wav_seconds(response) > 0.5


def test_ticket_screen_differs_per_language(client):
    seconds = {}
    bodies = set()
    for language in ("fi", "sv", "en"):
        response = client.get(
            f"/api/v1/speech/kiosk/ticket?language={language}&number=A042&people_ahead=0&minutes=0"
        )
        assert response.status_code == 200
        bodies.add(response.data)
        seconds[language] = wav_seconds(response)
    assert len(bodies) == 3 and min(seconds.values()) > 2.0


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/api/v1/speech/kiosk/nothing?language=fi", 404),
        ("/api/v1/speech/kiosk/matter?language=de", 400),
        ("/api/v1/speech/kiosk/matter", 400),
        ("/api/v1/speech/kiosk/ticket?language=fi", 400),
        ("/api/v1/speech/kiosk/ticket?language=fi&number=hello", 400),
        ("/api/v1/speech/kiosk/ticket?language=fi&number=A042&minutes=-1", 400),
    ],
)
def test_bad_requests_are_refused(client, path, status):
    response = client.get(path)
    assert response.status_code == status
    assert set(response.json["error"]) >= {"code", "message"}
