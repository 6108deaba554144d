"""The statistics API (manage/statistics_api.py) on the constructed week of tests/statistics:
the figures it answers are the ones known by construction and the ones `shared.statistics`
computes; CSV and PDF come as downloads; only a manager of the point (or an admin) gets any.
"""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from manage.statistics_api import FIGURE_WORK
from shared.accounts.users import add_user
from shared.statistics import exports
from shared.statistics.forecast import staffing_forecast
from shared.statistics.history import statistics
from shared.statistics.periods import Period
from shared.storage.timestamps import utc_text
from tests.conftest import CLERK_PASSWORD, log_in
from tests.statistics.constructed_week import (
    NOW,
    TODAY_FIGURES,
    WEEK,
    WEEK_MONDAY,
    write_constructed_week,
)

HELSINKI = "/api/v1/service-points/helsinki"
WEEK_QUERY = f"period=week&day={WEEK_MONDAY.isoformat()}"
# Every operation of the statistics API, at Helsinki.
OPERATIONS = {
    "getTodayOverview": f"{HELSINKI}/statistics/today",
    "getStatistics": f"{HELSINKI}/statistics?{WEEK_QUERY}",
    "exportStatisticsCsv": f"{HELSINKI}/statistics/export?which=tickets&{WEEK_QUERY}",
    "getMonthlyReport": f"{HELSINKI}/reports/monthly?year=2026&month=11",
    "getStaffingForecast": f"{HELSINKI}/staffing-forecast?day=2026-11-30",
}
APPOINTMENT_FIGURES = (
    "booked_online",
    "booked_at_counter",
    "offered_at_kiosk",
    "cancelled",
    "moved",
    "lost",
    "checked_in",
    "served",
)
ESTIMATE_FIGURES = (
    "count",
    "mean_absolute_error_seconds",
    "within_five_minutes",
    "under_estimated",
    "over_estimated",
)


@pytest.fixture
def week(db, clock):
    """The constructed week in the test database; the clock stands on its Monday after."""
    assert clock.now() == NOW
    write_constructed_week(db)
    return db


@pytest.fixture
def logged_in(app, db, clock):
    """logged_in(role, points): a test client logged in as a new account of that role."""
    made = []

    def make(role: str = "manager", points: tuple[str, ...] | None = ("helsinki",)):
        username = f"{role}{len(made)}"
        add_user(db, username, CLERK_PASSWORD, role, clock.now(), points)
        test_client = app.test_client()
        assert log_in(test_client, username).status_code == 200
        made.append(username)
        return test_client

    return make


@pytest.fixture
def manager(logged_in):
    """A manager of Helsinki, logged in."""
    return logged_in("manager", ("helsinki",))


def distribution(figures: dict) -> tuple:
    return (
        figures["count"],
        figures["p50_seconds"],
        figures["p90_seconds"],
        figures["max_seconds"],
    )


def test_the_statistics_of_the_week_are_the_figures_known_by_construction(week, manager):
    response = manager.get(f"{HELSINKI}/statistics?{WEEK_QUERY}")

    assert response.status_code == 200, response.json
    figures = response.json
    assert figures["period"] == {"first_day": "2026-11-23", "last_day": "2026-11-29"}
    assert figures["queue"] is None
    assert figures["tickets_issued"] == WEEK["tickets_issued"]
    assert distribution(figures["waits"]) == WEEK["waits"]
    assert {row["queue"]: distribution(row) for row in figures["waits_by_queue"]} == WEEK[
        "waits_by_queue"
    ]
    assert [
        (row["category"], distribution(row)) for row in figures["service_times_by_category"]
    ] == WEEK["service_times"]
    assert [
        (date.fromisoformat(row["day"]), row["queue"], row["called"], row["within_target"])
        for row in figures["service_level_by_day"]
    ] == WEEK["service_level_by_day"]
    assert (figures["called"], figures["called_within_target"]) == (7, 6)
    assert figures["service_level"] == pytest.approx(6 / 7)
    assert (figures["no_shows"], figures["transfers"]) == (1, 1)
    assert figures["no_show_rate"] == pytest.approx(1 / 7)
    assert figures["transfer_rate"] == pytest.approx(1 / 8)
    assert [(row["counter"], row["served"]) for row in figures["served_per_counter"]] == list(
        WEEK["served_per_counter"]
    )
    assert [(row["outcome"], row["count"]) for row in figures["kiosk_outcomes"]] == list(
        WEEK["kiosk_outcomes"]
    )
    assert (
        tuple(figures["appointments"][key] for key in APPOINTMENT_FIGURES) == WEEK["appointments"]
    )
    assert tuple(figures["estimates"][key] for key in ESTIMATE_FIGURES) == WEEK["estimates"]
    arrivals = {
        (weekday, hour): count
        for weekday, row in enumerate(figures["arrivals_by_weekday_hour"])
        for hour, count in enumerate(row)
        if count
    }
    assert arrivals == WEEK["arrivals"]
    assert [len(row) for row in figures["arrivals_by_weekday_hour"]] == [24] * 7


def test_the_statistics_are_those_of_the_domain_for_every_period_and_queue(week, manager, config):
    for query, period, queue in [
        ("period=day&day=2026-11-23", Period.day(date(2026, 11, 23)), None),
        ("period=month&day=2026-11-05&queue=urgent", Period.month(2026, 11), "urgent"),
        (
            "period=custom&from=2026-11-24&to=2026-11-27&queue=booking_help",
            Period.custom(date(2026, 11, 24), date(2026, 11, 27)),
            "booking_help",
        ),
    ]:
        answer = manager.get(f"{HELSINKI}/statistics?{query}").json
        expected = statistics(week, config, "helsinki", period, queue)
        assert answer["period"] == {
            "first_day": period.first_day.isoformat(),
            "last_day": period.last_day.isoformat(),
        }, query
        assert answer["queue"] == queue
        assert answer["tickets_issued"] == expected.tickets_issued, query
        assert distribution(answer["waits"]) == (
            expected.waits.count,
            expected.waits.p50_seconds,
            expected.waits.p90_seconds,
            expected.waits.max_seconds,
        ), query
        assert answer["called"] == expected.called, query
        assert answer["no_shows"] == expected.no_shows, query
        assert [row["count"] for row in answer["kiosk_outcomes"]] == [
            count for _, count in expected.kiosk_outcomes
        ], query


def test_the_week_defaults_to_this_one(week, manager):
    figures = manager.get(f"{HELSINKI}/statistics").json

    assert figures["period"] == {"first_day": "2026-11-30", "last_day": "2026-12-06"}
    assert figures["tickets_issued"] == 8  # today's numbers, none of last week's


def test_today_is_the_overview_known_by_construction(week, manager):
    response = manager.get(f"{HELSINKI}/statistics/today")

    assert response.status_code == 200, response.json
    today = response.json
    assert today["service_point"] == "helsinki"
    assert today["at"] == utc_text(NOW)
    assert [
        (
            queue["queue"],
            queue["waiting"],
            queue["longest_wait_seconds"],
            queue["called"],
            queue["called_within_target"],
            queue["served"],
            queue["target_wait_minutes"],
        )
        for queue in today["queues"]
    ] == list(TODAY_FIGURES["queues"])
    assert [
        (counter["counter"], counter["clerk"], counter["serving_number"], tuple(counter["queues"]))
        for counter in today["counters"]
    ] == list(TODAY_FIGURES["counters"])
    for field in ("served", "no_shows", "called", "called_within_target"):
        assert today[field] == TODAY_FIGURES[field], field
    assert today["service_level"] == pytest.approx(4 / 5)
    assert (today["failed_prints"], today["failed_messages"]) == (2, 2)
    assert (
        tuple(
            today["appointments"][key]
            for key in ("booked", "checked_in", "served", "lost", "cancelled")
        )
        == TODAY_FIGURES["appointments"]
    )


def test_the_forecast_is_the_domains(week, manager, config, clock):
    response = manager.get(f"{HELSINKI}/staffing-forecast?day=2026-11-30&weeks=2")

    assert response.status_code == 200, response.json
    expected = staffing_forecast(week, config, "helsinki", date(2026, 11, 30), clock.now(), 2)
    answer = response.json
    assert answer["day"] == "2026-11-30"
    assert answer["weeks_used"] == expected.weeks_used
    assert answer["method"] == expected.method
    assert answer["target_level"] == pytest.approx(0.8)
    assert [
        (hour["hour"], hour["expected_arrivals"], hour["counters_needed"], hour["counters_open"])
        for hour in answer["hours"]
    ] == [
        (hour.hour, hour.expected_arrivals, hour.counters_needed, hour.counters_open)
        for hour in expected.hours
    ]
    assert answer["hours"], "the Mondays before have numbers: the day has hours to staff"


@pytest.mark.parametrize("which", ["tickets", "appointments", "daily"])
def test_the_csv_exports_are_downloads_of_the_domains_csv(week, manager, config, which):
    response = manager.get(f"{HELSINKI}/statistics/export?which={which}&{WEEK_QUERY}")

    assert response.status_code == 200, response.data
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="jono-helsinki-{which}-2026-11-23_2026-11-29.csv"'
    )
    export = getattr(exports, f"{which}_csv")
    period = Period.week(WEEK_MONDAY)
    assert response.get_data(as_text=True) == export(week, config, "helsinki", period, None)
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert len(rows) > 1, "a header and the week's rows"
    assert "@" not in response.get_data(as_text=True), "no e-mail address"


def test_the_tickets_csv_of_one_queue_holds_only_its_numbers(week, manager):
    text = manager.get(
        f"{HELSINKI}/statistics/export?which=tickets&{WEEK_QUERY}&queue=appointment"
    ).get_data(as_text=True)

    rows = list(csv.DictReader(io.StringIO(text)))
    assert [row["number"] for row in rows] == ["C001"]


def test_the_monthly_report_is_a_pdf(week, manager):
    response = manager.get(f"{HELSINKI}/reports/monthly?year=2026&month=11&lang=fi")

    assert response.status_code == 200, response.data[:500]
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    assert response.headers["Content-Disposition"] == 'inline; filename="jono-helsinki-2026-11.pdf"'


@pytest.mark.parametrize(
    "path",
    [
        "statistics/today",
        f"statistics?{WEEK_QUERY}",
        f"statistics/export?which=daily&{WEEK_QUERY}",
        "reports/monthly?year=2026&month=11",
        "staffing-forecast",
    ],
)
def test_figures_wait_for_one_of_two_places_and_are_refused_as_busy_beyond(
    week, manager, monkeypatch, path
):
    """Two figures being worked out already: a third is refused quickly (503 busy), and is
    answered once a place is free again."""
    monkeypatch.setattr(FIGURE_WORK, "wait_seconds", 0.05)
    with FIGURE_WORK.place(), FIGURE_WORK.place():
        refused = manager.get(f"{HELSINKI}/{path}")
    assert (refused.status_code, refused.json["error"]["code"]) == (503, "busy")
    assert manager.get(f"{HELSINKI}/{path}").status_code == 200


def test_an_admin_gets_every_operation(week, logged_in):
    admin = logged_in("admin", None)

    for operation, path in OPERATIONS.items():
        assert admin.get(path).status_code == 200, operation


def test_a_clerk_gets_no_figures(week, logged_in):
    clerk = logged_in("clerk", ("helsinki",))

    for operation, path in OPERATIONS.items():
        response = clerk.get(path)
        assert response.status_code == 403, operation
        assert response.json["error"]["code"] == "manager_only", operation


def test_a_manager_of_tampere_sees_nothing_of_helsinki(week, logged_in):
    tampere = logged_in("manager", ("tampere",))

    for operation, path in OPERATIONS.items():
        response = tampere.get(path)
        assert response.status_code == 403, operation
        assert response.json["error"]["code"] == "service_point_not_allowed", operation
        assert tampere.get(path.replace("/helsinki/", "/tampere/")).status_code == 200, operation


def test_nobody_logged_in_gets_401(week, anonymous_client):
    for operation, path in OPERATIONS.items():
        response = anonymous_client.get(path)
        assert response.status_code == 401, operation
        assert response.json["error"]["code"] == "login_required", operation


@pytest.mark.parametrize(
    ("query", "status", "code"),
    [
        ("period=custom&from=2026-11-23", 400, "invalid_period"),
        ("period=custom&from=2026-11-23&to=2026-11-22", 400, "invalid_period"),
        ("period=custom&from=2025-01-01&to=2026-11-22", 400, "invalid_period"),
        ("period=week&day=9999-12-31", 400, "invalid_period"),
        ("period=year", 400, "invalid_request"),
        ("queue=nowhere", 404, "unknown_queue"),
    ],
)
def test_a_period_or_queue_that_is_not_one_is_refused(week, manager, query, status, code):
    for path in ("statistics", "statistics/export"):
        response = manager.get(f"{HELSINKI}/{path}?which=daily&{query}")
        assert response.status_code == status, (path, response.json)
        assert response.json["error"]["code"] == code, path


def test_an_unknown_point_is_404_for_an_admin(week, logged_in):
    admin = logged_in("admin", None)

    response = admin.get("/api/v1/service-points/nowhere/statistics/today")

    assert response.status_code == 404
    assert response.json["error"]["code"] == "unknown_service_point"


def test_the_operations_are_in_the_openapi_document_with_their_answers(app):
    document = app.test_client().get("/api/v1/openapi.json").json
    operations = {
        operation["operationId"]: operation
        for item in document["paths"].values()
        for operation in item.values()
        if isinstance(operation, dict) and "operationId" in operation
    }

    for name, content_type in [
        ("getTodayOverview", "application/json"),
        ("getStatistics", "application/json"),
        ("exportStatisticsCsv", "text/csv"),
        ("getMonthlyReport", "application/pdf"),
        ("getStaffingForecast", "application/json"),
    ]:
        answers = operations[name]["responses"]
        assert content_type in answers["200"]["content"], name
        assert {"401", "403", "404"} <= set(answers), name
    statistics_answer = operations["getStatistics"]["responses"]["200"]["content"]
    assert "$ref" in statistics_answer["application/json"]["schema"]


@pytest.mark.parametrize(
    ("page", "figures"),
    [
        ("today", 'data-field="served"'),
        ("history", 'id="chart-arrivals"'),
        ("forecast", 'id="forecast-weeks"'),
    ],
)
def test_the_pages_show_figures_only_to_a_manager_of_the_point(week, logged_in, app, page, figures):
    path = f"/manage/helsinki/{page}"

    shown = logged_in("manager", ("helsinki",)).get(path)
    refused_clerk = logged_in("clerk", ("helsinki",)).get(path)
    refused_tampere = logged_in("manager", ("tampere",)).get(path)
    stranger = app.test_client().get(path)

    assert shown.status_code == 200
    assert figures in shown.get_data(as_text=True)
    assert (refused_clerk.status_code, refused_tampere.status_code) == (403, 403)
    assert stranger.status_code == 200  # the login page
    for response in (refused_clerk, refused_tampere, stranger):
        assert figures not in response.get_data(as_text=True)


def test_a_period_that_is_not_one_is_said_in_the_callers_language(week, manager):
    response = manager.get(
        f"{HELSINKI}/statistics?period=custom&from=2026-11-23&to=2026-11-01",
        headers={"Accept-Language": "fi"},
    )

    assert response.status_code == 400
    assert response.json["error"]["message"].startswith("Ajanjakso ei kelpaa")
