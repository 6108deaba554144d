"""The manager pages' charts: server-rendered SVG from plain templates, each with its numbers
as a table.

No JavaScript and nothing from another site: a chart is an `<svg>` drawn here from the
templates in `manage/templates/manage/charts/`, and beside it the same figures as a `<table>`
for screen readers (the SVG itself is hidden from them). Every mark of a chart carries its row,
its column, its value (`data-value`) and the text the table shows for it (`data-text`), so a
test can check that the two say the same.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from flask import render_template
from markupsafe import Markup

HEAT_LEVELS = 5  # shades of the heat map beyond "none"
BAR_WIDTH = 320  # the longest bar, in the SVG's units
LABEL_WIDTH = 190
ROW_HEIGHT = 26
PLOT_HEIGHT = 180
MIN_WIDTH = 360  # room for the legend under a chart of few columns


@dataclass(frozen=True)
class ChartTable:
    """The figures of a chart as a table: one row per row label, one column per series."""

    caption: str
    corner: str  # the heading of the row labels' column
    columns: tuple[str, ...]
    rows: tuple[tuple[str, tuple[str, ...]], ...]  # (row label, the cells' texts)


@dataclass(frozen=True)
class Chart:
    """One chart: its id on the page, its title, the SVG and the table of its figures."""

    key: str
    title: str
    svg: Markup
    table: ChartTable
    is_empty: bool = False


@dataclass(frozen=True)
class Mark:
    """One drawn figure: where it is and what it says."""

    row: str
    column: str
    value: float
    text: str
    x: float = 0
    y: float = 0
    width: float = 0
    height: float = 0
    level: int = 0
    extra: dict = field(default_factory=dict)


def _svg(template: str, **values) -> Markup:
    return Markup(render_template(f"manage/charts/{template}", **values))


def _table(
    caption: str, corner: str, columns: Sequence[str], rows: Sequence[str], cells
) -> ChartTable:
    return ChartTable(
        caption,
        corner,
        tuple(columns),
        tuple((row, tuple(cells[index])) for index, row in enumerate(rows)),
    )


def heat_map(
    key: str,
    title: str,
    corner: str,
    row_labels: Sequence[str],
    column_labels: Sequence[str],
    values: Sequence[Sequence[int]],
    text: Callable[[float], str],
) -> Chart:
    """A grid of counts (weekday × hour), the darker the more.

    :param values: one sequence per row, one count per column
    :param text: how a count is written
    """
    cell_width, cell_height, left, top = 30, 24, 48, 22
    highest = max((value for row in values for value in row), default=0)
    marks = []
    for row_index, row in enumerate(values):
        for column_index, value in enumerate(row):
            level = 0 if value == 0 else 1 + (HEAT_LEVELS - 1) * value // max(highest, 1)
            marks.append(
                Mark(
                    row_labels[row_index],
                    column_labels[column_index],
                    value,
                    text(value),
                    x=left + column_index * cell_width,
                    y=top + row_index * cell_height,
                    width=cell_width - 2,
                    height=cell_height - 2,
                    level=min(level, HEAT_LEVELS),
                )
            )
    svg = _svg(
        "heat_map.svg",
        title=title,
        marks=marks,
        row_labels=[
            (label, top + i * cell_height + cell_height / 2) for i, label in enumerate(row_labels)
        ],
        column_labels=[
            (label, left + i * cell_width + cell_width / 2) for i, label in enumerate(column_labels)
        ],
        width=left + cell_width * len(column_labels),
        height=top + cell_height * len(row_labels),
    )
    cells = [[text(value) for value in row] for row in values]
    return Chart(
        key,
        title,
        svg,
        _table(title, corner, column_labels, row_labels, cells),
        is_empty=highest == 0,
    )


def bar_chart(
    key: str,
    title: str,
    corner: str,
    column: str,
    items: Sequence[tuple[str, float]],
    text: Callable[[float], str],
) -> Chart:
    """Horizontal bars, one per item (a counter's numbers, a kiosk outcome's count).

    :param column: what the values are ("Numbers served")
    """
    highest = max((value for _, value in items), default=0)
    marks = [
        Mark(
            label,
            column,
            value,
            text(value),
            x=LABEL_WIDTH,
            y=index * ROW_HEIGHT + 4,
            width=BAR_WIDTH * value / highest if highest else 0,
            height=ROW_HEIGHT - 8,
        )
        for index, (label, value) in enumerate(items)
    ]
    svg = _svg(
        "bars.svg",
        title=title,
        marks=marks,
        label_x=LABEL_WIDTH - 8,
        width=LABEL_WIDTH + BAR_WIDTH + 90,
        height=max(ROW_HEIGHT * len(items), ROW_HEIGHT),
    )
    cells = [[text(value)] for _, value in items]
    return Chart(
        key,
        title,
        svg,
        _table(title, corner, [column], [label for label, _ in items], cells),
        is_empty=highest == 0,
    )


def range_chart(
    key: str,
    title: str,
    corner: str,
    columns: tuple[str, str, str, str],
    items: Sequence[tuple[str, int, int | None, int | None, int | None]],
    count_text: Callable[[float], str],
    duration_text: Callable[[float | None], str],
) -> Chart:
    """Durations per row as a bar to the 90th percentile, a tick at the median and a whisker
    to the longest (waits per queue, service times per category).

    :param columns: the headings of the count, median, 90th percentile and longest
    :param items: (label, count, p50 seconds, p90 seconds, max seconds); None where not measured
    """
    highest = max((item[4] or 0 for item in items), default=0)

    def at(seconds: int | None) -> float:
        return LABEL_WIDTH + (BAR_WIDTH * (seconds or 0) / highest if highest else 0)

    marks = []
    for index, (label, _count, p50, p90, longest) in enumerate(items):
        y = index * ROW_HEIGHT + 4
        for column, seconds, kind in zip(
            columns[1:], (p50, p90, longest), ("p50", "p90", "max"), strict=True
        ):
            if seconds is None:
                continue
            marks.append(
                Mark(
                    label,
                    column,
                    seconds,
                    duration_text(seconds),
                    x=at(seconds),
                    y=y,
                    height=ROW_HEIGHT - 8,
                    extra={"kind": kind, "start": LABEL_WIDTH},
                )
            )
    svg = _svg(
        "ranges.svg",
        title=title,
        marks=marks,
        labels=[
            (label, index * ROW_HEIGHT + ROW_HEIGHT / 2) for index, (label, *_) in enumerate(items)
        ],
        label_x=LABEL_WIDTH - 8,
        width=LABEL_WIDTH + BAR_WIDTH + 20,
        height=max(ROW_HEIGHT * len(items), ROW_HEIGHT),
    )
    cells = [
        [count_text(count), duration_text(p50), duration_text(p90), duration_text(longest)]
        for _, count, p50, p90, longest in items
    ]
    return Chart(
        key,
        title,
        svg,
        _table(title, corner, columns, [item[0] for item in items], cells),
        is_empty=highest == 0,
    )


def line_chart(
    key: str,
    title: str,
    corner: str,
    x_labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    text: Callable[[float | None], str],
    top: float = 1.0,
) -> Chart:
    """Lines of shares over the days (the service level per queue); a day without a figure
    breaks its line.

    :param series: (name, one value per x label, None where there is none)
    :param top: the value at the top of the plot (1.0: 100 %)
    """
    left, step = 44, max(14.0, min(48.0, 640 / max(len(x_labels), 1)))
    marks, lines = [], []
    for series_index, (name, values) in enumerate(series):
        points, segment = [], []
        for index, value in enumerate(values):
            if value is None:
                if segment:
                    points.append(segment)
                segment = []
                continue
            x = left + step * index + step / 2
            y = 10 + PLOT_HEIGHT * (1 - min(value, top) / top)
            segment.append((round(x, 1), round(y, 1)))
            marks.append(
                Mark(x_labels[index], name, value, text(value), x=x, y=y, level=series_index)
            )
        if segment:
            points.append(segment)
        lines.append((series_index, name, points))
    shown_every = max(1, round(len(x_labels) / 12))
    svg = _svg(
        "lines.svg",
        title=title,
        marks=marks,
        lines=lines,
        x_labels=[
            (label, left + step * index + step / 2)
            for index, label in enumerate(x_labels)
            if index % shown_every == 0
        ],
        grid=[(text(top * share), 10 + PLOT_HEIGHT * (1 - share)) for share in (0, 0.5, 1)],
        left=left,
        plot_bottom=10 + PLOT_HEIGHT,
        width=max(left + step * len(x_labels) + 10, MIN_WIDTH),
        height=PLOT_HEIGHT + 40,
        legend=[(index, name) for index, (name, _) in enumerate(series)],
    )
    cells = [[text(values[index]) for _, values in series] for index in range(len(x_labels))]
    return Chart(
        key,
        title,
        svg,
        _table(title, corner, [name for name, _ in series], x_labels, cells),
        is_empty=not marks,
    )


def paired_bars(
    key: str,
    title: str,
    corner: str,
    x_labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    text: Callable[[float | None], str],
    more_columns: Sequence[tuple[str, Sequence[str]]] = (),
) -> Chart:
    """Vertical bars side by side per x label (counters needed and open per hour).

    :param series: (name, one value per x label, None where there is none), two or three
    :param more_columns: further columns of the table only (heading, one text per x label)
    """
    left, group = 30, 16 * len(series) + 10
    highest = max((value or 0 for _, values in series for value in values), default=0)
    marks = []
    for series_index, (name, values) in enumerate(series):
        for index, value in enumerate(values):
            if value is None:
                continue
            height = PLOT_HEIGHT * value / highest if highest else 0
            marks.append(
                Mark(
                    x_labels[index],
                    name,
                    value,
                    text(value),
                    x=left + group * index + 16 * series_index + 5,
                    y=10 + PLOT_HEIGHT - height,
                    width=14,
                    height=height,
                    level=series_index,
                )
            )
    svg = _svg(
        "paired_bars.svg",
        title=title,
        marks=marks,
        x_labels=[
            (label, left + group * index + group / 2) for index, label in enumerate(x_labels)
        ],
        grid=[(text(highest * share), 10 + PLOT_HEIGHT * (1 - share)) for share in (0, 1)],
        left=left,
        plot_bottom=10 + PLOT_HEIGHT,
        width=max(left + group * len(x_labels) + 10, MIN_WIDTH),
        height=PLOT_HEIGHT + 40,
        legend=[(index, name) for index, (name, _) in enumerate(series)],
    )
    columns = [name for name, _ in series] + [heading for heading, _ in more_columns]
    cells = [
        [text(values[index]) for _, values in series] + [texts[index] for _, texts in more_columns]
        for index in range(len(x_labels))
    ]
    return Chart(
        key, title, svg, _table(title, corner, columns, x_labels, cells), is_empty=highest == 0
    )
