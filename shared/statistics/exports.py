"""CSV exports of a period: one row per ticket, one per appointment, and the daily figures.

Anonymous by construction: the columns are chosen here, never `SELECT *`, and none holds a
name, an e-mail address, a phone number, a reservation key, a PIN, the kiosk's answers or a
ticket's phone-page token. A clerk's user name and the waiting number are kept (they say who
served and which number, not who was served). Moments are in the point's local time with
their UTC offset; durations in whole seconds. Text is RFC 4180 CSV (comma, CRLF).
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta

import sqlite_utils

from shared.config import Config, ServicePoint
from shared.statistics.distributions import distribution
from shared.statistics.history import appointment_figures
from shared.statistics.outcomes import TRIAGE_OUTCOMES, kiosk_outcome_counts
from shared.statistics.periods import Period, day_start, require_point
from shared.statistics.ticket_figures import counts_and_waits, period_tickets
from shared.storage.timestamps import parse_utc, utc_text

TICKET_COLUMNS = (
    "day", "number", "queue", "issued_queue", "category", "party_size", "language", "status",
    "appointment", "issued_at", "first_called_at", "called_at", "finished_at", "wait_seconds",
    "service_seconds", "estimated_wait_seconds", "transferred", "counter", "clerk",
    "print_status",
)  # fmt: skip
APPOINTMENT_COLUMNS = (
    "day", "starts_at", "ends_at", "category", "party_size", "language", "status", "channel",
    "booked_by", "booked_at", "checked_in_at", "moved", "ticket_number", "served",
)  # fmt: skip
DAILY_COLUMNS = (
    "day", "queue", "tickets_issued", "called", "called_within_target", "service_level",
    "no_shows", "transfers", "served", "wait_p50_seconds", "wait_p90_seconds",
    "wait_max_seconds",
    *(f"kiosk_{outcome}" for outcome in TRIAGE_OUTCOMES),
    "appointments_booked_online", "appointments_booked_at_counter",
    "appointments_offered_at_kiosk", "appointments_cancelled", "appointments_moved",
    "appointments_lost", "appointments_checked_in", "appointments_served",
)  # fmt: skip


def _csv_with_local_moments(point, columns, moment_columns, rows) -> str:
    """The rows as CSV under `columns`, the UTC moments of `moment_columns` in local time."""
    moments = {columns.index(name) for name in moment_columns}
    return _csv(
        columns,
        (
            [_local(point, value) if index in moments else value for index, value in enumerate(row)]
            for row in rows
        ),
    )


def tickets_csv(
    db: sqlite_utils.Database,
    config: Config,
    service_point: str,
    period: Period,
    queue: str | None = None,
) -> str:
    """One row per waiting number of the period (optionally of one queue), in issue order.

    appointment: 1 for a number of a checked-in appointment; transferred: 1 when it was
    transferred at least once; wait and service time as in the statistics.
    """
    point = require_point(config, service_point)
    with_clause, values = period_tickets(point, period, queue, first_call=True, transferred=True)
    rows = db.execute(
        f"""{with_clause}
        SELECT day, number, queue, issued_queue, category, party_size, language, status,
            appointment_id IS NOT NULL, issued_at, first_called_at, called_at, finished_at,
            wait_seconds, service_seconds, estimated_wait_seconds, transferred, counter, clerk,
            print_status
        FROM period_tickets ORDER BY issued_at, id""",
        values,
    )
    moments = ("issued_at", "first_called_at", "called_at", "finished_at")
    return _csv_with_local_moments(point, TICKET_COLUMNS, moments, rows)


def appointments_csv(
    db: sqlite_utils.Database,
    config: Config,
    service_point: str,
    period: Period,
    queue: str | None = None,
) -> str:
    """One row per appointment for the period's days, in order of time.

    channel: online, counter or kiosk (who booked it); booked_by: the clerk's user name for a
    counter booking, else empty; moved: 1 when rescheduled at least once; served: 1 when its
    number was finished at a counter. `queue` is accepted for a uniform call and not used:
    appointments belong to no queue.
    """
    point = require_point(config, service_point)
    rows = db.execute(
        """
        SELECT a.day, a.starts_at, a.ends_at, a.category, a.party_size, a.language, a.status,
            CASE WHEN a.booked_by IS NULL THEN 'online'
                WHEN a.booked_by = 'kiosk' THEN 'kiosk' ELSE 'counter' END,
            CASE WHEN a.booked_by = 'kiosk' THEN NULL ELSE a.booked_by END,
            a.booked_at, a.checked_in_at,
            EXISTS (SELECT 1 FROM events e WHERE e.appointment_id = a.id
                AND e.type = 'AppointmentRescheduled'),
            t.number, COALESCE(t.status = 'finished', 0)
        FROM appointments a LEFT JOIN tickets t ON t.id = a.ticket_id
        WHERE a.service_point = ? AND a.day BETWEEN ? AND ?
        ORDER BY a.starts_at, a.id
        """,
        [point.id, period.first_day.isoformat(), period.last_day.isoformat()],
    )
    moments = ("starts_at", "ends_at", "booked_at", "checked_in_at")
    return _csv_with_local_moments(point, APPOINTMENT_COLUMNS, moments, rows)


def daily_csv(
    db: sqlite_utils.Database,
    config: Config,
    service_point: str,
    period: Period,
    queue: str | None = None,
) -> str:
    """The figures of each day of the period (every day, zeros kept).

    Each day has a row with an empty queue for the whole day (its kiosk verdicts and
    appointments too), then a row per queue with numbers that day. service_level is a fraction
    (0-1, four decimals), empty on a day nothing was called.
    """
    point = require_point(config, service_point)
    counts, wait_rows = counts_and_waits(db, config, point, period, queue)
    waits: dict = defaultdict(list)
    for day, queue_id, seconds in wait_rows:
        waits[(date.fromisoformat(day), queue_id)].append(seconds)  # each list stays ordered
    by_day = defaultdict(list)
    for count in counts:
        by_day[count.day].append(count)
    rows = []
    for day in period.days():
        of_day = by_day.get(day.isoformat(), [])
        whole = _sum_counts(of_day)
        day_waits = sorted(
            seconds for (of, _), values in waits.items() if of == day for seconds in values
        )
        outcomes = kiosk_outcome_counts(
            db, point.id, utc_text(day_start(point, day)), utc_text(_next_day_start(point, day))
        )
        outcome_counts = dict(outcomes)
        appointments = appointment_figures(db, point.id, Period.day(day))
        rows.append(
            [day.isoformat(), "", *_count_cells(whole), *_wait_cells(day_waits)]
            + [outcome_counts.get(outcome, 0) for outcome in TRIAGE_OUTCOMES]
            + list(vars(appointments).values())
        )
        for count in of_day:
            rows.append(
                [day.isoformat(), count.queue]
                + _count_cells(
                    (
                        count.issued,
                        count.called,
                        count.within_target,
                        count.no_shows,
                        count.transfers,
                        count.served,
                    )
                )
                + _wait_cells(waits.get((day, count.queue), []))
                + [""] * (len(DAILY_COLUMNS) - 12)
            )
    return _csv(DAILY_COLUMNS, rows)


def _next_day_start(point: ServicePoint, day: date) -> datetime:
    """When the service day after `day` begins."""
    return day_start(point, day + timedelta(days=1))


def _sum_counts(counts) -> tuple[int, ...]:
    """The (issued, called, within, no-shows, transfers, served) of several queues' counts."""
    return tuple(
        sum(getattr(count, name) for count in counts)
        for name in ("issued", "called", "within_target", "no_shows", "transfers", "served")
    )


def _count_cells(figures: tuple[int, ...]) -> list:
    """The count columns of a daily row, with the service level after the first three."""
    issued, called, within, no_shows, transfers, served = figures
    level = f"{within / called:.4f}" if called else ""
    return [issued, called, within, level, no_shows, transfers, served]


def _wait_cells(ordered: list[int]) -> list:
    """p50, p90 and the longest of a day's waits (empty without any)."""
    figures = distribution(ordered)
    return [
        "" if value is None else value
        for value in (figures.p50_seconds, figures.p90_seconds, figures.max_seconds)
    ]


def _local(point: ServicePoint, text: str | None) -> str | None:
    """A stored UTC moment as the point's local time with its offset, to the second."""
    moment = parse_utc(text)
    if moment is None:
        return None
    return moment.astimezone(UTC).astimezone(point.zone).isoformat(timespec="seconds")


def _csv(columns: tuple[str, ...], rows) -> str:
    """RFC 4180 text with a header row; None is written as an empty cell."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["" if value is None else value for value in row])
    return buffer.getvalue()
