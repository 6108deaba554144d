"""One calendar for a whole service point: the hours of a date for walk-ins and appointments.

A date's hours come from, in order: a closed day (the deployment's `appointments.closed_days`
or the point's own `closed_days`) closes it; an `opening_exceptions` entry gives that date's
hours (or closes it); else its weekday's `opening_hours`. Appointments keep to their own
hours (`appointments.hours`, or the opening hours), within the date's, and skip the point's
appointment-only `appointments.closed_days` too.
"""

from __future__ import annotations

from datetime import date

from shared.config.opening_hours import OpeningHours


def is_closed_day(config, point, day: date) -> bool:
    """Whether the service point is closed all of `day` (a holiday or a closing exception)."""
    return walk_in_hours_on(config, point, day) is None


def walk_in_hours_on(config, point, day: date) -> OpeningHours | None:
    """The service point's opening hours on `day`, or None when it is closed that day.

    :param config: the Config (its `appointments.closed_days` are the deployment's holidays)
    :param point: the ServicePoint
    """
    if day in config.appointments.closed_days or day in point.closed_days:
        return None
    if day in point.opening_exceptions:
        return point.opening_exceptions[day]
    return point.opening_hours.get(day.weekday())


def appointment_hours_on(config, point, day: date) -> tuple[int, int] | None:
    """(opens, closes) in minutes after local midnight when appointments are taken on `day`, or
    None: the weekday's appointment hours, within the date's opening hours when an exception
    changes them (a date opened by an exception takes appointments in its hours)."""
    settings = point.appointments
    if day in settings.closed_days:
        return None
    opening = walk_in_hours_on(config, point, day)
    if opening is None:
        return None
    weekday_hours = settings.hours.get(day.weekday())
    if day not in point.opening_exceptions:
        return weekday_hours
    exception = (opening.opens_minute, opening.closes_minute)
    if weekday_hours is None:
        return exception
    opens, closes = max(weekday_hours[0], exception[0]), min(weekday_hours[1], exception[1])
    return (opens, closes) if opens < closes else None
