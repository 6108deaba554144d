"""The displays' speech API: call-outs only of numbers issued today, a cap on new syntheses."""

from __future__ import annotations

import dataclasses
import io
import wave

import pytest

import shared.speech.engine
from display.speech_api import CALL_SYNTHESIS
from shared.app import create_app
from shared.config.speech import SpeechSettings
from shared.queue.ticket_actions import call_ticket, finish_ticket
from shared.queue.tickets import issue_ticket
from shared.speech.engine import CHIME_FILE, default_cache_directory, speech_service_for


def wav_seconds(response) -> float:
    """Seconds of sound in a WAV answer (fails unless it is valid WAV); closes the answer."""
    data = response.data
    response.close()
    with wave.open(io.BytesIO(data), "rb") as audio:
        return audio.getnframes() / audio.getframerate()


def call_url(number: str, counter: int = 5, language: str = "fi", point: str = "helsinki") -> str:
    """The display's call-out request."""
    return (
        f"/api/v1/speech/call?service_point={point}&number={number}"
        f"&counter={counter}&language={language}"
    )


def spoken_files(config) -> set[str]:
    """The spoken files in the deployment's speech cache."""
    directory = default_cache_directory(config.database)
    return {path.name for path in directory.glob("*.wav")} - {CHIME_FILE}


def speech_service(config):
    """The app's own speech service (the same object the routes use)."""
    return speech_service_for(config.database, config.speech.cache_bytes)


@pytest.fixture
def issue(issue, db, config, clock):
    """Issue a number and call it (then finish it, freeing the counter): a display speaks only
    numbers that were called."""

    def issue_and_call(**overrides):
        issued = issue(**overrides)
        point = overrides.get("service_point", "helsinki")
        counter = config.service_point(point).counters[0].number
        where = {"service_point_id": point, "counter_number": counter, "clerk": "c"}
        call_ticket(db, config, ticket_id=issued.ticket.id, now=clock.now(), **where)
        finish_ticket(db, config, ticket_id=issued.ticket.id, now=clock.now(), **where)
        return issued

    return issue_and_call


@pytest.fixture
def display(anonymous_client):
    """A lobby display: no kiosk pairing, no clerk session."""
    return anonymous_client


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_a_number_issued_today_is_spoken(display, issue, language):
    number = issue().ticket.number
    response = display.get(call_url(number, 5, language))
    assert response.status_code == 200 and response.mimetype == "audio/wav"
    assert wav_seconds(response) > 1.0


def test_a_number_not_called_yet_is_not_spoken(display, config, db, clock):
    """A call-out tells nobody more than the display shows: not which numbers exist."""
    waiting = issue_ticket(
        db,
        config,
        service_point_id="helsinki",
        queue_id="urgent",
        party_size=1,
        language="fi",
        category=None,
        triage_answers={},
        idempotency_key=None,
        now=clock.now(),
    ).ticket
    response = display.get(call_url(waiting.number))
    assert (response.status_code, response.json["error"]["code"]) == (
        404,
        "number_not_issued_today",
    )
    assert speech_service(config).synthesis_runs == 0


def test_a_thousand_made_up_numbers_synthesise_nothing(display, config, issue):
    issued = issue().ticket.number
    assert wav_seconds(display.get(call_url(issued))) > 1.0
    service = speech_service(config)
    runs, files = service.synthesis_runs, spoken_files(config)
    # Letters no queue uses, so none of these was ever issued; counters and languages vary.
    made_up = [f"{letter}{value:03d}" for letter in "DEFGHIJKLM" for value in range(100)]
    for index, number in enumerate(made_up):
        response = display.get(call_url(number, 1 + index % 6, ("fi", "sv", "en")[index % 3]))
        assert response.status_code == 404, number
        assert response.json["error"]["code"] == "number_not_issued_today"
    assert service.synthesis_runs == runs
    assert spoken_files(config) == files


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("service_point=tampere&number={issued}&counter=1", "number_not_issued_today"),
        ("service_point=helsinki&number={issued}&counter=7", "unknown_counter"),
        ("service_point=oulu&number={issued}&counter=1", "unknown_service_point"),
    ],
)
def test_a_real_number_elsewhere_or_at_no_such_counter_is_refused(display, issue, query, code):
    issued = issue(service_point="helsinki").ticket.number
    response = display.get("/api/v1/speech/call?language=fi&" + query.format(issued=issued))
    assert response.status_code == 404
    assert response.json["error"]["code"] == code


def test_yesterdays_number_is_no_longer_spoken(display, clock, issue):
    number = issue().ticket.number
    assert wav_seconds(display.get(call_url(number))) > 1.0
    clock.advance(days=1)
    response = display.get(call_url(number))
    assert response.status_code == 404
    assert response.json["error"]["code"] == "number_not_issued_today"


def test_the_refusal_is_translated(display):
    response = display.get(call_url("D123") + "&lang=fi")
    assert response.json["error"]["message"] == (
        "Numeroa D123 ei ole annettu tässä palvelupisteessä tänään."
    )


@pytest.mark.parametrize(
    "query",
    [
        "service_point=helsinki&number=A42&counter=5&language=fi",
        "service_point=helsinki&number=A042&counter=five&language=fi",
        "service_point=helsinki&number=A042&counter=0&language=fi",
        "service_point=helsinki&number=A042&counter=5&language=de",
        "service_point=helsinki&number=A042%3Becho%20hi&counter=5&language=fi",
        "service_point=helsinki&counter=5&language=fi",
        "number=A001&counter=5&language=fi",
    ],
)
def test_bad_input_is_refused(display, config, query):
    response = display.get(f"/api/v1/speech/call?{query}")
    assert response.status_code == 400
    assert response.json["error"]["code"] == "invalid_request"
    assert spoken_files(config) == set()


def test_the_synthesis_cap_refuses_rather_than_queueing(display, config, issue):
    cached, new = issue().ticket.number, issue().ticket.number
    assert wav_seconds(display.get(call_url(cached))) > 1.0
    service = speech_service(config)
    runs = service.synthesis_runs
    with CALL_SYNTHESIS.place(), CALL_SYNTHESIS.place():  # both places taken
        refused = display.get(call_url(new))
        assert refused.status_code == 503
        assert refused.json["error"]["code"] == "busy"
        # A call-out already made needs no place: the displays keep speaking meanwhile.
        assert wav_seconds(display.get(call_url(cached))) > 1.0
    assert service.synthesis_runs == runs
    assert wav_seconds(display.get(call_url(new))) > 1.0  # a place is free again
    assert service.synthesis_runs == runs + 1


def test_the_cache_keeps_to_the_configured_cap(config, clock, issue):
    small = dataclasses.replace(config, speech=SpeechSettings(cache_megabytes=1))
    app = create_app(small, clock=clock, testing=True)
    try:
        display = app.test_client()
        numbers = [issue().ticket.number for _ in range(8)]
        for number in numbers:
            for language in ("fi", "sv", "en"):
                assert wav_seconds(display.get(call_url(number, 2, language))) > 1.0
        service = speech_service(small)
        assert service.synthesis_runs == 24  # about 3.5 MB of call-outs in all
        assert service.cache_bytes() <= 1_000_000
        assert 1 <= len(spoken_files(small)) < 24
    finally:
        app.extensions["jono"].connections.close_all()


def test_missing_espeak_gives_a_clear_503_and_the_chime_still_plays(display, issue, monkeypatch):
    number = issue().ticket.number
    assert display.get("/api/v1/speech/status").json["is_available"] is True
    monkeypatch.setattr(shared.speech.engine, "ESPEAK_EXECUTABLE", "no-such-espeak-ng")
    status = display.get("/api/v1/speech/status").json
    assert status["is_available"] is False and "espeak-ng" in status["reason"]
    response = display.get(call_url(number) + "&lang=en")
    assert response.status_code == 503
    assert response.json["error"]["code"] == "speech_unavailable"
    assert wav_seconds(display.get("/api/v1/speech/chime")) > 0.5
