"""Statistics API for managers: today's overview, a period's figures, the CSV exports, the
monthly PDF report and the staffing forecast of one service point.

Every operation needs a manager of that point (or an admin): `manage.access.require_manager_of`
refuses a clerk (403 ``manager_only``) and a manager of another point (403
``service_point_not_allowed``). The figures come from `shared.statistics`; this module only
reads the query, checks who asks, and turns the dataclasses into the documented JSON.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import date, datetime
from functools import partial
from typing import TypeVar

from apiflask import APIBlueprint
from flask import Response

from manage.access import require_manager_of
from manage.statistics_schemas import (
    ExportQuery,
    ForecastQuery,
    MonthlyReportQuery,
    PeriodQuery,
    StaffingForecastSchema,
    StatisticsSchema,
    TodayOverviewSchema,
)
from shared.config import Config
from shared.config.service_points import ServicePoint
from shared.errors import InvalidRequest, NotFound
from shared.queue.tickets import require_service_point
from shared.statistics import exports
from shared.statistics.forecast import StaffingForecast, staffing_forecast
from shared.statistics.history import Statistics, statistics
from shared.statistics.monthly_report import monthly_report_pdf
from shared.statistics.periods import Period
from shared.statistics.today import TodayOverview, today_overview
from shared.storage.timestamps import utc_text
from shared.web.clerk_auth import CLERK_ONLY, clerk_required
from shared.web.context import get_db, jono
from shared.web.i18n import current_language
from shared.web.slow_work import SlowWorkLimit, off_the_loop

api = APIBlueprint("manage_statistics_api", __name__, url_prefix="/api/v1", tag="Statistics")
# Days outside these are no service day Jono has or will have: refused before any date sum
# could overflow (year 9999 + a week).
FIRST_SUPPORTED_DAY = date(2000, 1, 1)
LAST_SUPPORTED_DAY = date(2100, 12, 31)
ERRORS = {
    400: "A period that is not one (`invalid_period`: the last day before the first, longer"
    " than 366 days, a custom period without both days, or a day outside 2000-2100)",
    401: "Not logged in",
    403: "Not a manager (`manager_only`), or not a manager of this service point",
    404: "Unknown service point or queue",
    503: "Two figures are being worked out already (`busy`): try again in a moment",
}
# A period's figures are long read-only SQL statements (a year of a busy point takes seconds)
# and a report is also reportlab's work: they run in a native thread, so the event loop keeps
# serving the kiosks, counters and displays meanwhile, and at most two at once.
FIGURE_WORK = SlowWorkLimit(2)
Result = TypeVar("Result")
CSV_EXPORTS = {
    "tickets": exports.tickets_csv,
    "appointments": exports.appointments_csv,
    "daily": exports.daily_csv,
}


def worked_out(work: Callable[..., Result], *args, **kwargs) -> Result:
    """`work(*args, **kwargs)` in one of FIGURE_WORK's places, off the event loop (503 ``busy``
    when both places stay taken for its wait)."""
    with FIGURE_WORK.place():
        return off_the_loop(partial(work, *args, **kwargs))


def local_today(point: ServicePoint, now: datetime) -> date:
    """The local date at the service point."""
    return now.astimezone(point.zone).date()


def _supported(day: date | None) -> date | None:
    if day is not None and not FIRST_SUPPORTED_DAY <= day <= LAST_SUPPORTED_DAY:
        raise InvalidRequest("invalid_period", day=day.isoformat())
    return day


def requested_period(query: dict, today: date) -> Period:
    """The period a PeriodQuery asks for: the day, week or month holding `day` (default
    `today`), or the custom days `from`–`to`; ``invalid_period`` (400) when it is not one."""
    day = _supported(query.get("day")) or today
    first, last = _supported(query.get("from_day")), _supported(query.get("to_day"))
    kind = query.get("period") or "week"
    if kind == "day":
        return Period.day(day)
    if kind == "month":
        return Period.month(day.year, day.month)
    if kind == "custom":
        if first is None or last is None:
            raise InvalidRequest("invalid_period")
        return Period.custom(first, last)
    return Period.week(day)


def requested_queue(config: Config, queue_id: str | None) -> str | None:
    """The queue asked for, or None for every queue; 404 ``unknown_queue`` for one that does
    not exist."""
    if queue_id is not None and config.queue(queue_id) is None:
        raise NotFound("unknown_queue", queue=queue_id)
    return queue_id


def managed_point(service_point_id: str) -> ServicePoint:
    """The service point, if the logged-in user manages it: 403 for a clerk or a manager of
    other points, 404 for a point that does not exist (`require_manager_of`)."""
    require_manager_of(service_point_id)
    return require_service_point(jono().config, service_point_id)


def today_document(overview: TodayOverview) -> dict:
    """Today's overview as the API answers it."""
    document = dataclasses.asdict(overview)
    document["at"] = utc_text(overview.at)
    return document


def _with_name(name: str, value, distribution) -> dict:
    return {name: value, **dataclasses.asdict(distribution)}


def statistics_document(figures: Statistics) -> dict:
    """A period's statistics as the API answers it: the domain's pairs become named objects."""
    document = dataclasses.asdict(figures)
    document.update(
        period={
            "first_day": figures.period.first_day.isoformat(),
            "last_day": figures.period.last_day.isoformat(),
        },
        arrivals_by_weekday_hour=[list(row) for row in figures.arrivals_by_weekday_hour],
        waits_by_queue=[_with_name("queue", q, d) for q, d in figures.waits_by_queue],
        service_times_by_category=[
            _with_name("category", c, d) for c, d in figures.service_times_by_category
        ],
        service_level_by_day=[
            {**dataclasses.asdict(level), "day": level.day.isoformat()}
            for level in figures.service_level_by_day
        ],
        served_per_counter=[
            {"counter": counter, "served": served} for counter, served in figures.served_per_counter
        ],
        kiosk_outcomes=[
            {"outcome": outcome, "count": count} for outcome, count in figures.kiosk_outcomes
        ],
    )
    return document


def forecast_document(forecast: StaffingForecast) -> dict:
    """A staffing forecast as the API answers it."""
    document = dataclasses.asdict(forecast)
    document["day"] = forecast.day.isoformat()
    last_week = document["last_week"]
    if last_week is not None and last_week.get("day") is not None:
        last_week["day"] = last_week["day"].isoformat()
    return document


@api.get("/service-points/<service_point_id>/statistics/today")
@clerk_required  # outermost, so an anonymous caller gets 401 first
@api.output(TodayOverviewSchema)
@api.doc(
    operation_id="getTodayOverview",
    summary="How the day goes at a service point, now",
    description="Waiting per queue and the longest wait, the open counters and who is at"
    " them, numbers served, no-shows, the service level so far (called within the queue's"
    " target), failed prints and messages, and today's appointments. The manager's Today page"
    " fetches it again when the point's live events say something changed.",
    **CLERK_ONLY,
    responses={key: ERRORS[key] for key in (401, 403, 404, 503)},
)
def get_today_overview(service_point_id: str):
    """The live overview of today at one service point."""
    point = managed_point(service_point_id)
    state = jono()
    return today_document(
        worked_out(today_overview, get_db(), state.config, point.id, state.clock.now())
    )


@api.get("/service-points/<service_point_id>/statistics")
@clerk_required
@api.input(PeriodQuery, location="query", arg_name="query")
@api.output(StatisticsSchema)
@api.doc(
    operation_id="getStatistics",
    summary="A period's statistics of a service point (optionally of one queue)",
    description="Arrivals per weekday and local hour, waiting and service times (p50, p90,"
    " max), the service level per queue and day, no-show and transfer rates, numbers per"
    " counter, kiosk outcomes, appointments by channel and how right the wait estimates were."
    " What each figure means: docs/statistics.md.",
    **CLERK_ONLY,
    responses=ERRORS,
)
def get_statistics(service_point_id: str, query: dict):
    """The statistics of the period and queue asked for."""
    point = managed_point(service_point_id)
    state = jono()
    period = requested_period(query, local_today(point, state.clock.now()))
    queue = requested_queue(state.config, query.get("queue"))
    return statistics_document(
        worked_out(statistics, get_db(), state.config, point.id, period, queue)
    )


@api.get("/service-points/<service_point_id>/statistics/export")
@clerk_required
@api.input(ExportQuery, location="query", arg_name="query")
@api.doc(
    operation_id="exportStatisticsCsv",
    summary="A period's figures as CSV: per number, per appointment, or per day",
    description="Anonymous: no names, e-mail addresses, phone numbers, reservation keys or"
    " PIN codes (clerks' user names and the waiting numbers are in). UTF-8, comma-separated,"
    " with a header row; downloaded under a file name that says the point, the kind and the"
    " days.",
    **CLERK_ONLY,
    responses={
        200: {
            "description": "The CSV file",
            "content": {"text/csv": {"schema": {"type": "string"}}},
        },
        **ERRORS,
    },
)
def export_statistics_csv(service_point_id: str, query: dict):
    """One of the three CSV exports of a period, as a download."""
    point = managed_point(service_point_id)
    state = jono()
    period = requested_period(query, local_today(point, state.clock.now()))
    queue = requested_queue(state.config, query.get("queue"))
    which = query["which"]
    text = worked_out(CSV_EXPORTS[which], get_db(), state.config, point.id, period, queue)
    filename = f"jono-{point.id}-{which}-{period.first_day}_{period.last_day}.csv"
    return Response(
        text,
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )


@api.get("/service-points/<service_point_id>/reports/monthly")
@clerk_required
@api.input(MonthlyReportQuery, location="query", arg_name="query")
@api.doc(
    operation_id="getMonthlyReport",
    summary="The monthly report of a service point, as PDF",
    description="The charts, the service level, the kiosk outcomes and a page per queue, in the"
    " caller's language (`?lang=fi|sv|en` or Accept-Language). Default: the current month."
    " The same data gives the same bytes, but for the time it was made.",
    **CLERK_ONLY,
    responses={
        200: {
            "description": "The report",
            "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
        },
        **{key: ERRORS[key] for key in (401, 403, 404, 503)},
        400: "A year or month out of range",
    },
)
def get_monthly_report(service_point_id: str, query: dict):
    """Render one month's report of a service point."""
    point = managed_point(service_point_id)
    state = jono()
    now = state.clock.now()
    today = local_today(point, now)
    year, month = query.get("year") or today.year, query.get("month") or today.month
    pdf = worked_out(
        monthly_report_pdf,
        get_db(),
        state.config,
        point.id,
        year,
        month,
        generated_at=now,
        language=current_language(),
    )
    filename = f"jono-{point.id}-{year:04d}-{month:02d}.pdf"
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'inline; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )


@api.get("/service-points/<service_point_id>/staffing-forecast")
@clerk_required
@api.input(ForecastQuery, location="query", arg_name="query")
@api.output(StaffingForecastSchema)
@api.doc(
    operation_id="getStaffingForecast",
    summary="How many counters each hour of a day needs to meet the service level",
    description="Learnt from the same weekday of the last weeks (arrivals and service times"
    " per local hour), with Erlang C: the counters needed, the expected wait, the counters"
    " actually open (past hours), and how right last week's forecast was. How it is"
    " computed: docs/forecast.md.",
    **CLERK_ONLY,
    responses={
        **ERRORS,
        400: "A day outside 2000-2100 (`invalid_period`), or weeks out of range",
    },
)
def get_staffing_forecast(service_point_id: str, query: dict):
    """The staffing forecast of one day (today unless told)."""
    point = managed_point(service_point_id)
    state = jono()
    now = state.clock.now()
    day = _supported(query.get("day")) or local_today(point, now)
    forecast = worked_out(
        staffing_forecast, get_db(), state.config, point.id, day, now, query["weeks"]
    )
    return forecast_document(forecast)
