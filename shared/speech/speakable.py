"""What the speech service agrees to speak: a closed set, so nobody can make it synthesise text
after text until the disk is full.

- A call-out speaks a number issued today at the display's service point, and a counter of
  that point: a few hundred texts a day, not every letter and number there could be.
- The kiosk's ticket screen speaks the same numbers, with the people ahead and the estimate
  rounded into a few steps (see `bounded_people_ahead` and `bounded_wait_minutes`). Every other
  kiosk screen has one fixed text per language.
- The kiosk's first screen, where nobody has chosen a language yet, is read in all three, one
  after the other (`LANGUAGE_SCREEN_ORDER`), each in its own voice: the phrases of
  `LANGUAGE_SCREEN_PHRASES` and nothing else.
"""

from __future__ import annotations

import math

import sqlite_utils

from shared.config import ServicePoint
from shared.errors import NotFound

# The language choice, read in each language in turn: Finnish, then Swedish, then English.
LANGUAGE_SCREEN_ORDER = ("fi", "sv", "en")
LANGUAGE_SCREEN_PHRASES = {
    "fi": "Tervetuloa. Valitse kieli: suomi, svenska tai English.",
    "sv": "Välkommen. Välj språk: suomi, svenska eller English.",
    "en": "Welcome. Choose a language: suomi, svenska or English.",
}
# People ahead are said exactly up to this many (the counts a person plans by) ...
EXACT_PEOPLE_AHEAD = 10
# ... then as "more than" a multiple of this step, at most "more than" the cap.
PEOPLE_AHEAD_STEP = 10
PEOPLE_AHEAD_CAP = 50
# A wait is rounded up (a promise of 15 minutes that takes 12 disappoints nobody): to 5 minutes
# within the first hour, then to a quarter hour; beyond the cap it is "more than 4 hours".
SHORT_WAIT_STEP_MINUTES = 5
LONG_WAIT_STEP_MINUTES = 15
WAIT_CAP_MINUTES = 240


def require_counter(service_point: ServicePoint, counter: int) -> None:
    """Refuse a counter the service point does not have.

    :raises NotFound: ``unknown_counter``
    """
    if service_point.counter(counter) is None:
        raise NotFound("unknown_counter", counter=counter)


def require_issued_on(
    db: sqlite_utils.Database,
    service_point_id: str,
    day: str,
    number: str,
    called_only: bool = False,
) -> None:
    """Refuse a waiting number that was not given out at this service point on this day.

    One look-up in the (service point, day, number) unique index of the tickets table.

    :param day: the service point's calendar day, YYYY-MM-DD (`shared.queue.tickets.local_day`)
    :param called_only: only a number that has been called (what a lobby display speaks), so the
        public call-out tells nobody more than the display already shows
    :raises NotFound: ``number_not_issued_today``
    """
    row = db.execute(
        "SELECT called_at FROM tickets WHERE service_point = ? AND day = ? AND number = ?",
        [service_point_id, day, number],
    ).fetchone()
    if row is None or (called_only and row[0] is None):
        raise NotFound("number_not_issued_today", number=number)


def bounded_people_ahead(count: int) -> tuple[int, bool]:
    """The people ahead as spoken: (value, is_more_than), one of 16 values.

    0 to 10 exactly; above that "more than" the step below it, never beyond the cap:
    12 -> (10, True), 20 -> (10, True), 21 -> (20, True), 500 -> (50, True).
    """
    if count <= EXACT_PEOPLE_AHEAD:
        return count, False
    lower = (count - 1) // PEOPLE_AHEAD_STEP * PEOPLE_AHEAD_STEP
    return min(lower, PEOPLE_AHEAD_CAP), True


def bounded_wait_minutes(minutes: int) -> tuple[int, bool]:
    """The estimated wait as spoken: (minutes, is_more_than), one of 26 values.

    Rounded up to 5 minutes up to an hour and to 15 minutes beyond; past 4 hours
    (240, True): 0 -> (0, False), 12 -> (15, False), 61 -> (75, False), 600 -> (240, True).
    """
    if minutes > WAIT_CAP_MINUTES:
        return WAIT_CAP_MINUTES, True
    step = SHORT_WAIT_STEP_MINUTES if minutes <= 60 else LONG_WAIT_STEP_MINUTES
    return math.ceil(minutes / step) * step, False
