"""The monthly PDF report of a service point for the head office, with reportlab.

A summary page (the month's figures, the service level per day, arrivals by weekday and hour,
the kiosk's verdicts, appointments, wait estimates, counters), then a page per queue. Every
chart has its numbers in a table beside it, so the text of the PDF (as pypdf extracts it)
holds every figure. Labels come from the shared Babel catalogues (`shared/translations`), the
way the messages are translated outside a request.

The same data gives the same bytes: reportlab's invariant mode leaves out the random document
id, and the creation date written is `generated_at`, not the clock.
"""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import sqlite_utils
from babel.dates import format_date, format_datetime, get_day_names
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.lib.utils import TimeStamp
from reportlab.platypus import (
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from shared.config import Config
from shared.notifications.texts import translations
from shared.statistics.distributions import Distribution
from shared.statistics.history import Statistics, statistics
from shared.statistics.periods import Period, require_point
from shared.statistics.report_charts import LINE, heat_map, horizontal_bars, service_level_chart
from shared.statistics.ticket_figures import DEFAULT_TARGET_MINUTES, queues_of_point


def _(text: str) -> str:
    """Mark a msgid for extraction; it is translated with the report's language later."""
    return text


OUTCOME_LABELS = {
    "urgent_ticket": _("Urgent number"),
    "booking_help_ticket": _("Booking help number"),
    "book_online": _("Sent to book online"),
    "postbox": _("Sent to the postbox"),
    "asylum_invitation": _("Asylum invitation"),
    "appointment_offered": _("Appointment offered"),
    "not_served_today": _("Not served that day"),
}
APPOINTMENT_LABELS = {
    "booked_online": _("Booked online"),
    "booked_at_counter": _("Booked at a counter"),
    "offered_at_kiosk": _("Offered at the kiosk"),
    "cancelled": _("Cancelled"),
    "moved": _("Moved"),
    "lost": _("Lost"),
    "checked_in": _("Checked in"),
    "served": _("Served"),
}
ESTIMATE_LABELS = {
    "count": _("Estimates compared"),
    "mean_absolute_error_seconds": _("Mean difference (min:s)"),
    "within_five_minutes": _("Within five minutes"),
    "under_estimated": _("Waited over five minutes longer than shown"),
    "over_estimated": _("Waited over five minutes less than shown"),
}
LANGUAGES = ("fi", "sv", "en")


def monthly_report_pdf(
    db: sqlite_utils.Database,
    config: Config,
    service_point: str,
    year: int,
    month: int,
    *,
    generated_at: datetime,
    language: str = "fi",
) -> bytes:
    """The month's report of a service point as PDF bytes.

    :param generated_at: the moment printed on the report and written as its creation date
    :param language: fi, sv or en (another falls back to English)
    :raises InvalidRequest: ``invalid_period`` for a month outside 1-12
    """
    point = require_point(config, service_point)
    language = language if language in LANGUAGES else "en"
    period = Period.month(year, month)
    whole = statistics(db, config, service_point, period)
    by_queue = [
        statistics(db, config, service_point, period, queue)
        for queue in _queues_shown(config, point, whole)
    ]
    report = _Report(config, point, language, period, generated_at)
    story = report.summary(whole)
    for figures in by_queue:
        story += [PageBreak(), *report.queue_page(figures)]
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        invariant=1,
        title=f"{report.text('Monthly report')}: {point.name.get(language)}, {year}-{month:02d}",
        author="Jono",
        creator="Jono",
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
    )

    def on_page(canvas, doc):
        canvas._doc._timeStamp = _fixed_time_stamp(generated_at)
        report.footer(canvas, doc)

    document.build(story, onFirstPage=on_page, onLaterPages=on_page)
    return buffer.getvalue()


def _queues_shown(config: Config, point, whole: Statistics) -> list[str]:
    """The queues with a page: those the point's counters call, then any other with numbers."""
    shown = list(queues_of_point(config, point))
    return shown + [name for name, figures in whole.waits_by_queue if name not in shown]


def _fixed_time_stamp(moment: datetime) -> TimeStamp:
    """reportlab's time stamp of the document, set to `moment` (UTC) instead of the clock.

    reportlab reads its creation date from the document's `_timeStamp` (invariant mode fixes it
    at 2000-01-01); there is no public setter, so the report replaces the object.
    """
    stamp = TimeStamp(invariant=1)
    utc = moment.astimezone(UTC)
    stamp.t = utc.timestamp()
    stamp.lt = utc.timetuple()
    stamp.YMDhms = tuple(stamp.lt)[:6]
    stamp.dhh = stamp.dmm = 0
    stamp.tzname = "UTC"
    return stamp


class _Report:
    """The report's texts and tables in one language."""

    def __init__(self, config: Config, point, language: str, period: Period, generated_at):
        self.config = config
        self.point = point
        self.language = language
        self.period = period
        self.generated_at = generated_at
        self.gettext = translations(language).ugettext
        styles = getSampleStyleSheet()
        self.title = ParagraphStyle("title", parent=styles["Title"], alignment=0, fontSize=18)
        self.heading = ParagraphStyle("heading", parent=styles["Heading2"], fontSize=12)
        self.body = ParagraphStyle("body", parent=styles["BodyText"], fontSize=9)

    def text(self, msgid: str, **values) -> str:
        """A label in the report's language."""
        translated = self.gettext(msgid)
        return translated % values if values else translated

    def month_name(self) -> str:
        """The month as "marraskuu 2026", "november 2026", "November 2026"."""
        return format_date(self.period.first_day, "LLLL yyyy", locale=self.language)

    def footer(self, canvas, doc) -> None:
        """The point, the month and the page number at the foot of each page."""
        canvas.saveState()
        canvas.setFont("Helvetica", 7)
        canvas.setFillColor(colors.HexColor("#59636e"))
        canvas.drawString(
            18 * mm,
            9 * mm,
            f"Jono · {self.point.name.get(self.language)} · {self.month_name()}"
            f" · {self.text('Page %(page)d', page=doc.page)}",
        )
        canvas.restoreState()

    # Formats -----------------------------------------------------------------------------

    def percent(self, share: float | None) -> str:
        """A share as a percentage with one decimal, "85,7 %" in Finnish and Swedish."""
        if share is None:
            return "–"
        if self.language == "en":
            return f"{share * 100:.1f}%"
        return f"{share * 100:.1f}".replace(".", ",") + " %"

    @staticmethod
    def duration(seconds: int | None) -> str:
        """Seconds as m:ss (h:mm:ss from an hour)."""
        if seconds is None:
            return "–"
        hours, rest = divmod(int(seconds), 3600)
        minutes, seconds = divmod(rest, 60)
        return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"

    def day_label(self, day: date) -> str:
        """A day as 23.11. (fi, sv) or 23/11 (en)."""
        return f"{day.day}/{day.month}" if self.language == "en" else f"{day.day}.{day.month}."

    def queue_name(self, queue_id: str) -> str:
        """A queue's configured name in the report's language, or its id."""
        queue = self.config.queue(queue_id)
        return queue.name.get(self.language) if queue else queue_id

    def category_name(self, category_id: str | None) -> str:
        """A category's configured name, or "No category"."""
        if category_id is None:
            return self.text("No category")
        category = self.config.category(category_id)
        return category.name.get(self.language) if category else category_id

    # Pieces ------------------------------------------------------------------------------

    def table(self, rows: list[list], header: bool = True, widths=None) -> Table:
        """A plain table: a bold header row, thin lines, numbers to the right."""
        table = Table(rows, colWidths=widths, hAlign="LEFT")
        style = [
            ("FONT", (0, 0), (-1, -1), "Helvetica", 8),
            ("LINEBELOW", (0, 0), (-1, -1), 0.25, LINE),
            ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
            ("TOPPADDING", (0, 0), (-1, -1), 1.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
        ]
        if header:
            style.append(("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 8))
        table.setStyle(TableStyle(style))
        return table

    def facts(self, figures: Statistics) -> Table:
        """The headline figures of a Statistics."""
        target = self.config.rules.service_level_percent
        return self.table(
            [
                [self.text("Numbers issued"), figures.tickets_issued],
                [self.text("Numbers called"), figures.called],
                [self.text("Called within target"), figures.called_within_target],
                [self.text("Service level"), self.percent(figures.service_level)],
                [self.text("Service level target"), self.percent(target / 100)],
                [
                    self.text("No-shows"),
                    f"{figures.no_shows} ({self.percent(figures.no_show_rate)})",
                ],
                [
                    self.text("Transfers"),
                    f"{figures.transfers} ({self.percent(figures.transfer_rate)})",
                ],
            ],
            header=False,
            widths=[70 * mm, 40 * mm],
        )

    def distribution_rows(self, label_header: str, rows) -> Table:
        """A table of distributions: label, count, median, p90, longest (min:s)."""
        header = [
            label_header,
            self.text("Count"),
            self.text("Median"),
            self.text("90th percentile"),
            self.text("Longest"),
        ]
        body = [
            [
                label,
                figures.count,
                self.duration(figures.p50_seconds),
                self.duration(figures.p90_seconds),
                self.duration(figures.max_seconds),
            ]
            for label, figures in rows
        ]
        return self.table([header, *body], widths=[60 * mm, 22 * mm, 25 * mm, 28 * mm, 25 * mm])

    def service_level_by_day(self, figures: Statistics, queue: str | None) -> list:
        """The chart and table of the service level per day (of one queue, or of all)."""
        per_day: dict[date, list[int]] = {}
        for row in figures.service_level_by_day:
            if queue is None or row.queue == queue:
                totals = per_day.setdefault(row.day, [0, 0])
                totals[0] += row.called
                totals[1] += row.within_target
        days = [day for day in self.period.days() if day in per_day]
        chart = service_level_chart(
            [
                (self.day_label(day), 100 * per_day[day][1] / per_day[day][0])
                for day in days
                if per_day[day][0]
            ],
            self.config.rules.service_level_percent,
        )
        rows = [[self.text("Day"), self.text("Called"), self.text("Within target"),
                 self.text("Service level")]]  # fmt: skip
        for day in days:
            called, within = per_day[day]
            rows.append(
                [
                    self.day_label(day),
                    called,
                    within,
                    self.percent(within / called if called else None),
                ]
            )
        return [chart, self.table(rows, widths=[30 * mm, 25 * mm, 30 * mm, 30 * mm])]

    def section(self, msgid: str, *flowables) -> KeepTogether:
        """A section: its heading and its charts and tables, kept on one page."""
        return KeepTogether([Paragraph(self.text(msgid), self.heading), *flowables])

    # Pages -------------------------------------------------------------------------------

    def summary(self, figures: Statistics) -> list:
        """The first pages: the month's figures at the point."""
        generated = format_datetime(
            self.generated_at.astimezone(self.point.zone), "short", locale=self.language
        )
        name = self.point.name.get(self.language)
        appointments = [
            [self.text(label), getattr(figures.appointments, field)]
            for field, label in APPOINTMENT_LABELS.items()
        ]
        waits = [(self.text("All queues"), figures.waits)]
        waits += [(self.queue_name(queue), of_queue) for queue, of_queue in figures.waits_by_queue]
        return [
            Paragraph(f"{self.text('Monthly report')}: {name}", self.title),
            Paragraph(f"{self.month_name()} · {self.text('Generated')} {generated}", self.body),
            self.section("Summary", self.facts(figures)),
            self.section(
                "Waiting times by queue", self.distribution_rows(self.text("Queue"), waits)
            ),
            self.section("Service level per day", *self.service_level_by_day(figures, None)),
            self.section("Arrivals by weekday and hour", *self.arrivals(figures)),
            self.section("Kiosk outcomes", *self.kiosk_outcomes(figures)),
            self.section(
                "Appointments",
                self.table(appointments, header=False, widths=[70 * mm, 30 * mm]),
            ),
            self.section("Wait estimates on the slips", self.estimates(figures)),
            self.section("Service times by category", self.service_times(figures)),
            self.section("Numbers served per counter", self.counters(figures)),
        ]

    def queue_page(self, figures: Statistics) -> list:
        """A queue's page: its figures, waits, service times, service level and counters."""
        queue = figures.queue
        configured = self.config.queue(queue)
        target = configured.target_wait_minutes if configured else DEFAULT_TARGET_MINUTES
        return [
            Paragraph(f"{self.text('Queue')}: {self.queue_name(queue)}", self.title),
            Paragraph(
                self.text("Target wait %(minutes)d min", minutes=target)
                + f" · {self.month_name()}",
                self.body,
            ),
            self.section("Summary", self.facts(figures)),
            self.section(
                "Waiting times",
                self.distribution_rows(
                    self.text("Queue"), [(self.queue_name(queue), figures.waits)]
                ),
            ),
            self.section("Service level per day", *self.service_level_by_day(figures, queue)),
            self.section("Service times by category", self.service_times(figures)),
            self.section("Wait estimates on the slips", self.estimates(figures)),
            self.section("Numbers served per counter", self.counters(figures)),
        ]

    def arrivals(self, figures: Statistics) -> list:
        """The heat map of arrivals and its table (the hours with any arrival)."""
        grid = figures.arrivals_by_weekday_hour
        busy = [hour for hour in range(24) if any(row[hour] for row in grid)]
        first, last = (busy[0], busy[-1]) if busy else (8, 16)
        weekdays = get_day_names("abbreviated", locale=self.language)
        labels = [weekdays[index] for index in range(7)]
        hours = list(range(first, last + 1))
        rows = [[self.text("Day"), *[f"{hour:02d}" for hour in hours], self.text("Total")]]
        for index, label in enumerate(labels):
            rows.append([label, *[grid[index][hour] for hour in hours], sum(grid[index])])
        table = self.table(rows)
        table.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), "Helvetica", 6.5)]))
        return [heat_map(grid, labels, first, last), Spacer(1, 3 * mm), table]

    def kiosk_outcomes(self, figures: Statistics) -> list:
        """The kiosk's verdicts as bars and as a table."""
        rows = [
            (self.text(OUTCOME_LABELS.get(name, name)), count)
            for name, count in figures.kiosk_outcomes
        ]
        table = self.table([[label, count] for label, count in rows], header=False,
                           widths=[70 * mm, 30 * mm])  # fmt: skip
        return [horizontal_bars(rows), table]

    def estimates(self, figures: Statistics) -> Table:
        """How right the estimates on the slips were."""
        accuracy = figures.estimates
        rows = []
        for name, label in ESTIMATE_LABELS.items():
            value = getattr(accuracy, name)
            if name == "mean_absolute_error_seconds":
                value = self.duration(value)
            rows.append([self.text(label), value])
        return self.table(rows, header=False, widths=[90 * mm, 30 * mm])

    def service_times(self, figures: Statistics) -> Table:
        """Service times per category."""
        return self.distribution_rows(
            self.text("Category"),
            [
                (self.category_name(category), times)
                for category, times in figures.service_times_by_category
            ]
            or [(self.text("No category"), Distribution(0, None, None, None))],
        )

    def counters(self, figures: Statistics) -> Table:
        """Numbers finished per counter."""
        rows = [[self.text("Counter"), self.text("Served")]]
        rows += [[str(counter), served] for counter, served in figures.served_per_counter]
        return self.table(rows, widths=[30 * mm, 30 * mm])
