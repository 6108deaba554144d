"""The staffing forecast: how many counters each hour of a day needs to meet the service level.

From the same weekday of the last weeks (the latest `weeks` such service days before the day
and before today that had any waiting number), per local hour: the numbers issued per hour, the
mean service time of the services begun in it, then Erlang C (`erlang.py`) for the fewest
counters that call `rules.service_level_percent` of the numbers within the target wait, and the
mean wait with that many. Past hours show the counters that were open, from the CounterOpened
and CounterClosed events (`counter_sessions` holds only the counters open now). Last week's
same day is forecast again from the weeks before it and set against what happened.

All of a point's queues are pooled into one stream served by all its counters, with the
strictest target of the queues that had numbers in that hour: docs/forecast.md says why, and
what the model leaves out.
"""

from __future__ import annotations

import dataclasses
import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlite_utils

from shared.config import Config, ServicePoint
from shared.config.calendar import walk_in_hours_on
from shared.errors import InvalidRequest
from shared.statistics.erlang import agents_needed, mean_wait_seconds, service_level
from shared.statistics.periods import Period, day_start, require_point, service_day
from shared.statistics.ticket_figures import counts_by_day_and_queue, seconds_between
from shared.storage.timestamps import parse_utc, utc_text

# The `method` of a forecast: the id of the sentence the page shows about how it was made.
METHOD_ERLANG_C = "erlang_c_same_weekday"
METHOD_NO_HISTORY = "no_history"  # no same weekday with any number yet: nothing to forecast
METHOD_CLOSED_DAY = "closed_day"  # the point is closed that day: no counter is needed
# Fewer services than this in an hour (over all the weeks used) are too few to trust their
# mean: one quick case would promise short waits. The hour then takes the day's mean, and a day
# with fewer takes `rules.default_service_minutes` (as the wait estimates do).
MIN_SERVICES = 3
MAX_COUNTERS = 50
COUNTER_EVENTS = ("CounterOpened", "CounterClosed")


HISTORY_WEEKS = 4  # the same weekdays a forecast learns from, unless asked otherwise


@dataclass(frozen=True)
class ForecastHour:
    """One local hour of the day: the arrivals expected, the counters they need and the wait
    with that many; the counters that were open (None for an hour still to come)."""

    hour: int  # local hour 0-23
    expected_arrivals: float  # numbers issued in the hour (a mean over the weeks used)
    mean_service_seconds: float | None  # None when nobody is expected
    counters_needed: int
    expected_wait_seconds: float | None  # mean wait with counters_needed; None: nobody comes
    counters_open: int | None  # time-weighted mean over the hour (so far), rounded
    target_wait_minutes: int | None = None  # the strictest target of the hour's queues
    expected_service_level: float | None = None  # share called within it, counters_needed open


@dataclass(frozen=True)
class ForecastAccuracy:
    """How far last week's forecast of the same day was right, hour by hour."""

    days: int  # days compared (last week's same day: 1)
    hours: int  # hours compared (the forecast's hours of that day)
    mean_absolute_arrival_error: float  # mean |forecast − issued| per hour, in numbers
    hours_understaffed: int  # hours with fewer counters open than the forecast needed
    day: date | None = None
    forecast_arrivals: float = 0.0
    actual_arrivals: int = 0
    called: int = 0  # numbers of that day called at least once
    called_within_target: int = 0  # of those, first called within their queue's target
    service_level: float | None = None  # reached: called_within_target / called
    target_level: float = 0.0


@dataclass(frozen=True)
class StaffingForecast:
    """The counters a day needs hour by hour, how the figures were made and last week's check."""

    service_point: str
    day: date
    weeks_used: int  # same weekdays with numbers the figures come from
    target_level: float  # the share to call within target (rules.service_level_percent / 100)
    hours: tuple[ForecastHour, ...]
    method: str
    last_week: ForecastAccuracy | None


@dataclass(frozen=True)
class _Slot:
    """One real hour of a service day: its local clock hour and its UTC bounds."""

    hour: int
    starts: datetime
    ends: datetime


@dataclass
class _HourHistory:
    """What a local hour held over the days used: numbers per queue, real hours, services."""

    arrivals: dict[str, int]
    real_hours: float = 0.0
    services: int = 0
    service_seconds: float = 0.0


def staffing_forecast(
    db: sqlite_utils.Database,
    config: Config,
    service_point: str,
    day: date,
    now: datetime,
    weeks: int = HISTORY_WEEKS,
) -> StaffingForecast:
    """Forecast the counters each hour of `day` needs, from the same weekday of the last
    `weeks` weeks, with the counters open in the hours already begun and last week's check.

    :param service_point: the point's id (NotFound ``unknown_service_point`` if unknown)
    :param day: the local service day to plan
    :param now: the moment of asking: history ends before today; hours before it are past
    :param weeks: how many earlier same weekdays to learn from, 1 or more
    :raises InvalidRequest: ``invalid_weeks`` for fewer than one week
    """
    if weeks < 1:
        raise InvalidRequest("invalid_weeks", weeks=weeks)
    point = require_point(config, service_point)
    today = service_day(point, now)
    target_level = config.rules.service_level_percent / 100
    weeks_used, hours, method = _forecast_hours(
        db, config, point, day, _history_days(day, today, weeks)
    )
    opened = _counters_open(db, point, day, now)
    hours = tuple(_with_counters_open(hour, opened.get(hour.hour)) for hour in hours)
    last_week = _last_week(db, config, point, day - timedelta(days=7), today, weeks, now)
    return StaffingForecast(
        service_point=point.id,
        day=day,
        weeks_used=weeks_used,
        target_level=target_level,
        hours=hours,
        method=method,
        last_week=last_week,
    )


def _history_days(day: date, today: date, weeks: int) -> list[date]:
    """The latest `weeks` days of `day`'s weekday before both `day` and `today` (today's
    figures are not complete yet), newest first."""
    latest = day - timedelta(days=7)
    while latest >= today:
        latest -= timedelta(days=7)
    return [latest - timedelta(days=7 * week) for week in range(weeks)]


def _forecast_hours(
    db: sqlite_utils.Database,
    config: Config,
    point: ServicePoint,
    day: date,
    history: list[date],
) -> tuple[int, tuple[ForecastHour, ...], str]:
    """(weeks used, the forecast hours without counters open, method) of `day` from the
    `history` days that had numbers."""
    used = _days_with_numbers(db, point, history)
    if not used:
        return 0, (), METHOD_NO_HISTORY
    if walk_in_hours_on(config, point, day) is None:
        return len(used), (), METHOD_CLOSED_DAY
    by_hour = _hour_history(db, point, used)
    day_services = sum(h.services for h in by_hour.values())
    day_seconds = sum(h.service_seconds for h in by_hour.values())
    fallback_seconds = (
        day_seconds / day_services
        if day_services >= MIN_SERVICES
        else config.rules.default_service_minutes * 60.0
    )
    target_level = config.rules.service_level_percent / 100
    hours = []
    for hour, real_hours in _open_hours(config, point, day):
        history_of_hour = by_hour.get(hour)
        arrivals = 0.0
        if history_of_hour is not None and history_of_hour.real_hours > 0:
            per_hour = sum(history_of_hour.arrivals.values()) / history_of_hour.real_hours
            arrivals = per_hour * real_hours
        hours.append(
            _erlang_hour(
                config, hour, arrivals, real_hours, history_of_hour, fallback_seconds, target_level
            )
        )
    return len(used), tuple(hours), METHOD_ERLANG_C


def _erlang_hour(
    config: Config,
    hour: int,
    arrivals: float,
    real_hours: float,
    history_of_hour: _HourHistory | None,
    fallback_seconds: float,
    target_level: float,
) -> ForecastHour:
    """One hour's counters by Erlang C, from its expected arrivals (over `real_hours`: 2 for
    the hour a clock change repeats) and its service times."""
    if arrivals == 0 or history_of_hour is None:
        return ForecastHour(hour, 0.0, None, 0, None, None)
    if history_of_hour.services >= MIN_SERVICES:
        service_seconds = history_of_hour.service_seconds / history_of_hour.services
    else:
        service_seconds = fallback_seconds
    target_minutes = _strictest_target(config, history_of_hour.arrivals)
    per_hour = arrivals / real_hours
    target_seconds = target_minutes * 60
    needed = agents_needed(per_hour, service_seconds, target_seconds, target_level, MAX_COUNTERS)
    wait = mean_wait_seconds(needed, per_hour, service_seconds)
    return ForecastHour(
        hour=hour,
        expected_arrivals=arrivals,
        mean_service_seconds=service_seconds,
        counters_needed=needed,
        expected_wait_seconds=None if math.isinf(wait) else wait,
        counters_open=None,
        target_wait_minutes=target_minutes,
        expected_service_level=service_level(needed, per_hour, service_seconds, target_seconds),
    )


def _strictest_target(config: Config, arrivals: dict[str, int]) -> int:
    """The shortest target wait of the queues that had numbers (of every configured queue when
    none of them is configured any more)."""
    targets = [
        config.queue(queue).target_wait_minutes
        for queue, count in arrivals.items()
        if count and config.queue(queue) is not None
    ]
    return min(targets or [queue.target_wait_minutes for queue in config.queues])


def _slots(point: ServicePoint, day: date) -> list[_Slot]:
    """The real hours of a service day in order, each with its local clock hour: 23 on the day
    clocks go forward (that hour never happens), 25 when they go back (one happens twice)."""
    starts = day_start(point, day)
    ends = day_start(point, day + timedelta(days=1))
    slots = []
    moment = starts
    while moment < ends:
        following = min(moment + timedelta(hours=1), ends)
        slots.append(_Slot(moment.astimezone(point.zone).hour, moment, following))
        moment = following
    return slots


def _open_hours(config: Config, point: ServicePoint, day: date) -> list[tuple[int, float]]:
    """The local hours of `day` the point is open in at least part of, in the day's order, each
    with its length in real hours (2 for an hour a clock change repeats)."""
    opening = walk_in_hours_on(config, point, day)
    if opening is None:
        return []
    lengths: dict[int, float] = {}
    for slot in _slots(point, day):
        local = slot.starts.astimezone(point.zone)
        minute = local.hour * 60
        if minute + 60 > opening.opens_minute and minute < opening.closes_minute:
            seconds = (slot.ends - slot.starts).total_seconds()
            lengths[slot.hour] = lengths.get(slot.hour, 0.0) + seconds / 3600
    return list(lengths.items())


def _days_with_numbers(
    db: sqlite_utils.Database, point: ServicePoint, days: list[date]
) -> list[date]:
    """The days of `days` on which the point issued any number (a day before Jono was used, or
    a holiday, is no evidence of an empty hour)."""
    if not days:
        return []
    marks = ", ".join("?" for _ in days)
    rows = db.execute(
        f"SELECT DISTINCT day FROM tickets WHERE service_point = ? AND day IN ({marks})",
        [point.id, *(d.isoformat() for d in days)],
    ).fetchall()
    present = {row[0] for row in rows}
    return [d for d in days if d.isoformat() in present]


def _hour_history(
    db: sqlite_utils.Database, point: ServicePoint, days: list[date]
) -> dict[int, _HourHistory]:
    """Per local hour over `days`: numbers issued per queue, the real hours it lasted, and the
    services begun in it (count and total seconds)."""
    by_hour: dict[int, _HourHistory] = defaultdict(lambda: _HourHistory(arrivals={}))
    for day in days:
        slots = _slots(point, day)
        for slot in slots:
            by_hour[slot.hour].real_hours += (slot.ends - slot.starts).total_seconds() / 3600
        for index, queue, count in _arrivals_by_slot(db, point, day, slots[0].starts):
            if 0 <= index < len(slots):
                arrivals = by_hour[slots[index].hour].arrivals
                arrivals[queue] = arrivals.get(queue, 0) + count
        for index, count, seconds in _services_by_slot(db, point, day, slots[0].starts):
            hour = slots[min(max(index, 0), len(slots) - 1)].hour
            by_hour[hour].services += count
            by_hour[hour].service_seconds += seconds
    return dict(by_hour)


def _slot_index(column: str) -> str:
    """SQL for the real hour of the service day a moment column falls in (0 = its first),
    counted in whole seconds from the day's start (the first value)."""
    return f"(CAST(strftime('%s', {column}) AS INTEGER) - ?) / 3600"


def _arrivals_by_slot(db, point: ServicePoint, day: date, starts: datetime) -> list:
    """(real hour of the day, queue, numbers issued) of one service day."""
    return db.execute(
        f"SELECT {_slot_index('issued_at')} AS slot, queue, COUNT(*) FROM tickets"
        " WHERE service_point = ? AND day = ? GROUP BY slot, queue",
        [int(starts.timestamp()), point.id, day.isoformat()],
    ).fetchall()


def _services_by_slot(db, point: ServicePoint, day: date, starts: datetime) -> list:
    """(real hour of the day the service began, services, their seconds) of one service day:
    the numbers finished at a counter, from their (last) call to their end in whole seconds,
    as the statistics measure service times (`ticket_figures.py`)."""
    return db.execute(
        f"SELECT {_slot_index('called_at')} AS slot, COUNT(*),"
        f" SUM({seconds_between('finished_at', 'called_at')}) FROM tickets"
        " WHERE service_point = ? AND day = ? AND status = 'finished'"
        " AND called_at IS NOT NULL AND finished_at IS NOT NULL GROUP BY slot",
        [int(starts.timestamp()), point.id, day.isoformat()],
    ).fetchall()


def _counters_open(
    db: sqlite_utils.Database, point: ServicePoint, day: date, now: datetime
) -> dict[int, int]:
    """Per local hour of `day` begun before `now`: the counters open in it on average over
    its time (until now, for the hour under way), rounded to the nearest whole counter."""
    slots = [slot for slot in _slots(point, day) if slot.starts < now]
    if not slots:
        return {}
    intervals = _open_intervals(db, point, slots[0].starts, min(slots[-1].ends, now))
    open_seconds: dict[int, float] = defaultdict(float)
    elapsed: dict[int, float] = defaultdict(float)
    for slot in slots:
        ends = min(slot.ends, now)
        elapsed[slot.hour] += (ends - slot.starts).total_seconds()
        for opened, closed in intervals:
            overlap = (min(closed, ends) - max(opened, slot.starts)).total_seconds()
            open_seconds[slot.hour] += max(overlap, 0.0)
    return {
        hour: math.floor(open_seconds[hour] / seconds + 0.5)
        for hour, seconds in elapsed.items()
        if seconds > 0
    }


def _open_intervals(
    db: sqlite_utils.Database, point: ServicePoint, starts: datetime, ends: datetime
) -> list[tuple[datetime, datetime]]:
    """The spans each counter of the point was open between `starts` and `ends`, from the
    CounterOpened and CounterClosed events (a counter open at `starts` counts from then)."""
    marks = ", ".join("?" for _ in COUNTER_EVENTS)
    # SQLite gives the bare `type` from the row with the greatest sequence of each counter.
    before = db.execute(
        f"SELECT counter, type, MAX(sequence) FROM events WHERE service_point = ?"
        f" AND type IN ({marks}) AND at < ? GROUP BY counter",
        [point.id, *COUNTER_EVENTS, utc_text(starts)],
    ).fetchall()
    open_since = {counter: starts for counter, kind, _ in before if kind == "CounterOpened"}
    changes = db.execute(
        f"SELECT counter, type, at FROM events WHERE service_point = ? AND type IN ({marks})"
        " AND at >= ? AND at < ? ORDER BY sequence",
        [point.id, *COUNTER_EVENTS, utc_text(starts), utc_text(ends)],
    ).fetchall()
    intervals = []
    for counter, kind, at in changes:
        moment = parse_utc(at)
        if kind == "CounterOpened":
            open_since.setdefault(counter, moment)
        elif counter in open_since:
            intervals.append((open_since.pop(counter), moment))
    intervals += [(opened, ends) for opened in open_since.values()]
    return intervals


def _with_counters_open(hour: ForecastHour, counters_open: int | None) -> ForecastHour:
    """The hour with the counters that were open in it."""
    return dataclasses.replace(hour, counters_open=counters_open)


def _last_week(
    db: sqlite_utils.Database,
    config: Config,
    point: ServicePoint,
    day: date,
    today: date,
    weeks: int,
    now: datetime,
) -> ForecastAccuracy | None:
    """Last week's same day forecast from the `weeks` weeks before it, against what happened;
    None when that day is not over, had no number, or had nothing to forecast from."""
    if day >= today or not _days_with_numbers(db, point, [day]):
        return None
    _, hours, _ = _forecast_hours(db, config, point, day, _history_days(day, today, weeks))
    if not hours:
        return None
    actual = _actual_arrivals(db, point, day)
    opened = _counters_open(db, point, day, now)
    errors = [abs(hour.expected_arrivals - actual.get(hour.hour, 0)) for hour in hours]
    understaffed = sum(1 for hour in hours if opened.get(hour.hour, 0) < hour.counters_needed)
    counts = counts_by_day_and_queue(db, config, point, Period.day(day))
    called = sum(count.called for count in counts)
    within = sum(count.within_target for count in counts)
    return ForecastAccuracy(
        days=1,
        hours=len(hours),
        mean_absolute_arrival_error=sum(errors) / len(errors),
        hours_understaffed=understaffed,
        day=day,
        forecast_arrivals=sum(hour.expected_arrivals for hour in hours),
        actual_arrivals=sum(actual.values()),
        called=called,
        called_within_target=within,
        service_level=within / called if called else None,
        target_level=config.rules.service_level_percent / 100,
    )


def _actual_arrivals(db: sqlite_utils.Database, point: ServicePoint, day: date) -> dict[int, int]:
    """Numbers issued per local hour of one service day."""
    slots = _slots(point, day)
    issued: dict[int, int] = defaultdict(int)
    for index, _queue, count in _arrivals_by_slot(db, point, day, slots[0].starts):
        if 0 <= index < len(slots):
            issued[slots[index].hour] += count
    return dict(issued)
