"""The monthly report's charts, drawn with reportlab.graphics: vector drawings placed in the
page flow, whose numbers the report also prints as tables beside them.

Each function takes figures and already translated labels, and returns a `Drawing`; nothing
here reads the database or knows a language.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.shapes import Drawing, Line, Rect, String
from reportlab.lib import colors

BRAND = colors.HexColor("#0f5e9c")  # jono.css --brand
INK = colors.HexColor("#1b1f24")
MUTED = colors.HexColor("#59636e")
LINE = colors.HexColor("#d0d7de")
WARN = colors.HexColor("#b35900")
FONT = "Helvetica"


def service_level_chart(
    days: Sequence[tuple[str, float | None]], target_percent: int, width: float = 460
) -> Drawing:
    """Bars of the share called within target per day (percent; a day without calls has no
    bar), with the target as a line across.

    :param days: (day label, percent or None) in order
    :param target_percent: the service level target, drawn as a line
    """
    height = 150
    drawing = Drawing(width, height)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 30, 30, width - 40, height - 45
    chart.data = [[value if value is not None else 0 for _, value in days] or [0]]
    chart.categoryAxis.categoryNames = [label for label, _ in days] or [""]
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = 6
    chart.categoryAxis.labels.angle = 90 if len(days) > 12 else 0
    chart.categoryAxis.labels.dy = -8 if len(days) > 12 else 0
    chart.valueAxis.valueMin, chart.valueAxis.valueMax, chart.valueAxis.valueStep = 0, 100, 20
    chart.valueAxis.labels.fontName = FONT
    chart.valueAxis.labels.fontSize = 7
    chart.bars[0].fillColor = BRAND
    chart.bars[0].strokeColor = None
    drawing.add(chart)
    target_y = chart.y + chart.height * target_percent / 100
    drawing.add(
        Line(chart.x, target_y, chart.x + chart.width, target_y, strokeColor=WARN, strokeWidth=1)
    )
    return drawing


def heat_map(
    grid: Sequence[Sequence[int]],
    row_labels: Sequence[str],
    first_hour: int,
    last_hour: int,
    width: float = 460,
) -> Drawing:
    """Arrivals per weekday (rows) and hour (columns), each cell shaded by its share of the
    busiest cell and labelled with its count.

    :param grid: 7 rows × 24 hours
    :param first_hour: the first hour shown (the hours before had no arrivals)
    :param last_hour: the last hour shown
    """
    hours = list(range(first_hour, last_hour + 1))
    left, bottom, cell_height = 40, 14, 16
    cell_width = min(30, (width - left - 5) / len(hours))  # a day open around the clock fits
    width = left + cell_width * len(hours) + 5
    height = bottom + cell_height * len(row_labels) + 5
    drawing = Drawing(width, height)
    busiest = max((max(row) for row in grid), default=0) or 1
    for row_index, label in enumerate(row_labels):
        y = bottom + cell_height * (len(row_labels) - 1 - row_index)
        drawing.add(String(0, y + 4, label, fontName=FONT, fontSize=7, fillColor=INK))
        for column, hour in enumerate(hours):
            count = grid[row_index][hour]
            shade = colors.linearlyInterpolatedColor(colors.white, BRAND, 0, 1, count / busiest)
            x = left + cell_width * column
            drawing.add(Rect(x, y, cell_width, cell_height, fillColor=shade, strokeColor=LINE))
            if count:
                ink = colors.white if count / busiest > 0.5 else INK
                drawing.add(
                    String(x + cell_width / 2, y + 4, str(count), fontName=FONT, fontSize=7,
                           fillColor=ink, textAnchor="middle")
                )  # fmt: skip
    for column, hour in enumerate(hours):
        drawing.add(
            String(left + cell_width * column + cell_width / 2, 2, f"{hour:02d}", fontName=FONT,
                   fontSize=7, fillColor=MUTED, textAnchor="middle")
        )  # fmt: skip
    return drawing


def horizontal_bars(rows: Sequence[tuple[str, int]], width: float = 460) -> Drawing:
    """One bar per labelled count, first row on top (the kiosk's verdicts).

    :param rows: (label, count) in the order to show
    """
    bar_height = 14
    height = bar_height * max(1, len(rows)) + 20
    drawing = Drawing(width, height)
    chart = HorizontalBarChart()
    chart.x, chart.y = 170, 10
    chart.width, chart.height = width - 190, bar_height * max(1, len(rows))
    chart.data = [[count for _, count in reversed(rows)] or [0]]
    chart.categoryAxis.categoryNames = [label for label, _ in reversed(rows)] or [""]
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = 7
    chart.categoryAxis.labels.boxAnchor = "e"
    most = max([count for _, count in rows] + [1])
    chart.valueAxis.valueMin, chart.valueAxis.valueMax = 0, most
    chart.valueAxis.valueStep = max(1, math.ceil(most / 5))  # whole numbers on the axis
    chart.valueAxis.labels.fontName = FONT
    chart.valueAxis.labels.fontSize = 7
    chart.bars[0].fillColor = BRAND
    chart.bars[0].strokeColor = None
    drawing.add(chart)
    return drawing
