"""What the printed slips say, in Finnish, Swedish and English.

The web pages use Babel catalogues; a slip is printed by a worker that has no request and
no locale, so its few sentences live here in one self-contained table. Every language has
exactly the same keys (a test checks it).

Dates, times and waits are written here too, for the slips, the messages and the pages alike:
through Babel's CLDR data with the conventions of Finland (fi_FI, sv_FI, and British English:
day before month, 24-hour clock), and waits as "3 h 12 min". The callers pass the language and
a moment already in the service point's time; nothing here knows of Jono.
"""

from __future__ import annotations

from datetime import datetime

from babel import dates as babel_dates

LANGUAGES = ("fi", "sv", "en")

WORDING: dict[str, dict[str, str]] = {
    "fi": {
        "waiting_number": "Vuoronumero",
        "appointment": "Ajanvaraus",
        "checked_in": "Olet ilmoittautunut ajanvaraukseesi.",
        "booking_help": "Virkailija auttaa sinua varaamaan ajan.",
        "person": "{count} henkilö",
        "persons": "{count} henkilöä",
        "issued": "Tulostettu {date} klo {time}",
        "people_ahead": "Edelläsi jonossa: {count}",
        "you_are_next": "Olet seuraavana vuorossa.",
        "estimated_wait": "Arvioitu odotusaika noin {wait}",
        "watch_display": "Kun numerosi tulee näytölle, mene näytön osoittamalle tiskille.",
        "fill_in_application": "Täytä hakemus valmiiksi ennen vuoroasi.",
        "long_queue": "Jono voi olla pitkä, eikä palvelua tänään voida taata.",
        "follow_on_phone": "Seuraa vuoroasi puhelimella:",
        "confirmation": "Ajanvarauksen vahvistus",
        "reservation_key": "Varaustunnus",
        "pin_code": "PIN-koodi",
        "time": "Aika",
        "service_point": "Palvelupiste",
        "bring": "Ota mukaan:",
        "bring_identity": "passi tai muu henkilöllisyystodistus",
        "bring_attachments": "hakemuksen liitteet alkuperäisinä",
        "bring_everyone": "jokaisen varaukseen kuuluvan henkilön asiakirjat",
        "late_means_lost": "Jos myöhästyt, menetät varatun ajan.",
        "keep_key": (
            "Säilytä varaustunnus ja PIN-koodi: niillä voit tarkistaa tai peruuttaa "
            "ajanvarauksen ja korjata yhteystietosi."
        ),
        "manage_online": "Hallitse varausta:",
    },
    "sv": {
        "waiting_number": "Könummer",
        "appointment": "Tidsbokning",
        "checked_in": "Du har anmält dig till din bokade tid.",
        "booking_help": "En handläggare hjälper dig att boka en tid.",
        "person": "{count} person",
        "persons": "{count} personer",
        "issued": "Utskriven {date} kl. {time}",
        "people_ahead": "Före dig i kön: {count}",
        "you_are_next": "Du står näst i tur.",
        "estimated_wait": "Beräknad väntetid cirka {wait}",
        "watch_display": "När ditt nummer visas på skärmen, gå till den disk som anges där.",
        "fill_in_application": "Fyll i ansökan färdigt innan det är din tur.",
        "long_queue": "Kön kan vara lång och vi kan inte garantera att du blir betjänad i dag.",
        "follow_on_phone": "Följ din tur i mobilen:",
        "confirmation": "Bekräftelse av tidsbokning",
        "reservation_key": "Bokningsnummer",
        "pin_code": "PIN-kod",
        "time": "Tid",
        "service_point": "Serviceställe",
        "bring": "Ta med:",
        "bring_identity": "pass eller annat identitetsbevis",
        "bring_attachments": "ansökans bilagor i original",
        "bring_everyone": "handlingarna för varje person som ingår i bokningen",
        "late_means_lost": "Om du kommer för sent förlorar du din bokade tid.",
        "keep_key": (
            "Spara bokningsnumret och PIN-koden: med dem kan du kontrollera eller avboka "
            "tiden och rätta dina kontaktuppgifter."
        ),
        "manage_online": "Hantera bokningen:",
    },
    "en": {
        "waiting_number": "Waiting number",
        "appointment": "Appointment",
        "checked_in": "You have checked in for your appointment.",
        "booking_help": "A clerk will help you book an appointment.",
        "person": "{count} person",
        "persons": "{count} persons",
        "issued": "Issued {date} at {time}",
        "people_ahead": "People ahead of you: {count}",
        "you_are_next": "You are next in line.",
        "estimated_wait": "Estimated wait about {wait}",
        "watch_display": "When your number appears on the screen, go to the counter shown.",
        "fill_in_application": "Have your application filled in before your turn.",
        "long_queue": (
            "The queue may be long and we cannot guarantee that you will be served today."
        ),
        "follow_on_phone": "Follow your turn on your phone:",
        "confirmation": "Appointment confirmation",
        "reservation_key": "Reservation key",
        "pin_code": "PIN code",
        "time": "Time",
        "service_point": "Service point",
        "bring": "Bring with you:",
        "bring_identity": "passport or other identity document",
        "bring_attachments": "the original attachments of your application",
        "bring_everyone": "the documents of every person in the appointment",
        "late_means_lost": "If you are late, you lose the appointment.",
        "keep_key": (
            "Keep your reservation key and PIN code: with them you can check or cancel "
            "the appointment and correct your contact details."
        ),
        "manage_online": "Manage your appointment:",
    },
}

# The Babel locale of each language: as people in Finland write it. English is British (1
# December, 21:15), never the US order (12/1, 9:15 PM) that reads in Finland as 12 January.
BABEL_LOCALES = {"fi": "fi_FI", "sv": "sv_FI", "en": "en_GB"}
# CLDR patterns: the calendar date, the day as said in a sentence, and a day with its time.
_DATE_PATTERNS = {"fi": "d.M.y", "sv": "d.M.y", "en": "d MMMM y"}
_DAY_PATTERNS = {"fi": "EEEE d. MMMM", "sv": "EEEE d MMMM", "en": "EEEE d MMMM"}
_AT_TIME = {"fi": "{day} klo {time}", "sv": "{day} kl. {time}", "en": "{day}, {time}"}
MINUTES_PER_HOUR = 60


def check_language(language: str) -> str:
    """Return ``language`` if slips can be printed in it, else raise ValueError."""
    if language not in WORDING:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}, not {language!r}")
    return language


def say(language: str, key: str, **values: object) -> str:
    """Return the sentence ``key`` in ``language`` with ``values`` filled in."""
    return WORDING[check_language(language)][key].format(**values)


def persons(language: str, count: int) -> str:
    """Return "1 person" / "2 persons" in ``language``."""
    return say(language, "person" if count == 1 else "persons", count=count)


def babel_locale(language: str) -> str:
    """Return the Babel locale that writes dates and times of ``language`` as in Finland."""
    return BABEL_LOCALES[check_language(language)]


def format_date(language: str, moment: datetime) -> str:
    """Return the calendar date as people in Finland write it: 1.12.2026, 1 December 2026."""
    pattern = _DATE_PATTERNS[check_language(language)]
    return babel_dates.format_date(moment, pattern, locale=babel_locale(language))


def format_time(language: str, moment: datetime) -> str:
    """Return the clock time, 24-hour: 9.05 in Finnish and Swedish, 09:05 in English."""
    return babel_dates.format_time(moment, "short", locale=babel_locale(language))


def format_weekday(language: str, moment: datetime) -> str:
    """Return the short weekday name of ``moment`` in ``language``: ti, tis, Tue."""
    return babel_dates.format_date(moment, "EEE", locale=babel_locale(language))


def format_day(language: str, moment: datetime, with_year: bool = False) -> str:
    """Return the day as said in a sentence: "tiistaina 1. joulukuuta", "tisdag 1 december",
    "Tuesday 1 December" (with the year after it when ``with_year``)."""
    pattern = _DAY_PATTERNS[check_language(language)]
    if with_year:
        pattern += " y"
    return babel_dates.format_date(moment, pattern, locale=babel_locale(language))


def format_moment(language: str, moment: datetime, with_year: bool = False) -> str:
    """Return a day and its time: "tiistaina 1. joulukuuta klo 21.15", "tisdag 1 december
    kl. 21.15", "Tuesday 1 December, 21:15" (with the year after the date when ``with_year``)."""
    return _AT_TIME[check_language(language)].format(
        day=format_day(language, moment, with_year), time=format_time(language, moment)
    )


def format_wait(language: str, minutes: int) -> str:
    """Return a wait in hours and minutes, the same in every language: "45 min", "3 h 12 min",
    "2 h" (h and min are SI symbols, written alike in Finnish, Swedish and English)."""
    check_language(language)
    minutes = max(0, int(minutes))
    hours, rest = divmod(minutes, MINUTES_PER_HOUR)
    if not hours:
        return f"{rest} min"
    return f"{hours} h {rest} min" if rest else f"{hours} h"
