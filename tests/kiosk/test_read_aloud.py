"""Read aloud on the kiosk: each screen named by the page, spoken from the server's own texts."""

from __future__ import annotations

import io
import wave

import pytest

from kiosk.read_aloud import READ_ALOUD_SYNTHESIS, SCREENS, screen_text
from shared.speech.engine import CHIME_FILE, default_cache_directory, speech_service_for


def wav_seconds(response) -> float:
    """Seconds of sound in a WAV answer (fails unless it is valid WAV); closes the answer."""
    data = response.data
    response.close()
    with wave.open(io.BytesIO(data), "rb") as audio:
        return audio.getnframes() / audio.getframerate()


def spoken_files(config) -> set[str]:
    """The spoken files in the deployment's speech cache."""
    directory = default_cache_directory(config.database)
    return {path.name for path in directory.glob("*.wav")} - {CHIME_FILE}


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
    assert "People ahead of you: 3." in text and "Estimated wait: 40 min." in text


@pytest.mark.parametrize(
    ("language", "people_ahead", "minutes", "words"),
    [
        ("en", 0, 0, ["People ahead of you: Nobody – you are next.", "Estimated wait: 0 min."]),
        ("en", 37, 350, ["People ahead of you: more than 30.", "wait: more than 240 min."]),
        ("fi", 37, 350, ["Edelläsi jonossa: yli 30.", "yli 240 min."]),
        ("sv", 500, 61, ["Före dig i kön: fler än 50.", "75 min."]),
    ],
)
def test_ticket_text_says_the_values_in_steps(app, language, people_ahead, minutes, words):
    query = {"number": "A042", "people_ahead": people_ahead, "minutes": minutes}
    with app.test_request_context():
        text = screen_text("ticket", language, query)
    for part in words:
        assert part in text


def test_any_values_make_a_few_hundred_texts_per_number(app):
    with app.test_request_context():
        texts = {
            screen_text("ticket", "en", {"number": "A042", "people_ahead": ahead, "minutes": wait})
            for ahead in range(0, 400, 7)
            for wait in range(0, 1000, 11)
        }
    assert len(texts) <= 16 * 26


@pytest.mark.parametrize("screen", [s for s in SCREENS if s != "ticket"])
def test_every_screen_is_spoken(client, screen):
    response = client.get(f"/api/v1/speech/kiosk/{screen}?language=sv")
    assert response.status_code == 200 and response.mimetype == "audio/wav"
    assert wav_seconds(response) > 0.5


def ticket_url(number: str, language: str = "fi", ahead: int = 0, minutes: int = 0) -> str:
    """The kiosk's read-aloud request for its ticket screen at Helsinki."""
    return (
        f"/api/v1/speech/kiosk/ticket?language={language}&service_point=helsinki"
        f"&number={number}&people_ahead={ahead}&minutes={minutes}"
    )


def speech_service(config):
    """The app's own speech service (the same object the routes use)."""
    return speech_service_for(config.database, config.speech.cache_bytes)


def test_ticket_screen_differs_per_language(client, issue):
    number = issue().ticket.number
    seconds = {}
    bodies = set()
    for language in ("fi", "sv", "en"):
        response = client.get(ticket_url(number, language))
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
        ("/api/v1/speech/kiosk/ticket?language=fi&service_point=helsinki", 400),
        ("/api/v1/speech/kiosk/ticket?language=fi&number=A001", 400),
        ("/api/v1/speech/kiosk/ticket?language=fi&service_point=helsinki&number=hello", 400),
        (
            "/api/v1/speech/kiosk/ticket?language=fi&service_point=helsinki&number=A001&minutes=-1",
            400,
        ),
        ("/api/v1/speech/kiosk/ticket?language=fi&service_point=oulu&number=A001", 404),
        # The Helsinki kiosk may not speak another point's numbers (nor learn whether it has any).
        ("/api/v1/speech/kiosk/ticket?language=fi&service_point=tampere&number=A001", 403),
    ],
)
def test_bad_requests_are_refused(client, issue, config, path, status):
    assert issue(service_point="helsinki").ticket.number == "A001"
    response = client.get(path)
    assert response.status_code == status
    assert set(response.json["error"]) >= {"code", "message"}
    assert speech_service(config).synthesis_runs == 0


def test_a_thousand_made_up_numbers_synthesise_nothing(client, config, issue):
    issued = issue().ticket.number
    assert wav_seconds(client.get(ticket_url(issued))) > 2.0
    service = speech_service(config)
    runs, files = service.synthesis_runs, spoken_files(config)
    # Letters no queue uses, so none of these was ever issued; the other values vary freely.
    made_up = [f"{letter}{value:03d}" for letter in "DEFGHIJKLM" for value in range(100)]
    for index, number in enumerate(made_up):
        language = ("fi", "sv", "en")[index % 3]
        response = client.get(ticket_url(number, language, index * 7, index * 13))
        assert response.status_code == 404, number
        assert response.json["error"]["code"] == "number_not_issued_today"
    assert service.synthesis_runs == runs
    assert spoken_files(config) == files


def test_values_in_one_step_share_one_synthesis(client, config, issue):
    number = issue().ticket.number
    service = speech_service(config)
    bodies = set()
    for ahead in range(31, 41):  # "more than 30"
        for minutes in range(16, 21):  # "20 min"
            response = client.get(ticket_url(number, "en", ahead, minutes))
            assert response.status_code == 200
            bodies.add(response.data)
            response.close()
    assert len(bodies) == 1 and service.synthesis_runs == 1


def test_the_synthesis_cap_refuses_rather_than_queueing(client, config, issue):
    number = issue().ticket.number
    assert wav_seconds(client.get(ticket_url(number, "fi"))) > 2.0
    service = speech_service(config)
    runs = service.synthesis_runs
    with READ_ALOUD_SYNTHESIS.place(), READ_ALOUD_SYNTHESIS.place():  # both places taken
        refused = client.get(ticket_url(number, "sv"))
        assert refused.status_code == 503 and refused.json["error"]["code"] == "busy"
        # A text already made needs no place.
        assert wav_seconds(client.get(ticket_url(number, "fi"))) > 2.0
    assert service.synthesis_runs == runs
    assert wav_seconds(client.get(ticket_url(number, "sv"))) > 2.0
    assert service.synthesis_runs == runs + 1


def test_a_number_of_another_point_is_not_spoken_at_its_own_kiosk_either(pair_kiosk, issue, config):
    assert issue(service_point="helsinki").ticket.number == "A001"
    tampere = pair_kiosk("tampere")
    response = tampere.get(
        "/api/v1/speech/kiosk/ticket?language=fi&service_point=tampere&number=A001"
    )
    assert response.status_code == 404
    assert response.json["error"]["code"] == "number_not_issued_today"
    assert speech_service(config).synthesis_runs == 0


def test_the_language_screen_is_read_in_all_three_languages_in_turn(app):
    """Nobody has chosen a language yet: Finnish, then Swedish, then English, each its own."""
    from shared.speech.speakable import LANGUAGE_SCREEN_ORDER, LANGUAGE_SCREEN_PHRASES

    assert LANGUAGE_SCREEN_ORDER == ("fi", "sv", "en")
    with app.test_request_context():
        texts = [screen_text("language", language, {}) for language in LANGUAGE_SCREEN_ORDER]
    assert texts == [LANGUAGE_SCREEN_PHRASES[language] for language in LANGUAGE_SCREEN_ORDER]
    assert texts[0].startswith("Tervetuloa") and texts[1].startswith("Välkommen")
    assert texts[2].startswith("Welcome")


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("fi", "Passisi uusii se maa, joka on sen myöntänyt"),
        ("sv", "Ditt pass förnyas av det land som har utfärdat det"),
        ("en", "Your passport is renewed by the country that issued it"),
    ],
)
def test_the_foreign_passport_verdict_is_read_as_shown(app, language, words):
    with app.test_request_context():
        assert words in screen_text("book_online_foreign_passport", language, {})
