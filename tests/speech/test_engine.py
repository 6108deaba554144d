"""Spoken call-outs: espeak-ng WAV files per language, cached, served by the speech API."""

from __future__ import annotations

import io
import threading
import wave

import pytest

import shared.speech.engine
from shared.speech.engine import (
    InvalidSpeechRequest,
    SpeechService,
    SpeechUnavailable,
    call_ssml,
    spoken_number,
    text_ssml,
)


def wav_facts(data: bytes) -> tuple[int, int, float]:
    """(channels, sample width, seconds) of a WAV file; fails unless it is valid WAV."""
    with wave.open(io.BytesIO(data), "rb") as audio:
        return audio.getnchannels(), audio.getsampwidth(), audio.getnframes() / audio.getframerate()


@pytest.fixture
def service(tmp_path):
    return SpeechService(tmp_path / "speech-cache")


def test_numbers_are_spoken_as_letter_and_value():
    assert spoken_number("A042") == ("A", 42)
    assert spoken_number("B1000") == ("B", 1000)


@pytest.mark.parametrize(
    ("language", "phrase"),
    [("fi", "Vuoronumero"), ("sv", "Nummer"), ("en", "Number")],
)
def test_call_phrase_as_a_native_speaker_says_it(language, phrase):
    ssml = call_ssml("A042", 5, language)
    assert ssml.startswith(f'<speak>{phrase} <say-as interpret-as="characters">A</say-as> 42,')
    assert ssml.endswith(
        {"fi": "tiski 5.</speak>", "sv": "disk 5.</speak>", "en": "counter 5.</speak>"}[language]
    )


@pytest.mark.parametrize(
    ("number", "counter", "language"),
    [
        ("a042", 5, "fi"),
        ("A42", 5, "fi"),
        ("A04200", 5, "fi"),
        ("A042; rm -rf /", 5, "fi"),
        ("A042", 0, "fi"),
        ("A042", True, "fi"),
        ("A042", "5", "fi"),
        ("A042", 5, "de"),
    ],
)
def test_malformed_calls_are_refused(number, counter, language):
    with pytest.raises(InvalidSpeechRequest):
        call_ssml(number, counter, language)


def test_text_is_escaped_so_it_cannot_become_markup():
    ssml = text_ssml('Your number is A042 <audio src="x"/> & more', ("A042",))
    assert "<audio" not in ssml
    assert "&lt;audio" in ssml and "&amp; more" in ssml
    assert '<say-as interpret-as="characters">A</say-as> 42' in ssml


def test_call_audio_is_valid_wav_and_differs_per_language(service):
    files = {language: service.call_audio("A042", 5, language) for language in ("fi", "sv", "en")}
    contents = {language: path.read_bytes() for language, path in files.items()}
    for data in contents.values():
        channels, width, seconds = wav_facts(data)
        assert (channels, width) == (1, 2)
        assert 1.0 < seconds < 8.0
    assert len(set(contents.values())) == 3
    assert len({path.name for path in files.values()}) == 3


def test_call_audio_is_cached_on_disk(service, monkeypatch):
    first = service.call_audio("B007", 12, "sv")
    made = first.stat().st_mtime_ns

    def no_synthesis(*arguments, **keywords):
        raise AssertionError("espeak-ng ran again for a cached call")

    monkeypatch.setattr(shared.speech.engine.subprocess, "run", no_synthesis)
    again = service.call_audio("B007", 12, "sv")
    assert again == first and again.stat().st_mtime_ns == made
    assert [path.suffix for path in service.cache_directory.iterdir()] == [".wav"]


def test_concurrent_requests_for_one_call_synthesize_once(service, monkeypatch):
    runs = []
    real_run = shared.speech.engine.subprocess.run

    def counting_run(command, **keywords):
        if "-w" in command:
            runs.append(command)
        return real_run(command, **keywords)

    monkeypatch.setattr(shared.speech.engine.subprocess, "run", counting_run)
    results = []
    threads = [
        threading.Thread(target=lambda: results.append(service.call_audio("A001", 3, "fi")))
        for _ in range(6)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(runs) == 1
    assert len(set(results)) == 1 and wav_facts(results[0].read_bytes())[2] > 1.0


def test_chime_is_a_short_wav_made_without_espeak(service, monkeypatch):
    monkeypatch.setattr(shared.speech.engine, "ESPEAK_EXECUTABLE", "no-such-espeak-ng")
    channels, width, seconds = wav_facts(service.chime().read_bytes())
    assert (channels, width) == (1, 2) and 0.5 < seconds < 2.0


def test_missing_espeak_is_reported_and_refused(service, monkeypatch):
    monkeypatch.setattr(shared.speech.engine, "ESPEAK_EXECUTABLE", "no-such-espeak-ng")
    status = service.status()
    assert not status.is_available
    assert "not installed" in status.reason and "espeak-ng" in status.reason
    with pytest.raises(SpeechUnavailable):
        service.call_audio("A042", 5, "fi")


# --- the API -----------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_get_call_audio(client, language):
    response = client.get(f"/api/v1/speech/call?number=A042&counter=5&language={language}")
    data = response.data
    response.close()  # send_file streams from an open file
    assert response.status_code == 200
    assert response.mimetype == "audio/wav"
    assert wav_facts(data)[2] > 1.0


@pytest.mark.parametrize(
    "query",
    [
        "number=A42&counter=5&language=fi",
        "number=A042&counter=five&language=fi",
        "number=A042&counter=0&language=fi",
        "number=A042&counter=5&language=de",
        "number=A042%3Becho%20hi&counter=5&language=fi",
        "counter=5&language=fi",
    ],
)
def test_get_call_audio_refuses_bad_input(client, query, tmp_path):
    response = client.get(f"/api/v1/speech/call?{query}")
    assert response.status_code == 400
    assert response.json["error"]["code"] == "invalid_request"
    assert not (tmp_path / "speech-cache").exists() or not list(
        (tmp_path / "speech-cache").glob("*.wav")
    )


def test_speech_status_and_chime_when_espeak_is_missing(client, monkeypatch):
    assert client.get("/api/v1/speech/status").json["is_available"] is True
    monkeypatch.setattr(shared.speech.engine, "ESPEAK_EXECUTABLE", "no-such-espeak-ng")
    status = client.get("/api/v1/speech/status").json
    assert status["is_available"] is False and "espeak-ng" in status["reason"]
    response = client.get("/api/v1/speech/call?number=A042&counter=5&language=fi&lang=en")
    assert response.status_code == 503
    assert response.json["error"]["code"] == "speech_unavailable"
    chime = client.get("/api/v1/speech/chime")
    data = chime.data
    chime.close()
    assert chime.status_code == 200 and wav_facts(data)[2] > 0.5
