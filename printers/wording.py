"""What the printed slips say, in Finnish, Swedish and English.

The web pages use Babel catalogues; a slip is printed by a worker that has no request and
no locale, so its few sentences live here in one self-contained table. Every language has
exactly the same keys (a test checks it).
"""

from __future__ import annotations

from datetime import datetime

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
        "estimated_wait": "Arvioitu odotusaika noin {minutes} min",
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
        "estimated_wait": "Beräknad väntetid cirka {minutes} min",
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
        "estimated_wait": "Estimated wait about {minutes} min",
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

_WEEKDAYS = {
    "fi": ("ma", "ti", "ke", "to", "pe", "la", "su"),
    "sv": ("mån", "tis", "ons", "tors", "fre", "lör", "sön"),
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
}

_ENGLISH_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


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


def format_date(language: str, moment: datetime) -> str:
    """Return the calendar date as people in Finland write it in ``language``."""
    if check_language(language) == "en":
        return f"{moment.day} {_ENGLISH_MONTHS[moment.month - 1]} {moment.year}"
    return f"{moment.day}.{moment.month}.{moment.year}"


def format_time(language: str, moment: datetime) -> str:
    """Return the clock time: 9.05 in Finnish and Swedish, 09:05 in English."""
    if check_language(language) == "en":
        return f"{moment.hour:02d}:{moment.minute:02d}"
    return f"{moment.hour}.{moment.minute:02d}"


def format_weekday(language: str, moment: datetime) -> str:
    """Return the short weekday name of ``moment`` in ``language``."""
    return _WEEKDAYS[check_language(language)][moment.weekday()]
