"""Numbers, shares, durations, days and hours as the manager pages write them, with Babel.

English is written the British way (day before month, the 24-hour clock), as read in Finland;
Finnish and Swedish as in Finland. The same texts go in a chart's marks and in its table, so a
reader of either sees the same figure.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from babel import Locale
from babel.dates import (
    format_date,
    format_skeleton,
    get_day_names,
    get_month_names,
)
from babel.numbers import format_decimal, format_percent
from flask_babel import gettext

from printers import wording

LOCALES = {"fi": "fi_FI", "sv": "sv_FI", "en": "en_GB"}
NO_FIGURE = "–"  # a figure that does not exist (no call yet, nothing measured)


@dataclass(frozen=True)
class FigureFormat:
    """How one page language writes figures."""

    language: str

    @property
    def locale(self) -> Locale:
        return Locale.parse(LOCALES.get(self.language, "en_GB"))

    @property
    def browser_locale(self) -> str:
        """The BCP 47 tag a page's script formats with (Intl.NumberFormat)."""
        return LOCALES.get(self.language, "en_GB").replace("_", "-")

    def number(self, value: float | None, decimals: int = 0) -> str:
        """A count or a measure, with the language's separators."""
        if value is None:
            return NO_FIGURE
        pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
        return format_decimal(value, format=pattern, locale=self.locale)

    def share(self, value: float | None) -> str:
        """A share 0..1 as a whole percentage ("83 %", "83%")."""
        if value is None:
            return NO_FIGURE
        return format_percent(value, locale=self.locale)

    def minutes(self, seconds: float | None) -> str:
        """A duration in minutes with one decimal ("12,5 min")."""
        if seconds is None:
            return NO_FIGURE
        return gettext("%(minutes)s min", minutes=self.number(seconds / 60, 1))

    def wait(self, seconds: float | None) -> str:
        """A wait in whole minutes as every screen writes it ("45 min", "3 h 12 min"), and
        "< 1 min" for a wait that began less than a minute ago."""
        if seconds is None:
            return NO_FIGURE
        if 0 < seconds < 60:
            return "< 1 min"
        return wording.format_wait(self.language, round(seconds / 60))

    def day(self, value: date) -> str:
        """A day with its weekday, short ("ma 30.11.2026", "Mon 30 Nov 2026")."""
        weekday = get_day_names("abbreviated", locale=self.locale)[value.weekday()]
        return f"{weekday} {format_date(value, 'medium', locale=self.locale)}"

    def short_day(self, value: date) -> str:
        """A day without its year, for a chart's axis ("30.11.", "30/11")."""
        return format_skeleton("Md", value, locale=self.locale)

    def clock_time(self, value: datetime) -> str:
        """A moment's time of day on the 24-hour clock, as every page writes it (9.05, 09:05)."""
        return wording.format_time(self.language, value)

    def hour(self, hour: int) -> str:
        """A local hour of the day as its span start, "08"."""
        return f"{hour:02d}"

    def weekdays(self) -> list[str]:
        """The abbreviated weekday names, Monday first."""
        names = get_day_names("abbreviated", locale=self.locale)
        return [names[index] for index in range(7)]

    def month(self, year: int, month: int) -> str:
        """A month and its year ("marraskuu 2026", "November 2026")."""
        name = get_month_names("wide", context="stand-alone", locale=self.locale)[month]
        return f"{name} {year}"
