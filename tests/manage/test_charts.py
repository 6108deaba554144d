"""The manager pages' charts (manage/charts.py): every mark of an SVG says what its table says,
on the charts alone and on the History and Forecast pages drawn from the constructed week."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from flask import render_template_string

from manage import charts
from manage.figures_format import FigureFormat
from shared.accounts.users import add_user
from tests.conftest import CLERK_PASSWORD, log_in
from tests.statistics.constructed_week import WEEK, WEEK_MONDAY, write_constructed_week

# The pages' language as a browser asks for it (?lang= is remembered and redirected away).
ENGLISH = {"Accept-Language": "en"}
FINNISH = {"Accept-Language": "fi"}


class ChartReader(HTMLParser):
    """Reads every chart figure of a page: its marks (row, column, value, text) and its table
    (row label → column heading → cell text)."""

    def __init__(self) -> None:
        super().__init__()
        self.figures: dict[str, dict] = {}
        self.current: dict | None = None
        self.cell: list[str] | None = None
        self.headings: list[str] = []
        self.row: list[str] = []
        self.in_head = False

    def handle_starttag(self, tag, attributes):
        values = dict(attributes)
        if tag == "figure" and values.get("id", "").startswith("chart-"):
            self.current = {"marks": [], "table": {}}
            self.figures[values["id"].removeprefix("chart-")] = self.current
        elif self.current is None:
            return
        elif "mark" in (values.get("class") or "").split():
            self.current["marks"].append(
                (
                    values["data-row"],
                    values["data-column"],
                    values["data-value"],
                    values["data-text"],
                )
            )
        elif tag == "thead":
            self.in_head, self.headings = True, []
        elif tag == "tr":
            self.row = []
        elif tag in ("th", "td") and self.cell is None:
            self.cell = []

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)

    def handle_endtag(self, tag):
        if self.current is None:
            return
        if tag in ("th", "td") and self.cell is not None:
            text = "".join(self.cell).strip()
            (self.headings if self.in_head else self.row).append(text)
            self.cell = None
        elif tag == "thead":
            self.in_head = False
        elif tag == "tr" and not self.in_head and self.row:
            label, *cells = self.row
            self.current["table"][label] = dict(zip(self.headings[1:], cells, strict=True))
        elif tag == "figure":
            self.current = None


def read_charts(html: str) -> dict[str, dict]:
    """The chart figures of a page by their key."""
    reader = ChartReader()
    reader.feed(html)
    return reader.figures


def assert_marks_agree_with_table(figure: dict) -> None:
    """Every mark's text is its table cell's, at its row and column."""
    for row, column, _value, text in figure["marks"]:
        assert figure["table"][row][column] == text, (row, column)


def figure_of(chart: charts.Chart) -> dict:
    """A chart alone, read back the way a page is."""
    html = render_template_string(
        '{% from "manage/charts/figure.html" import chart_figure %}{{ chart_figure(chart, "") }}',
        chart=chart,
    )
    return read_charts(html)[chart.key]


@pytest.fixture
def text(app):
    """The English figure format, inside a request of the app (the templates need one)."""
    with app.test_request_context("/?lang=en"):
        yield FigureFormat("en")


def test_a_heat_map_marks_every_cell_with_its_tables_count(text):
    values = [[0, 3, 1], [5, 0, 2]]

    figure = figure_of(
        charts.heat_map(
            "arrivals", "Arrivals", "Day", ["Mon", "Tue"], ["08", "09", "10"], values, text.number
        )
    )

    assert len(figure["marks"]) == 6
    assert_marks_agree_with_table(figure)
    assert {(row, column): float(value) for row, column, value, _ in figure["marks"]} == {
        ("Mon", "08"): 0, ("Mon", "09"): 3, ("Mon", "10"): 1,
        ("Tue", "08"): 5, ("Tue", "09"): 0, ("Tue", "10"): 2,
    }  # fmt: skip
    assert figure["table"]["Tue"] == {"08": "5", "09": "0", "10": "2"}


def test_bars_ranges_lines_and_paired_bars_agree_with_their_tables(text):
    made = [
        charts.bar_chart(
            "counters", "Served", "Counter", "Numbers",
            [("Counter 1", 12), ("Counter 2", 1234)], text.number,
        ),
        charts.range_chart(
            "waits", "Waits", "Queue", ("Numbers", "Median", "90th", "Longest"),
            [("Urgent", 4, 600, 2400, 2400), ("Booking help", 0, None, None, None)],
            text.number, text.minutes,
        ),
        charts.line_chart(
            "level", "Service level", "Day", ["23/11", "24/11", "25/11"],
            [("Urgent", [0.5, None, 1.0]), ("Booking help", [None, 1.0, None])], text.share,
        ),
        charts.paired_bars(
            "forecast", "Counters", "Hour", ["08", "09"],
            [("Needed", [2, 3]), ("Open", [1, None])], text.number,
            more_columns=[("Expected wait", ["1.0 min", "–"])],
        ),
    ]  # fmt: skip

    figures = [figure_of(chart) for chart in made]

    for figure in figures:
        assert figure["marks"], "every chart draws something"
        assert_marks_agree_with_table(figure)
    bars, ranges, lines, paired = figures
    assert bars["table"]["Counter 2"] == {"Numbers": "1,234"}
    assert [mark[1:] for mark in ranges["marks"] if mark[0] == "Urgent"] == [
        ("Median", "600", "10.0 min"),
        ("90th", "2400", "40.0 min"),
        ("Longest", "2400", "40.0 min"),
    ]
    assert ranges["table"]["Booking help"] == {
        "Numbers": "0", "Median": "–", "90th": "–", "Longest": "–",
    }  # fmt: skip
    assert len(lines["marks"]) == 3, "a day without a figure has no mark"
    assert lines["table"]["24/11"] == {"Urgent": "–", "Booking help": "100%"}
    assert paired["table"]["09"] == {"Needed": "3", "Open": "–", "Expected wait": "–"}


@pytest.fixture
def manager(app, db, clock):
    """A manager of Helsinki, logged in, with the constructed week in the database."""
    write_constructed_week(db)
    add_user(db, "boss", CLERK_PASSWORD, "manager", clock.now(), ["helsinki"])
    test_client = app.test_client()
    assert log_in(test_client, "boss").status_code == 200
    return test_client


def test_the_history_pages_charts_hold_the_weeks_figures_in_marks_and_tables(manager):
    response = manager.get(
        f"/manage/helsinki/history?period=week&day={WEEK_MONDAY}", headers=ENGLISH
    )

    assert response.status_code == 200
    figures = read_charts(response.get_data(as_text=True))
    assert set(figures) == {
        "arrivals", "waits", "service-times", "service-level", "counters", "kiosk-outcomes",
        "appointments",
    }  # fmt: skip
    for key, figure in figures.items():
        assert figure["marks"], key
        assert_marks_agree_with_table(figure)
    weekdays = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    arrivals = {
        (weekdays.index(row), int(column)): int(value)
        for row, column, value, _ in figures["arrivals"]["marks"]
        if float(value)
    }
    assert arrivals == WEEK["arrivals"]
    assert figures["waits"]["table"]["All queues"] == {
        "Numbers": "7", "Median": "20.0 min", "90th percentile": "40.0 min", "Longest": "40.0 min",
    }  # fmt: skip
    assert figures["counters"]["table"] == {
        f"Counter {counter}": {"Numbers served": str(served)}
        for counter, served in WEEK["served_per_counter"]
    }
    assert [int(float(value)) for _, _, value, _ in figures["kiosk-outcomes"]["marks"]] == [
        count for _, count in WEEK["kiosk_outcomes"]
    ]
    assert figures["service-level"]["table"]["23/11"] == {
        "Urgent matters": "50%", "Booking help": "100%", "Appointments": "–",
    }  # fmt: skip


def test_the_history_page_writes_figures_the_finnish_way(manager):
    html = manager.get(
        f"/manage/helsinki/history?period=week&day={WEEK_MONDAY}", headers=FINNISH
    ).get_data(as_text=True)

    figures = read_charts(html)
    assert figures["waits"]["table"]["Kaikki jonot"]["Mediaani"] == "20,0 min"
    assert "ma 23.11.2026" in html


def test_the_forecast_pages_chart_agrees_with_its_table(manager):
    response = manager.get("/manage/helsinki/forecast?day=2026-11-30", headers=ENGLISH)

    assert response.status_code == 200
    figure = read_charts(response.get_data(as_text=True))["forecast"]
    assert figure["marks"]
    assert_marks_agree_with_table(figure)
    assert {column for _, column, _, _ in figure["marks"]} <= {"Counters needed", "Counters open"}


def test_a_language_link_keeps_the_chosen_period_and_queue(manager):
    page = f"/manage/helsinki/history?period=week&day={WEEK_MONDAY}&queue=urgent"
    html = manager.get(page, headers=ENGLISH).get_data(as_text=True)

    link = f"?period=week&amp;day={WEEK_MONDAY}&amp;queue=urgent&amp;lang=sv"
    assert f'href="{link}"' in html
    answer = manager.get(link.replace("&amp;", "&").replace("?", "/manage/helsinki/history?"))
    assert answer.status_code == 302
    assert answer.location.endswith(
        f"/manage/helsinki/history?period=week&day={WEEK_MONDAY}&queue=urgent"
    )
    swedish = manager.get(answer.location).get_data(as_text=True)
    assert 'lang="sv"' in swedish
