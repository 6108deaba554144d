"""A period's statistics of one service point: arrivals, waits, service times, the service
level, no-shows and transfers, counters, the kiosk's verdicts, appointments and how right the
wait estimates were.

Every figure is an SQL aggregate over indexed columns: tickets by (service point, day),
their events by ticket, appointments by (service point, day), kiosk verdicts by (service point,
time). Percentiles come from one ordered column (`distributions.py`). What each figure means
is written out in docs/statistics.md; the rules of a ticket's wait, service time and queue are
in `ticket_figures.py`. The queue filter applies to the ticket figures only: kiosk verdicts and
appointments belong to no queue.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

import sqlite_utils

from shared.config import Config, ServicePoint
from shared.statistics.distributions import EMPTY, Distribution, distribution, distributions_by_key
from shared.statistics.outcomes import kiosk_outcome_counts
from shared.statistics.periods import Period, require_point, utc_bounds
from shared.statistics.ticket_figures import (
    counts_and_waits,
    period_tickets,
    queue_order,
    queues_of_point,
)
from shared.storage.timestamps import utc_text


@dataclass(frozen=True)
class DayServiceLevel:
    """One queue's numbers of one service day: how many were called, how many within target."""

    day: date
    queue: str
    called: int
    within_target: int


@dataclass(frozen=True)
class AppointmentFigures:
    """The appointments of the period's days (by the day they are for).

    The three channels add up to every appointment of those days, cancelled ones included:
    booked_online (booked_by empty), offered_at_kiosk (booked_by 'kiosk'), booked_at_counter (a
    clerk's user name). cancelled, lost and checked_in count the present status; served: checked
    in and their number finished at a counter; moved: rescheduled at least once.
    """

    booked_online: int
    booked_at_counter: int
    offered_at_kiosk: int
    cancelled: int
    moved: int
    lost: int
    checked_in: int
    served: int


@dataclass(frozen=True)
class EstimateAccuracy:
    """The waits the kiosk showed on the slips against the waits that followed.

    Of numbers with an estimate that were called: count; the mean absolute difference in
    seconds (None with none); within_five_minutes (|actual − shown| ≤ 300 s); under_estimated
    (waited more than five minutes longer than shown); over_estimated (more than five minutes
    shorter). The last three add up to count.
    """

    count: int
    mean_absolute_error_seconds: int | None
    within_five_minutes: int
    under_estimated: int
    over_estimated: int


@dataclass(frozen=True)
class Statistics:
    """A period's figures of one service point (and optionally one queue)."""

    service_point: str
    period: Period
    queue: str | None
    tickets_issued: int
    arrivals_by_weekday_hour: tuple[tuple[int, ...], ...]  # 7 rows (Monday first) × 24 hours
    waits: Distribution
    waits_by_queue: tuple[tuple[str, Distribution], ...]
    service_times_by_category: tuple[tuple[str | None, Distribution], ...]
    service_level_by_day: tuple[DayServiceLevel, ...]
    called: int
    called_within_target: int
    service_level: float | None
    no_shows: int
    no_show_rate: float | None
    transfers: int
    transfer_rate: float | None
    served_per_counter: tuple[tuple[int, int], ...]
    kiosk_outcomes: tuple[tuple[str, int], ...]
    appointments: AppointmentFigures
    estimates: EstimateAccuracy


def statistics(
    db: sqlite_utils.Database,
    config: Config,
    service_point: str,
    period: Period,
    queue: str | None = None,
) -> Statistics:
    """The figures of a service point over a period, optionally of one queue's numbers.

    :param service_point: the point's id (NotFound ``unknown_service_point`` if not configured)
    :param period: local service days of the point
    :param queue: only this queue's numbers (the ticket figures; see the module's docstring)
    """
    point = require_point(config, service_point)
    start, end = utc_bounds(config, service_point, period)
    counts, wait_rows = counts_and_waits(db, config, point, period, queue)
    issued = sum(count.issued for count in counts)
    called = sum(count.called for count in counts)
    within = sum(count.within_target for count in counts)
    no_shows = sum(count.no_shows for count in counts)
    transfers = sum(count.transfers for count in counts)
    waits, waits_by_queue = _waits(config, point, queue, wait_rows)
    return Statistics(
        service_point=service_point,
        period=period,
        queue=queue,
        tickets_issued=issued,
        arrivals_by_weekday_hour=_arrivals(db, point, period, queue),
        waits=waits,
        waits_by_queue=waits_by_queue,
        service_times_by_category=_service_times(db, config, point, period, queue),
        service_level_by_day=tuple(
            DayServiceLevel(
                date.fromisoformat(count.day), count.queue, count.called, count.within_target
            )
            for count in counts
        ),
        called=called,
        called_within_target=within,
        service_level=_share(within, called),
        no_shows=no_shows,
        no_show_rate=_share(no_shows, called),
        transfers=transfers,
        transfer_rate=_share(transfers, issued),
        served_per_counter=_served_per_counter(db, point, period, queue),
        kiosk_outcomes=kiosk_outcome_counts(db, service_point, utc_text(start), utc_text(end)),
        appointments=appointment_figures(db, service_point, period),
        estimates=_estimates(counts),
    )


def _share(part: int, whole: int) -> float | None:
    """part / whole, or None when there is nothing to divide."""
    return part / whole if whole else None


def _arrivals(db, point: ServicePoint, period: Period, queue) -> tuple[tuple[int, ...], ...]:
    """Numbers issued per local weekday (Monday first) and hour of the day.

    SQLite knows no time zones: the numbers are counted per UTC minute in SQL (a few thousand
    groups a month) and each minute is placed in its local hour in Python, which is exact for
    every zone and across clock changes.
    """
    with_clause, values = period_tickets(point, period, queue)
    grid = [[0] * 24 for _ in range(7)]
    for minute, count in db.execute(
        f"{with_clause} SELECT substr(issued_at, 1, 16), COUNT(*) FROM period_tickets GROUP BY 1",
        values,
    ):
        local = datetime.fromisoformat(minute).replace(tzinfo=UTC).astimezone(point.zone)
        grid[local.weekday()][local.hour] += count
    return tuple(tuple(row) for row in grid)


def _waits(config, point, queue, wait_rows) -> tuple[Distribution, tuple]:
    """The waits of every number called in the period, and per queue (the point's queues in
    config order, each shown even without numbers; with a queue filter only that queue).

    :param wait_rows: (day, queue, seconds) ordered by queue and seconds
    """
    rows = [(queue_id, seconds) for _, queue_id, seconds in wait_rows]
    by_queue = distributions_by_key(rows)
    overall = distribution(sorted(seconds for _, seconds in rows))
    shown = (queue,) if queue is not None else queues_of_point(config, point)
    order = queue_order(config)
    listed = list(shown) + sorted(
        (name for name in by_queue if name not in shown), key=lambda name: order.get(name, 99)
    )
    return overall, tuple((name, by_queue.get(name, EMPTY)) for name in listed)


def _service_times(db, config, point, period, queue) -> tuple:
    """The service times of finished numbers per category: the configured categories in
    config order (those with numbers), then numbers without a category (None)."""
    with_clause, values = period_tickets(point, period, queue)
    by_category = distributions_by_key(
        db.execute(
            f"{with_clause} SELECT category, service_seconds FROM period_tickets"
            " WHERE service_seconds IS NOT NULL ORDER BY category, service_seconds",
            values,
        )
    )
    order = {category.id: index for index, category in enumerate(config.categories)}
    listed = sorted(
        by_category, key=lambda name: (name is None, order.get(name, len(order)), name or "")
    )
    return tuple((name, by_category[name]) for name in listed)


def _served_per_counter(db, point, period, queue) -> tuple[tuple[int, int], ...]:
    """Numbers finished at each counter (the counter that finished them), by counter number."""
    with_clause, values = period_tickets(point, period, queue)
    return tuple(
        (counter, served)
        for counter, served in db.execute(
            f"{with_clause} SELECT counter, COUNT(*) FROM period_tickets"
            " WHERE status = 'finished' AND counter IS NOT NULL GROUP BY counter ORDER BY counter",
            values,
        )
    )


def _estimates(counts) -> EstimateAccuracy:
    """The shown estimates against the waits of the numbers that were called, summed over
    the days and queues."""
    count = sum(day.estimates for day in counts)
    error = sum(day.estimate_error_seconds for day in counts)
    return EstimateAccuracy(
        count=count,
        mean_absolute_error_seconds=round(error / count) if count else None,
        within_five_minutes=sum(day.estimates_within for day in counts),
        under_estimated=sum(day.estimates_under for day in counts),
        over_estimated=sum(day.estimates_over for day in counts),
    )


def appointment_figures(
    db: sqlite_utils.Database, service_point: str, period: Period
) -> AppointmentFigures:
    """The appointments of the period's days at the point (see AppointmentFigures)."""
    row = db.execute(
        """
        SELECT
            COALESCE(SUM(a.booked_by IS NULL), 0),
            COALESCE(SUM(a.booked_by IS NOT NULL AND a.booked_by <> 'kiosk'), 0),
            COALESCE(SUM(a.booked_by = 'kiosk'), 0),
            COALESCE(SUM(a.status = 'cancelled'), 0),
            COALESCE(SUM(EXISTS (SELECT 1 FROM events e WHERE e.appointment_id = a.id
                AND e.type = 'AppointmentRescheduled')), 0),
            COALESCE(SUM(a.status = 'lost'), 0),
            COALESCE(SUM(a.status = 'checked_in'), 0),
            COALESCE(SUM(a.status = 'checked_in' AND (SELECT t.status FROM tickets t
                WHERE t.id = a.ticket_id) = 'finished'), 0)
        FROM appointments a
        WHERE a.service_point = ? AND a.day BETWEEN ? AND ?
        """,
        [service_point, period.first_day.isoformat(), period.last_day.isoformat()],
    ).fetchone()
    return AppointmentFigures(*row)
