"""Spoken call-outs: espeak-ng WAV files per language, cached (the API: tests/display)."""

from __future__ import annotations

import io
import subprocess
import sys
import threading
import wave
from pathlib import Path

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
from tests.conftest import PROJECT_ROOT


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


def test_synthesis_works_under_the_gevent_server(tmp_path):
    """`jono serve` monkey-patches subprocess for gevent, whose child processes can only be
    waited for on the main loop: espeak-ng must run there, and only the file work off it."""
    script = (
        "from gevent import monkey; monkey.patch_all()\n"
        "import sys\n"
        "from shared.speech.engine import SpeechService, call_ssml\n"
        "from shared.web.slow_work import off_the_loop\n"
        "service = SpeechService(sys.argv[1])\n"
        "path = service.make(call_ssml('A042', 5, 'fi'), 'fi', run_file_work=off_the_loop)\n"
        "print(path)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path / "speech-cache")],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    made = Path(result.stdout.strip())
    assert made.parent == tmp_path / "speech-cache"
    assert wav_facts(made.read_bytes())[2] > 1.0
