"""The SQL over a period's waiting numbers that the overview, the statistics and the exports
share: which tickets a period holds, each one's wait and service time, and counts per day and
queue.

A ticket belongs to the service day it was issued on (`tickets.day`, indexed with the point)
and to the queue it is in at the end (`tickets.queue`: a transferred number counts in the queue
it was transferred to). Its **wait** runs from its issue (`issued_at`) to its first call (the
earliest `TicketCalled` event: a recall or a return to the queue does not restart it). Its
**service time** runs from its last call (`called_at`, the call the customer answered) to its
end (`finished_at`), for numbers finished at a counter.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlite_utils

from shared.config import Config, ServicePoint
from shared.statistics.periods import Period

DEFAULT_TARGET_MINUTES = 30  # a queue no longer configured (its old numbers are still counted)


def seconds_between(later: str, earlier: str) -> str:
    """SQL for the whole seconds from the moment `earlier` to `later` (UTC ISO text columns)."""
    return f"CAST(ROUND((julianday({later}) - julianday({earlier})) * 86400) AS INTEGER)"


def period_tickets(
    point: ServicePoint,
    period: Period,
    queue: str | None,
    *,
    first_call: bool = False,
    transferred: bool = False,
) -> tuple[str, list]:
    """A `WITH period_tickets AS (...)` clause and its values: one row per ticket of the period
    (optionally of one queue) with its service time, and when asked its first call and wait
    (`first_call`) and whether it was transferred (`transferred`).

    The first call and the transfer are looked up per ticket in the events' index by (ticket,
    type, time), so the work grows with the period, not with the history. The rows are then
    materialized, so that each lookup runs once per ticket however often the query uses it;
    a query that needs neither is left to SQLite to fold into its own.
    """
    queue_clause = " AND t.queue = ?" if queue is not None else ""
    lookups = ""
    if first_call:
        lookups += """,
                (SELECT MIN(e.at) FROM events e
                    WHERE e.ticket_id = t.id AND e.type = 'TicketCalled') AS first_called_at"""
    if transferred:
        lookups += """,
                EXISTS (SELECT 1 FROM events e
                    WHERE e.ticket_id = t.id AND e.type = 'TicketTransferred') AS transferred"""
    wait = (
        f"CASE WHEN first_called_at IS NOT NULL"
        f" THEN {seconds_between('first_called_at', 'issued_at')} END AS wait_seconds,"
        if first_call
        else ""
    )
    materialized = "MATERIALIZED " if first_call or transferred else ""
    sql = f"""
        WITH period_rows AS {materialized}(
            SELECT t.id, t.day, t.queue, t.category, t.status, t.counter, t.clerk, t.number,
                t.issued_queue, t.party_size, t.language, t.appointment_id, t.print_status,
                t.issued_at, t.called_at, t.finished_at, t.estimated_wait_seconds{lookups}
            FROM tickets t
            WHERE t.service_point = ? AND t.day BETWEEN ? AND ?{queue_clause}
        ),
        period_tickets AS {materialized}(
            SELECT *, {wait}
                CASE WHEN status = 'finished' AND called_at IS NOT NULL
                    AND finished_at IS NOT NULL
                    THEN {seconds_between("finished_at", "called_at")} END AS service_seconds
            FROM period_rows
        )
    """
    values = [point.id, period.first_day.isoformat(), period.last_day.isoformat()]
    if queue is not None:
        values.append(queue)
    return sql, values


def target_seconds_case(config: Config) -> tuple[str, list]:
    """SQL for the target wait of the row's queue in seconds, and its values."""
    whens = " ".join("WHEN ? THEN ?" for _ in config.queues)
    values: list = []
    for configured in config.queues:
        values += [configured.id, configured.target_wait_minutes * 60]
    return f"CASE queue {whens} ELSE ? END", [*values, DEFAULT_TARGET_MINUTES * 60]


@dataclass(frozen=True)
class DayQueueCounts:
    """What one queue's numbers of one service day came to.

    The estimate fields are filled by `counts_and_waits` only (zero from
    `counts_by_day_and_queue`): numbers with a shown estimate that were called, the sum of
    |wait − estimate|, and how many were within, under and over by ESTIMATE_TOLERANCE_SECONDS.
    """

    day: str
    queue: str
    issued: int
    called: int
    within_target: int
    no_shows: int
    transfers: int
    served: int
    estimates: int = 0
    estimate_error_seconds: int = 0
    estimates_within: int = 0
    estimates_under: int = 0
    estimates_over: int = 0


ESTIMATE_TOLERANCE_SECONDS = 300  # "within five minutes" of the wait that followed


def _count_columns(config: Config) -> tuple[str, list]:
    """The SQL of DayQueueCounts' counts over `period_tickets` grouped by day and queue."""
    target, target_values = target_seconds_case(config)
    return (
        f"""day, queue, COUNT(*),
            COUNT(wait_seconds),
            COALESCE(SUM(wait_seconds <= {target}), 0),
            COALESCE(SUM(status = 'no_show'), 0),
            COALESCE(SUM(transferred), 0),
            COALESCE(SUM(status = 'finished'), 0)""",
        target_values,
    )


def counts_by_day_and_queue(
    db: sqlite_utils.Database, config: Config, point: ServicePoint, period: Period, queue=None
) -> list[DayQueueCounts]:
    """Counts per service day and queue, by day and then the queues' order in the config.

    called: numbers called at least once; within_target: of those, first called within the
    queue's `target_wait_minutes`; no_shows: ended as no-show; transfers: transferred at least
    once; served: finished at a counter.
    """
    with_clause, values = period_tickets(point, period, queue, first_call=True, transferred=True)
    columns, column_values = _count_columns(config)
    rows = db.execute(
        f"{with_clause} SELECT {columns} FROM period_tickets GROUP BY day, queue",
        [*values, *column_values],
    ).fetchall()
    return _in_order(config, [DayQueueCounts(*row) for row in rows])


def counts_and_waits(
    db: sqlite_utils.Database, config: Config, point: ServicePoint, period: Period, queue=None
) -> tuple[list[DayQueueCounts], list[tuple[str, str, int]]]:
    """The counts per day and queue (with the estimates' figures), and every wait as (day,
    queue, seconds) ordered by queue and seconds: in one statement, so each number's first
    call is looked up once for all of them (the materialized rows serve both parts)."""
    with_clause, values = period_tickets(point, period, queue, first_call=True, transferred=True)
    columns, column_values = _count_columns(config)
    tolerance = ESTIMATE_TOLERANCE_SECONDS
    rows = db.execute(
        f"""{with_clause}
        SELECT 0, {columns},
            COUNT(difference), COALESCE(SUM(ABS(difference)), 0),
            COALESCE(SUM(ABS(difference) <= {tolerance}), 0),
            COALESCE(SUM(difference > {tolerance}), 0),
            COALESCE(SUM(difference < -{tolerance}), 0)
        FROM (SELECT *, wait_seconds - estimated_wait_seconds AS difference FROM period_tickets)
        GROUP BY day, queue
        UNION ALL
        SELECT 1, day, queue, wait_seconds, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
            NULL, NULL
        FROM period_tickets WHERE wait_seconds IS NOT NULL
        ORDER BY 1, 3, 4""",
        [*values, *column_values],
    ).fetchall()
    counts = [DayQueueCounts(*row[1:]) for row in rows if row[0] == 0]
    waits = [(row[1], row[2], row[3]) for row in rows if row[0] == 1]
    return _in_order(config, counts), waits


def _in_order(config: Config, counts: list[DayQueueCounts]) -> list[DayQueueCounts]:
    """Counts by day, then the queues' order in the config."""
    order = queue_order(config)
    return sorted(
        counts, key=lambda count: (count.day, order.get(count.queue, len(order)), count.queue)
    )


def queue_order(config: Config) -> dict[str, int]:
    """Each configured queue's place in the config."""
    return {configured.id: index for index, configured in enumerate(config.queues)}


def queues_of_point(config: Config, point: ServicePoint) -> tuple[str, ...]:
    """The queues the point's counters call, in the config's order of queues."""
    served = {queue for counter in point.counters for queue in counter.queues}
    return tuple(configured.id for configured in config.queues if configured.id in served)
