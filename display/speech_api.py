"""Speech API: the chime, spoken call-outs and the speech engine's status, as WAV files."""

from __future__ import annotations

from apiflask import APIBlueprint, Schema
from apiflask.fields import Boolean, Integer, List, String
from apiflask.validators import OneOf, Range, Regexp
from flask import Response, request

from shared.errors import DomainError
from shared.speech.engine import (
    SPEECH_LANGUAGES,
    TICKET_NUMBER,
    SpeechUnavailable,
    speech_service_for,
)
from shared.web.context import jono

api = APIBlueprint("speech_api", __name__, url_prefix="/api/v1/speech", tag="Speech")
WAV = {"content": {"audio/wav": {"schema": {"type": "string", "format": "binary"}}}}
CACHE_SECONDS = 24 * 3600  # a call-out never changes; the display may keep it for a day


class CallAudioQuery(Schema):
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
    return speech_service_for(jono().config.database)


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
    " English, made offline with espeak-ng and cached. 503 when espeak-ng is missing"
    " (see getSpeechStatus).",
    responses={
        200: {"description": "The call-out", **WAV},
        400: "Bad number, counter or language",
        503: "espeak-ng is missing or failed",
    },
)
def get_call_audio(query: dict):
    """Speak one call in one language."""
    try:
        path = speech_service().call_audio(query["number"], query["counter"], query["language"])
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
