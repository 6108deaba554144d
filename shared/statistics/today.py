"""How the service day goes so far at one service point: the manager's live overview.

The queues as they stand now (waiting numbers, the longest wait), the open counters and who is
at them, and the day's figures: numbers called, within target, served, no-shows, failed prints,
messages that failed and the day's appointments. The day is the point's current service day;
the wait, the queue and the target of a number follow `ticket_figures.py`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlite_utils

from shared.config import Config
from shared.statistics.periods import Period, day_start, require_point, service_day
from shared.statistics.ticket_figures import (
    DEFAULT_TARGET_MINUTES,
    counts_by_day_and_queue,
    queues_of_point,
)
from shared.storage.timestamps import parse_utc, utc_text


@dataclass(frozen=True)
class QueueNow:
    """One queue now: waiting numbers and how long the first has waited, and today's calls."""

    queue: str
    waiting: int
    longest_wait_seconds: int | None  # since the issue of the longest-waiting number
    called: int
    called_within_target: int
    served: int
    target_wait_minutes: int


@dataclass(frozen=True)
class CounterNow:
    """An open counter: the clerk at it, the number it has called or serves, its queues."""

    counter: int
    clerk: str | None
    serving_number: str | None
    queues: tuple[str, ...]


@dataclass(frozen=True)
class AppointmentsToday:
    """Today's appointments: booked (every one for today not cancelled), checked in, served
    (checked in and their number finished), lost (late means lost) and cancelled."""

    booked: int
    checked_in: int
    served: int
    lost: int
    cancelled: int


@dataclass(frozen=True)
class TodayOverview:
    """The service day of one point so far, at the moment `at`."""

    service_point: str
    at: datetime
    queues: tuple[QueueNow, ...]
    counters: tuple[CounterNow, ...]
    served: int
    no_shows: int
    called: int
    called_within_target: int
    service_level: float | None
    failed_prints: int
    failed_messages: int
    appointments: AppointmentsToday


def today_overview(
    db: sqlite_utils.Database, config: Config, service_point: str, now: datetime
) -> TodayOverview:
    """The overview of the point's current service day at `now`.

    :param service_point: the point's id (NotFound ``unknown_service_point`` if not configured)
    :param now: the moment asked about (the clock's now)
    """
    point = require_point(config, service_point)
    today = service_day(point, now)
    counts = counts_by_day_and_queue(db, config, point, Period.day(today))
    waiting = {
        queue: (count, oldest)
        for queue, count, oldest in db.execute(
            "SELECT queue, COUNT(*), MIN(issued_at) FROM tickets"
            " WHERE service_point = ? AND status = 'waiting' GROUP BY queue",
            [point.id],
        )
    }
    queue_ids = list(queues_of_point(config, point))
    # A queue no longer served here (a config change) still shows while it has numbers today.
    queue_ids += sorted(({count.queue for count in counts} | set(waiting)) - set(queue_ids))
    queues = tuple(_queue_now(config, queue_id, counts, waiting, now) for queue_id in queue_ids)
    called = sum(queue.called for queue in queues)
    within = sum(queue.called_within_target for queue in queues)
    return TodayOverview(
        service_point=point.id,
        at=now,
        queues=queues,
        counters=_open_counters(db, point),
        served=sum(queue.served for queue in queues),
        no_shows=sum(count.no_shows for count in counts),
        called=called,
        called_within_target=within,
        service_level=within / called if called else None,
        failed_prints=db.execute(
            "SELECT COUNT(*) FROM tickets WHERE service_point = ? AND day = ?"
            " AND print_status = 'failed'",
            [point.id, today.isoformat()],
        ).fetchone()[0],
        failed_messages=_failed_messages(db, point.id, utc_text(day_start(point, today))),
        appointments=_appointments_today(db, point.id, today.isoformat()),
    )


def _queue_now(config: Config, queue_id: str, counts, waiting: dict, now: datetime) -> QueueNow:
    """One queue's line of the overview."""
    of_queue = [count for count in counts if count.queue == queue_id]
    count, oldest = waiting.get(queue_id, (0, None))
    longest = None if oldest is None else max(0, round((now - parse_utc(oldest)).total_seconds()))
    configured = config.queue(queue_id)
    target = configured.target_wait_minutes if configured else DEFAULT_TARGET_MINUTES
    return QueueNow(
        queue=queue_id,
        waiting=count,
        longest_wait_seconds=longest,
        called=sum(day.called for day in of_queue),
        called_within_target=sum(day.within_target for day in of_queue),
        served=sum(day.served for day in of_queue),
        target_wait_minutes=target,
    )


def _open_counters(db: sqlite_utils.Database, point) -> tuple[CounterNow, ...]:
    """The counters a clerk has opened, by number, with the number each has called or serves."""
    serving = dict(
        db.execute(
            "SELECT counter, number FROM tickets WHERE service_point = ?"
            " AND status IN ('called', 'serving') AND counter IS NOT NULL",
            [point.id],
        ).fetchall()
    )
    counters = []
    for number, clerk in db.execute(
        "SELECT counter, clerk FROM counter_sessions WHERE service_point = ? ORDER BY counter",
        [point.id],
    ):
        configured = point.counter(number)
        counters.append(
            CounterNow(
                counter=number,
                clerk=clerk,
                serving_number=serving.get(number),
                queues=configured.queues if configured else (),
            )
        )
    return tuple(counters)


def _failed_messages(db: sqlite_utils.Database, service_point: str, since: str) -> int:
    """Messages of the point's appointments and tickets the sender gave up on since `since`
    (a message given up keeps the moment of its last try, plus the retry wait, as its
    `next_attempt_at`)."""
    return db.execute(
        """
        SELECT COUNT(*) FROM messages m
        LEFT JOIN appointments a ON a.id = m.appointment_id
        LEFT JOIN tickets t ON t.id = m.ticket_id
        WHERE m.status = 'failed' AND m.next_attempt_at >= ?
            AND COALESCE(a.service_point, t.service_point) = ?
        """,
        [since, service_point],
    ).fetchone()[0]


def _appointments_today(db: sqlite_utils.Database, service_point: str, day: str):
    """The counts of AppointmentsToday."""
    row = db.execute(
        """
        SELECT
            COALESCE(SUM(a.status <> 'cancelled'), 0),
            COALESCE(SUM(a.status = 'checked_in'), 0),
            COALESCE(SUM(a.status = 'checked_in' AND (SELECT t.status FROM tickets t
                WHERE t.id = a.ticket_id) = 'finished'), 0),
            COALESCE(SUM(a.status = 'lost'), 0),
            COALESCE(SUM(a.status = 'cancelled'), 0)
        FROM appointments a WHERE a.service_point = ? AND a.day = ?
        """,
        [service_point, day],
    ).fetchone()
    return AppointmentsToday(*row)
