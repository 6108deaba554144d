"""Languages: Finnish, Swedish and English through Babel catalogues, chosen per person.

Dates, times and waits on the pages are written as in Finland, in every language: the
templates' filters (`moment`, `day`, `clock_time`, `wait`) format a moment already in the
service point's time with `printers.wording`, the one place the slips and messages use too.
Flask-Babel's own `format_datetime` would write English the US way (12/1/26, 9:15 PM), so
pages do not use it. `calendar_words` hands the same conventions to the pages' scripts.
"""

from __future__ import annotations

from datetime import datetime

from babel.dates import get_day_names, get_month_names
from flask import request, session
from flask_babel import Babel, get_locale

from printers import wording
from shared.config.reader import LANGUAGES
from shared.web.context import PROJECT_ROOT, jono

babel = Babel()


def select_language() -> str:
    """Pick the language: ?lang=, then the session's choice, then Accept-Language, then the default.

    Pages that remember a person's choice (the counter) store it in the session.
    """

    asked = request.args.get("lang")
    if asked in LANGUAGES:
        return asked
    chosen = session.get("language")
    if chosen in LANGUAGES:
        return chosen
    return request.accept_languages.best_match(LANGUAGES) or jono().config.default_language


def current_language() -> str:
    """The language of this request as a code (fi, sv or en)."""
    return str(get_locale() or "en")


def format_moment(moment: datetime, with_year: bool = False) -> str:
    """A day and its time in the page's language: "tiistaina 1. joulukuuta klo 21.15",
    "Tuesday 1 December, 21:15"."""
    return wording.format_moment(current_language(), moment, with_year)


def format_day(moment: datetime, with_year: bool = False) -> str:
    """The day in the page's language: "tiistaina 1. joulukuuta", "Tuesday 1 December"."""
    return wording.format_day(current_language(), moment, with_year)


def format_clock_time(moment: datetime) -> str:
    """The time of day, 24-hour, in the page's language: 21.15 (fi, sv), 21:15 (en)."""
    return wording.format_time(current_language(), moment)


def format_wait(minutes: int) -> str:
    """A wait as "45 min" or "3 h 12 min"."""
    return wording.format_wait(current_language(), minutes)


# How the pages' scripts write a day and a time, as `printers.wording` does on the server.
_SCRIPT_DAY = {"fi": "{weekday} {day}. {month}", "sv": "{weekday} {day} {month}"}
_SCRIPT_TIME = {"en": "{HH}:{mm}"}


def calendar_words(language: str) -> dict:
    """Babel's weekday and month names (Monday first, January first) and the patterns of a day
    and a time, for a page's script to write live dates as the server does (display.js)."""
    locale = wording.babel_locale(language)
    weekdays = get_day_names("wide", "format", locale)
    months = get_month_names("wide", "format", locale)
    return {
        "weekdays": [weekdays[index] for index in range(7)],
        "months": [months[index] for index in range(1, 13)],
        "day": _SCRIPT_DAY.get(language, "{weekday} {day} {month}"),
        "time": _SCRIPT_TIME.get(language, "{H}.{mm}"),
    }


def init_app(app) -> None:
    """Bind Babel to the app, with the catalogues in shared/translations."""

    babel.init_app(
        app,
        locale_selector=select_language,
        default_translation_directories=str(PROJECT_ROOT / "shared" / "translations"),
        default_domain="messages",
    )

    app.add_template_filter(format_moment, "moment")
    app.add_template_filter(format_day, "day")
    app.add_template_filter(format_clock_time, "clock_time")
    app.add_template_filter(format_wait, "wait")

    @app.context_processor
    def language_context():
        """Give templates the current language and the list of languages."""
        return {"language": current_language(), "languages": LANGUAGES}
