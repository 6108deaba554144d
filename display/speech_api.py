"""Speech API: the chime, spoken call-outs and the speech engine's status, as WAV files.

These routes pass by the admission places (`shared.app.OWN_LIMIT_PREFIXES`): a call-out only
speaks a number issued and called today at its service point, a cached one is sent without
waiting, and a new one is made within `CALL_SYNTHESIS`, a small limit of its own.
"""

from __future__ import annotations

from apiflask import APIBlueprint, Schema
from apiflask.fields import Boolean, Integer, List, String
from apiflask.validators import OneOf, Range, Regexp
from flask import Response, request

from shared.errors import DomainError
from shared.queue.tickets import local_day, require_service_point
from shared.speech.engine import (
    SPEECH_LANGUAGES,
    TICKET_NUMBER,
    SpeechUnavailable,
    call_ssml,
    speech_service_for,
)
from shared.speech.speakable import require_counter, require_issued_on
from shared.web.context import get_db, jono, release_database
from shared.web.slow_work import SlowWorkLimit, off_the_loop

api = APIBlueprint("speech_api", __name__, url_prefix="/api/v1/speech", tag="Speech")
WAV = {"content": {"audio/wav": {"schema": {"type": "string", "format": "binary"}}}}
CACHE_SECONDS = 24 * 3600  # a call-out never changes; the display may keep it for a day
# New call-outs made at once by this process: a display asks for its languages one after
# another, so two let two displays announce different calls at once (espeak-ng takes well under
# a second each). The kiosk's read-aloud has a limit of its own, so a flood of read-aloud
# requests cannot silence the lobby displays.
CALL_SYNTHESIS = SlowWorkLimit(2)


class CallAudioQuery(Schema):
    service_point = String(required=True, metadata={"description": "the display's service point"})
    number = String(required=True, validate=Regexp(f"^{TICKET_NUMBER.pattern}$"))
    counter = Integer(required=True, strict=False, validate=Range(min=1, max=999))
    language = String(required=True, validate=OneOf(SPEECH_LANGUAGES))


class SpeechStatusSchema(Schema):
    is_available = Boolean(metadata={"description": "whether call-outs can be spoken"})
    engine = String()
    version = String(allow_none=True)
    reason = String(allow_none=True, metadata={"description": "why speech is not available"})
    languages = List(String())


def speech_service():
    """The speech service of this deployment (its cache lives beside the database)."""
    config = jono().config
    return speech_service_for(config.database, config.speech.cache_bytes)


def wav_response(path):
    """Answer with a cached WAV file, read whole (a few hundred kB): no file handle stays open."""
    response = Response(path.read_bytes(), mimetype="audio/wav")
    response.cache_control.public = True
    response.cache_control.max_age = CACHE_SECONDS
    response.set_etag(path.stem)
    return response.make_conditional(request)


@api.get("/call")
@api.input(CallAudioQuery, location="query", arg_name="query")
@api.doc(
    operation_id="getCallAudio",
    summary="A spoken call-out as WAV",
    description='"Number A 42, counter 5" as a native speaker says it in Finnish, Swedish or'
    " English, made offline with espeak-ng and cached. Only a number issued and called"
    " today at the service point and a counter of that point are spoken. 503"
    " `speech_unavailable` when espeak-ng is missing (see getSpeechStatus), 503 `busy` when"
    " too many new call-outs are being made at once.",
    responses={
        200: {"description": "The call-out", **WAV},
        400: "Bad number, counter or language",
        404: "Unknown service point or counter, or a number not called there today",
        503: "espeak-ng is missing or failed, or the server is busy making other call-outs",
    },
)
def get_call_audio(query: dict):
    """Speak one call in one language."""
    service_point = require_service_point(jono().config, query["service_point"])
    require_counter(service_point, query["counter"])
    day = local_day(service_point, jono().clock.now())
    require_issued_on(get_db(), service_point.id, day, query["number"], called_only=True)
    # Give the connection back now: a synthesis may wait for a place, and these requests pass
    # by the admission places, so holding it could leave the kiosks without connections.
    release_database()
    ssml = call_ssml(query["number"], query["counter"], query["language"])
    try:
        path = speech_service().speak(
            ssml, query["language"], place=CALL_SYNTHESIS.place, run_file_work=off_the_loop
        )
    except SpeechUnavailable as error:
        raise DomainError("speech_unavailable", status=503, reason=str(error)) from error
    return wav_response(path)


@api.get("/chime")
@api.doc(
    operation_id="getChimeAudio",
    summary="The chime played before each call, as WAV",
    description="Made once with Python's wave module, so it plays even without espeak-ng.",
    responses={200: {"description": "The chime", **WAV}},
)
def get_chime_audio():
    """The chime."""
    return wav_response(speech_service().chime())


@api.get("/status")
@api.output(SpeechStatusSchema)
@api.doc(
    operation_id="getSpeechStatus",
    summary="Whether spoken call-outs work",
    description="Which engine speaks, its version and languages, or why it cannot speak.",
)
def get_speech_status():
    """The speech engine's state."""
    status = speech_service().status()
    return {
        "is_available": status.is_available,
        "engine": status.engine,
        "version": status.version,
        "reason": status.reason,
        "languages": list(status.languages),
    }
