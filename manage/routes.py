"""Manager pages of one service point: Today (live), History (a period's statistics and their
charts, with the CSV and PDF links) and Forecast (the counters each hour needs).

The pages are drawn on the server from `shared.statistics`; only Today changes by itself
(`static/today.js` listens to the point's live events and fetches getTodayOverview again).
Who may see them is `manage.access.render_manager_page`'s to say: without a session the login,
a clerk or a manager of another point a refusal, never the figures.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from flask import Blueprint, request
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from manage import charts
from manage.access import render_manager_page
from manage.figures_format import FigureFormat
from manage.statistics_api import (
    local_today,
    requested_period,
    requested_queue,
    today_document,
    worked_out,
)
from manage.statistics_schemas import PeriodQuery
from shared.config.service_points import ServicePoint
from shared.errors import DomainError
from shared.statistics.forecast import HISTORY_WEEKS, StaffingForecast, staffing_forecast
from shared.statistics.history import Statistics, statistics
from shared.statistics.periods import Period
from shared.statistics.today import today_overview
from shared.web.clerk_auth import current_user
from shared.web.context import get_db, jono
from shared.web.i18n import current_language

pages = Blueprint("manage", __name__, template_folder="templates")
FORECAST_DAYS_AHEAD = 7


def _figure_format() -> FigureFormat:
    return FigureFormat(current_language())


def _manager_page(
    template: str, service_point_id: str, active: str, values_of: Callable[[ServicePoint], dict]
):
    """Render a manager page whose figures `values_of(point)` gives, computed only for a user
    who may see them (the login or a refusal otherwise)."""
    user = current_user()
    point = jono().config.service_point(service_point_id)
    if user is None or point is None or not user.may_manage(point.id):
        return render_manager_page(template, service_point_id, active)
    return render_manager_page(template, service_point_id, active, **values_of(point))


def queue_names() -> dict[str, str]:
    """The queues' names in the page's language, by id."""
    language = current_language()
    return {queue.id: queue.name.get(language) for queue in jono().config.queues}


def category_name(category: str | None) -> str:
    """A category's name in the page's language; numbers without one are "no category"."""
    found = next((c for c in jono().config.categories if c.id == category), None)
    return found.name.get(current_language()) if found else _("No category")


def outcome_names() -> dict[str, str]:
    """What each kiosk outcome means, in the page's language."""
    return {
        "urgent_ticket": _("Urgent number"),
        "booking_help_ticket": _("Booking help number"),
        "book_online": _("Sent to book online"),
        "postbox": _("Sent to the postbox"),
        "asylum_invitation": _("Asylum invitation"),
        "appointment_offered": _("Offered an appointment"),
        "not_served_today": _("Could not be served that day"),
    }


@pages.get("/manage/<service_point_id>/today")
def today(service_point_id: str):
    """How the day goes now; the page keeps itself current over the live events."""

    def values(point: ServicePoint) -> dict:
        state = jono()
        overview = worked_out(today_overview, get_db(), state.config, point.id, state.clock.now())
        return {
            "overview": overview,
            "overview_document": today_document(overview),
            "figures": _figure_format(),
            "queue_names": queue_names(),
        }

    return _manager_page("manage/today.html", service_point_id, "today", values)


def _period_query(point: ServicePoint) -> tuple[dict, Period, str | None, str | None]:
    """The History form's choice as PeriodQuery reads it; a choice that is no period falls
    back to this week, with the refusal's message to show."""
    schema = PeriodQuery()
    args = MultiDict((key, value) for key, value in request.args.items(multi=True) if value)
    today_here = local_today(point, jono().clock.now())
    errors = schema.validate(args)
    query = schema.load(args) if not errors else schema.load({})
    problem = _("Choose a period and a queue from the lists.") if errors else None
    try:
        period = requested_period(query, today_here)
        queue = requested_queue(jono().config, query.get("queue"))
    except DomainError:
        query, period, queue = schema.load({}), Period.week(today_here), None
        problem = _(
            "That is not a period: the last day must not be before the first, and a"
            " period is at most 366 days."
        )
    return query, period, queue, problem


def history_charts(figures: Statistics, text: FigureFormat) -> list[charts.Chart]:
    """The History page's charts of a period's statistics, each with its table."""
    names = queue_names()
    hours = [
        hour for hour in range(24) if any(row[hour] for row in figures.arrivals_by_weekday_hour)
    ]
    shown_hours = list(range(min(hours + [8]), max(hours + [16]) + 1))
    distribution_columns = (_("Numbers"), _("Median"), _("90th percentile"), _("Longest"))
    days = [day for day in figures.period.days()]
    queues_in_levels = list(dict.fromkeys(level.queue for level in figures.service_level_by_day))
    level_of = {(level.day, level.queue): level for level in figures.service_level_by_day}

    def daily_share(day: date, queue: str) -> float | None:
        level = level_of.get((day, queue))
        return level.within_target / level.called if level and level.called else None

    appointments = figures.appointments
    return [
        charts.heat_map(
            "arrivals",
            _("Arrivals by weekday and hour"),
            _("Weekday"),
            text.weekdays(),
            [text.hour(hour) for hour in shown_hours],
            [[row[hour] for hour in shown_hours] for row in figures.arrivals_by_weekday_hour],
            text.number,
        ),
        charts.range_chart(
            "waits",
            _("Waiting times"),
            _("Queue"),
            distribution_columns,
            [
                (
                    _("All queues"),
                    figures.waits.count,
                    figures.waits.p50_seconds,
                    figures.waits.p90_seconds,
                    figures.waits.max_seconds,
                )
            ]
            + [
                (names.get(queue, queue), d.count, d.p50_seconds, d.p90_seconds, d.max_seconds)
                for queue, d in figures.waits_by_queue
            ],
            text.number,
            text.minutes,
        ),
        charts.range_chart(
            "service-times",
            _("Service times by category"),
            _("Category"),
            distribution_columns,
            [
                (category_name(category), d.count, d.p50_seconds, d.p90_seconds, d.max_seconds)
                for category, d in figures.service_times_by_category
            ],
            text.number,
            text.minutes,
        ),
        charts.line_chart(
            "service-level",
            _("Service level by day"),
            _("Day"),
            [text.short_day(day) for day in days],
            [
                (names.get(queue, queue), [daily_share(day, queue) for day in days])
                for queue in queues_in_levels
            ],
            text.share,
        ),
        charts.bar_chart(
            "counters",
            _("Numbers served per counter"),
            _("Counter"),
            _("Numbers served"),
            [
                (_("Counter %(number)s", number=counter), served)
                for counter, served in figures.served_per_counter
            ],
            text.number,
        ),
        charts.bar_chart(
            "kiosk-outcomes",
            _("What the kiosks told walk-ins"),
            _("Outcome"),
            _("Walk-ins"),
            [
                (outcome_names().get(outcome, outcome), count)
                for outcome, count in figures.kiosk_outcomes
            ],
            text.number,
        ),
        charts.bar_chart(
            "appointments",
            _("Appointments"),
            _("Appointments"),
            _("Appointments"),
            [
                (_("Booked online"), appointments.booked_online),
                (_("Booked at a counter"), appointments.booked_at_counter),
                (_("Booked at the kiosk"), appointments.offered_at_kiosk),
                (_("Cancelled"), appointments.cancelled),
                (_("Moved"), appointments.moved),
                (_("Lost (late)"), appointments.lost),
                (_("Checked in"), appointments.checked_in),
                (_("Served"), appointments.served),
            ],
            text.number,
        ),
    ]


@pages.get("/manage/<service_point_id>/history")
def history(service_point_id: str):
    """A period's statistics of one point (this week unless chosen), with exports."""

    def values(point: ServicePoint) -> dict:
        state = jono()
        query, period, queue, problem = _period_query(point)
        figures = worked_out(statistics, get_db(), state.config, point.id, period, queue)
        text = _figure_format()
        return {
            "query": query,
            "period": period,
            "chosen_queue": queue,
            "today": local_today(point, state.clock.now()),
            "problem": problem,
            "stats": figures,
            "charts": history_charts(figures, text),
            "figures": text,
            "queue_names": queue_names(),
            "export_query": _export_query(query, period, queue),
        }

    return _manager_page("manage/history.html", service_point_id, "history", values)


def _export_query(query: dict, period: Period, queue: str | None) -> dict:
    """The query string of the export links: the same days and queue as the page."""
    chosen = {
        "period": "custom",
        "from": period.first_day.isoformat(),
        "to": period.last_day.isoformat(),
    }
    if queue:
        chosen["queue"] = queue
    return chosen


def forecast_chart(forecast: StaffingForecast, text: FigureFormat) -> charts.Chart:
    """Counters needed against counters open, per hour, with the expected arrivals and waits
    in the table."""
    hours = forecast.hours
    return charts.paired_bars(
        "forecast",
        _("Counters needed and open"),
        _("Hour"),
        [text.hour(hour.hour) for hour in hours],
        [
            (_("Counters needed"), [hour.counters_needed for hour in hours]),
            (_("Counters open"), [hour.counters_open for hour in hours]),
        ],
        text.number,
        more_columns=[
            (_("Expected arrivals"), [text.number(h.expected_arrivals, 1) for h in hours]),
            (_("Mean service time"), [text.minutes(h.mean_service_seconds) for h in hours]),
            (_("Expected wait"), [text.minutes(h.expected_wait_seconds) for h in hours]),
        ],
    )


@pages.get("/manage/<service_point_id>/forecast")
def forecast(service_point_id: str):
    """The staffing forecast of a day (today unless chosen), and how right last week's was."""

    def values(point: ServicePoint) -> dict:
        state = jono()
        now = state.clock.now()
        today_here = local_today(point, now)
        try:
            day = date.fromisoformat(request.args.get("day", ""))
        except ValueError:
            day = today_here
        if not today_here - timedelta(days=366) <= day <= today_here + timedelta(days=366):
            day = today_here
        result = worked_out(staffing_forecast, get_db(), state.config, point.id, day, now)
        text = _figure_format()
        return {
            "forecast": result,
            "chart": forecast_chart(result, text),
            "figures": text,
            "day_choices": [
                today_here + timedelta(days=offset) for offset in range(FORECAST_DAYS_AHEAD)
            ],
            "previous_week_day": day - timedelta(days=7),
            "history_weeks": HISTORY_WEEKS,  # what the method says while no history is used yet
            "service_level_percent": state.config.rules.service_level_percent,
        }

    return _manager_page("manage/forecast.html", service_point_id, "forecast", values)
