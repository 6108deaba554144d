"""Benchmark 9: the manager's statistics and monthly report with a year of history.

The office-year history of benchmark 8 (bench/year_history.py: HISTORY_DAYS weekdays ×
TICKETS_PER_DAY numbers at the first point with their events, 100 000 appointments, the kiosk's
verdicts and the slips' wait estimates) in one database file. Measured in process: a month's
`statistics()` of the first point (October 2026, 22 service days, about 17 600 numbers) and
that month's `monthly_report_pdf` (the month's statistics and one per queue, rendered with
reportlab). Targets: statistics under 1 s, the report under 3 s (p50).

Baseline, in the same run: the raw SQL aggregate the figures start from, one statement that
counts the month's numbers per queue and averages their waits from `called_at`, without the
first-call lookup per ticket, the percentiles, the appointments or the kiosk's verdicts.
"""

from __future__ import annotations

import tempfile
import time
from datetime import date
from pathlib import Path

from bench.stats import milliseconds, percentile, print_table
from bench.year_history import NOW, bench_config_text, history_days, write_history
from shared.config import load_config
from shared.statistics.history import statistics
from shared.statistics.monthly_report import monthly_report_pdf
from shared.statistics.periods import Period
from shared.storage.connections import connect
from shared.storage.migrations import migrate

YEAR, MONTH = 2026, 10
STATISTICS_ROUNDS = 10
REPORT_ROUNDS = 5
BASELINE_ROUNDS = 20
STATISTICS_TARGET = 1.0
REPORT_TARGET = 3.0
BASELINE_SQL = """
    SELECT queue, COUNT(*), COUNT(called_at),
        AVG((julianday(called_at) - julianday(issued_at)) * 86400)
    FROM tickets WHERE service_point = ? AND day BETWEEN ? AND ? GROUP BY queue
"""


def timed(rounds: int, action) -> list[float]:
    """Seconds of each of `rounds` runs of `action()`."""
    timings = []
    for _ in range(rounds):
        started = time.perf_counter()
        action()
        timings.append(time.perf_counter() - started)
    return timings


def run() -> tuple[list[tuple[str, str, str, str]], list[str]]:
    """Benchmark 9 on a temporary file: the rows and the targets missed."""
    with tempfile.TemporaryDirectory(prefix="jono-bench-statistics-") as name:
        directory = Path(name)
        config_path = directory / "config.toml"
        config_path.write_text(bench_config_text(), encoding="utf-8")
        config = load_config(config_path)
        database = connect(str(directory / "history.db"))
        try:
            migrate(database)
            counts = write_history(database, config, history_days(NOW.date()))
            point = config.service_points[0].id
            period = Period.month(YEAR, MONTH)
            figures = statistics(database, config, point, period)
            values = [point, period.first_day.isoformat(), period.last_day.isoformat()]
            baseline = timed(
                BASELINE_ROUNDS, lambda: database.execute(BASELINE_SQL, values).fetchall()
            )
            month_statistics = timed(
                STATISTICS_ROUNDS, lambda: statistics(database, config, point, period)
            )
            pdf = monthly_report_pdf(database, config, point, YEAR, MONTH, generated_at=NOW)
            report = timed(
                REPORT_ROUNDS,
                lambda: monthly_report_pdf(database, config, point, YEAR, MONTH, generated_at=NOW),
            )
        finally:
            database.close()
    label = "9 manager statistics"
    month = date(YEAR, MONTH, 1).strftime("%B %Y")
    raw = milliseconds(percentile(baseline, 0.5)) + " (raw SQL aggregate)"
    rows = [
        (
            label,
            "history (tickets / appointments / kiosk verdicts); the month's numbers",
            f"{counts['tickets']} / {counts['appointments']} / {counts['triage_outcomes']}",
            f"{figures.tickets_issued} in {month}",
        ),
        (
            label,
            "statistics() of a month: p50",
            milliseconds(percentile(month_statistics, 0.5)),
            raw,
        ),
        (label, "statistics() of a month: max", milliseconds(max(month_statistics)), raw),
        (
            label,
            f"monthly_report_pdf: p50 ({len(pdf) // 1024} KiB)",
            milliseconds(percentile(report, 0.5)),
            raw,
        ),
        (label, "monthly_report_pdf: max", milliseconds(max(report)), raw),
    ]
    missed = []
    if percentile(month_statistics, 0.5) > STATISTICS_TARGET:
        missed.append(
            f"a month's statistics p50 {milliseconds(percentile(month_statistics, 0.5))} > 1 s"
        )
    if percentile(report, 0.5) > REPORT_TARGET:
        missed.append(f"the monthly report p50 {milliseconds(percentile(report, 0.5))} > 3 s")
    return rows, missed


def main() -> None:
    """Run benchmark 9 alone and print its rows."""
    rows, missed = run()
    print_table(rows)
    print("\nTargets: " + ("; ".join(missed) if missed else "all met"))


if __name__ == "__main__":
    main()
