"""Read aloud: each kiosk screen spoken in the chosen language (EN 301 549, public kiosks).

The browser names a screen, never the words: the text comes from the server's own catalogues,
so nobody can make the kiosk say something it does not show. The ticket screen speaks only a
number issued today at the kiosk's service point, with the people ahead and the estimate rounded
into a few steps (`shared.speech.speakable`): a closed set of texts. A cached text is sent at
once; a new one is made within `READ_ALOUD_SYNTHESIS`, a small limit of its own (these routes
pass by the admission places).
"""

from __future__ import annotations

from apiflask import APIBlueprint, Schema
from apiflask.fields import Integer, String
from apiflask.validators import OneOf, Range, Regexp
from flask import Response, request
from flask_babel import force_locale, gettext

from shared.errors import DomainError, InvalidRequest
from shared.queue.tickets import local_day, require_service_point
from shared.speech.engine import (
    SPEECH_LANGUAGES,
    TICKET_NUMBER,
    SpeechUnavailable,
    speech_service_for,
    text_ssml,
)
from shared.speech.speakable import (
    LANGUAGE_SCREEN_PHRASES,
    bounded_people_ahead,
    bounded_wait_minutes,
    require_issued_on,
)
from shared.web.context import get_db, jono, release_database
from shared.web.kiosk_auth import KIOSK_ONLY, KioskIdentity, kiosk_required
from shared.web.slow_work import SlowWorkLimit, off_the_loop

CACHE_SECONDS = 24 * 3600
# New read-aloud texts made at once by this process; apart from the displays' call-outs
# (display.speech_api.CALL_SYNTHESIS), so neither can crowd out the other.
READ_ALOUD_SYNTHESIS = SlowWorkLimit(2)
api = APIBlueprint("kiosk_speech_api", __name__, url_prefix="/api/v1/speech", tag="Kiosk")


def _screen_texts(screen: str, limit: int) -> list[str] | None:
    """The texts a screen shows, in the current (forced) language, in reading order."""
    texts = {
        "matter": [
            gettext("What did you come for?"),
            gettext(
                "Waiting numbers are only for urgent matters. Most matters are handled by"
                " appointment, which you book online."
            ),
            gettext("Residence permit"),
            gettext("Passport or other travel document"),
            gettext("Citizenship"),
            gettext("EU registration"),
            gettext("Leaving additional documents"),
            gettext("I am an asylum seeker"),
        ],
        "passport": [
            gettext("Is your current passport issued by Finland?"),
            gettext("Yes, a Finnish passport"),
            gettext("No, or I have no passport"),
        ],
        "expiry_residence_permit": [
            gettext("When does your residence permit expire?"),
            gettext("Choose the year and the month."),
            gettext("None of these: I have none yet, or it expires later"),
        ],
        "expiry_travel_document": [
            gettext("When does your passport expire?"),
            gettext("Choose the year and the month."),
            gettext("None of these: I have none yet, or it expires later"),
        ],
        "found": [
            gettext("Did you find a suitable appointment time in the online booking system?"),
            gettext("No, I could not find a suitable time"),
            gettext("Yes, there is a suitable time"),
        ],
        "party": [
            gettext("How many persons are you, yourself included?"),
            gettext(
                "A family can come together: at most %(limit)s persons per waiting number or"
                " appointment.",
                limit=limit,
            ),
        ],
        "working": [gettext("One moment, please…")],
        "book_online": [
            gettext("Please book an appointment online"),
            gettext(
                "Your matter is not urgent, so it is handled by appointment. Waiting numbers are"
                " only for urgent matters."
            ),
            gettext("Scan the code with your phone, or go to"),
            gettext("I cannot use the online booking system"),
        ],
        "book_online_foreign_passport": [
            gettext("Your passport is renewed by the country that issued it"),
            gettext(
                "Contact the embassy or consulate of that country. If you need an alien's"
                " passport or a refugee travel document from Finland, book an appointment"
                " online."
            ),
            gettext("Scan the code with your phone, or go to"),
            gettext("I cannot use the online booking system"),
        ],
        "postbox": [
            gettext("Additional documents go in the postbox"),
            gettext(
                "During opening hours you can leave additional documents for your application in"
                " the postbox at this service point. You do not need a waiting number or an"
                " appointment."
            ),
        ],
        "asylum": [
            gettext("Asylum seekers are invited to an interview"),
            gettext(
                "You do not need a waiting number or an appointment: you will receive an"
                " invitation to an asylum interview. Ask the staff at the reception centre if you"
                " have questions."
            ),
        ],
        "closed": [
            gettext("No more waiting numbers today"),
            gettext(
                "Waiting numbers are not being given out now. Please come back when the service"
                " point is open, or book an appointment online."
            ),
        ],
        "error": [gettext("Something went wrong"), gettext("Try again")],
        # Appointment screens. The offered time, the reservation key and the PIN are not
        # read out: the kiosk stands in a public lobby.
        "check_in": [
            gettext("Check in for your appointment"),
            gettext(
                "Type the reservation key from your confirmation, or show its QR code to the"
                " reader."
            ),
        ],
        "check_in_early": [gettext("It is too early to check in")],
        "check_in_lost": [
            gettext("Your appointment time has passed"),
            gettext(
                "We are sorry: an appointment is kept only until it starts, so this appointment"
                " has been lost. If your matter is urgent, you can still get a waiting number."
            ),
            gettext("Answer the questions for a waiting number"),
        ],
        "offer": [
            gettext("There is a free appointment for you"),
            gettext(
                "With an appointment you do not wait in the queue. You get a reservation key and"
                " a PIN code; no contact details are needed."
            ),
            gettext("Take this appointment"),
            gettext("No, thank you: give me a waiting number"),
        ],
        "offer_booked": [gettext("Your appointment is booked")],
    }
    return texts.get(screen)


def _ticket_texts(number: str, people_ahead: int | None, minutes: int | None) -> list[str]:
    """The ticket screen: the number, who is ahead, the estimate and the reminder.

    The people ahead and the minutes are said in steps (`bounded_people_ahead`,
    `bounded_wait_minutes`), so a number has a few hundred texts, not one per value sent.
    """
    texts = [f"{gettext('Your waiting number')}: {number}."]
    if people_ahead is not None:
        count, is_more_than = bounded_people_ahead(people_ahead)
        if count == 0:
            ahead = gettext("Nobody – you are next")
        else:
            ahead = gettext("more than %(count)s", count=count) if is_more_than else str(count)
        texts.append(f"{gettext('People ahead of you')}: {ahead}.")
    if minutes is not None:
        wait, is_more_than = bounded_wait_minutes(minutes)
        spoken = gettext("more than %(count)s", count=wait) if is_more_than else str(wait)
        estimate = gettext("{minutes} min").replace("{minutes}", spoken)
        texts.append(f"{gettext('Estimated wait')}: {estimate}.")
    texts.append(
        gettext(
            "Have your application form filled in before your turn: there is no time to fill it"
            " in at the counter."
        )
    )
    return texts


SCREENS = (
    "language",
    "matter",
    "passport",
    "expiry_residence_permit",
    "expiry_travel_document",
    "found",
    "party",
    "working",
    "ticket",
    "book_online",
    "book_online_foreign_passport",
    "postbox",
    "asylum",
    "closed",
    "error",
    "check_in",
    "check_in_early",
    "check_in_lost",
    "offer",
    "offer_booked",
)


class KioskScreenQuery(Schema):
    language = String(required=True, validate=OneOf(SPEECH_LANGUAGES))
    service_point = String(metadata={"description": "the kiosk's service point (ticket screen)"})
    number = String(validate=Regexp(f"^{TICKET_NUMBER.pattern}$"))
    people_ahead = Integer(strict=False, validate=Range(min=0, max=9999))
    minutes = Integer(strict=False, validate=Range(min=0, max=100000))


def screen_text(screen: str, language: str, query: dict) -> str:
    """The whole text of one kiosk screen in one language, as the kiosk shows it."""
    if screen == "language":  # read in all three in turn (LANGUAGE_SCREEN_ORDER)
        return LANGUAGE_SCREEN_PHRASES[language]
    with force_locale(language):
        if screen == "ticket":
            if "number" not in query:
                raise InvalidRequest("invalid_request")
            texts = _ticket_texts(query["number"], query.get("people_ahead"), query.get("minutes"))
        else:
            texts = _screen_texts(screen, jono().config.rules.max_party_size)
    return " ".join(
        text if text.endswith((".", "?", "!", "…", ":")) else text + "." for text in texts
    )


@api.get("/kiosk/<screen>")
@kiosk_required  # outermost, so a stranger gets 401 before the query is even validated
@api.input(KioskScreenQuery, location="query", arg_name="query")
@api.doc(
    operation_id="getKioskScreenAudio",
    summary="A kiosk screen read aloud, as WAV",
    description="The screen's own texts from the server's catalogues in the chosen language"
    " (never text sent by the browser). `screen` is one of: " + ", ".join(SCREENS) + "; the"
    " ticket screen needs `service_point` and `number` (a number issued there today) and may"
    " add `people_ahead` and `minutes`, which are spoken in steps: people ahead exactly up to"
    ' 10, then "more than 10", 20 … 50; the wait rounded up to 5 minutes within the hour and'
    ' to 15 minutes beyond, then "more than 240 min". 503 `busy` when too many new texts are'
    " being made at once. For a paired kiosk (the ticket screen: of that service point).",
    **KIOSK_ONLY,
    responses={
        200: {
            "description": "The screen read aloud",
            "content": {"audio/wav": {"schema": {"type": "string", "format": "binary"}}},
        },
        400: "Bad language or values, or a ticket screen without its service point or number",
        401: "Not a paired kiosk",
        403: "A kiosk of another service point",
        404: "Unknown screen or service point, or a number not issued there today",
        503: "espeak-ng is missing or failed, or the server is busy making other texts",
    },
)
def get_kiosk_screen_audio(screen: str, query: dict, kiosk: KioskIdentity):
    """Speak one kiosk screen."""
    if screen not in SCREENS:
        raise DomainError("not_found", status=404)
    config = jono().config
    if screen == "ticket":
        if "service_point" not in query or "number" not in query:
            raise InvalidRequest("invalid_request")
        service_point = require_service_point(config, query["service_point"])
        if service_point.id != kiosk.service_point:
            raise DomainError("kiosk_of_another_point", status=403)
        day = local_day(service_point, jono().clock.now())
        require_issued_on(get_db(), service_point.id, day, query["number"])
    # Give the connection back now: a synthesis may wait for a place, and these requests pass
    # by the admission places, so holding it could leave the kiosks without connections.
    release_database()
    language = query["language"]
    text = screen_text(screen, language, query)
    spelled = (query["number"],) if screen == "ticket" else ()
    service = speech_service_for(config.database, config.speech.cache_bytes)
    try:
        path = service.speak(
            text_ssml(text, spelled),
            language,
            place=READ_ALOUD_SYNTHESIS.place,
            run_file_work=off_the_loop,
        )
    except SpeechUnavailable as error:
        raise DomainError("speech_unavailable", status=503, reason=str(error)) from error
    return wav_response(path)


def wav_response(path):
    """Answer with a cached WAV file, read whole (a few hundred kB): no file handle stays open."""
    response = Response(path.read_bytes(), mimetype="audio/wav")
    response.cache_control.public = True
    response.cache_control.max_age = CACHE_SECONDS
    response.set_etag(path.stem)
    return response.make_conditional(request)
