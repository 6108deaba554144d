"""The statistics' queries go by index, and a period's work does not grow with the history
before it (the house way of tests/storage/test_query_plans.py)."""

from __future__ import annotations

import re
from datetime import date

import pytest

from bench.year_history import history_days, write_history
from shared.statistics.exports import appointments_csv, daily_csv, tickets_csv
from shared.statistics.history import statistics
from shared.statistics.periods import Period
from shared.statistics.today import today_overview
from shared.storage.connections import connect
from shared.storage.migrations import migrate
from tests.statistics.constructed_week import NOW, WEEK_MONDAY, write_constructed_week
from tests.storage.test_query_plans import captured_statements, explainable, virtual_machine_steps

GROWING_TABLES = ("tickets", "events", "appointments", "messages", "triage_outcomes")
NOT_AN_ALIAS = {"where", "join", "left", "on", "order", "group", "as", "materialized", "and"}
PAST_DAYS = 3
WORK_RATIO_LIMIT = 1.5
WEEK = Period.week(WEEK_MONDAY)


def growing_scans(db, statement: str) -> list[str]:
    """The plan lines of `statement` that scan a table growing with history (by name or alias)."""
    names = set(GROWING_TABLES)
    pattern = rf"\b({'|'.join(GROWING_TABLES)})\b(?:\s+AS)?\s+(\w+)"
    for _, alias in re.findall(pattern, statement, flags=re.IGNORECASE):
        if alias.lower() not in NOT_AN_ALIAS:
            names.add(alias)
    plan = db.execute(f"EXPLAIN QUERY PLAN {statement}").fetchall()
    # A SEARCH with no constraint on the index, or a skip-scan (ANY), walks the whole index.
    walk = r"(?:SCAN (\w+)|SEARCH (\w+) USING (?:COVERING )?INDEX \w+(?: \(ANY.*)?$)"
    return [
        detail
        for *_, detail in plan
        if (found := re.match(walk, detail)) and (found.group(1) or found.group(2)) in names
    ]


def figures_paths(db, config) -> dict:
    """Every public function of the statistics, as a function of no arguments."""
    return {
        "today": lambda: today_overview(db, config, "helsinki", NOW),
        "statistics": lambda: statistics(db, config, "helsinki", WEEK),
        "one queue": lambda: statistics(db, config, "helsinki", WEEK, "urgent"),
        "tickets csv": lambda: tickets_csv(db, config, "helsinki", WEEK),
        "appointments csv": lambda: appointments_csv(db, config, "helsinki", WEEK),
        "daily csv": lambda: daily_csv(db, config, "helsinki", WEEK),
    }


def test_no_query_scans_a_table_that_grows(week_db, config):
    scans = {}
    for name, path in figures_paths(week_db, config).items():
        with captured_statements(week_db) as statements:
            path()
        assert explainable(statements), f"nothing captured for {name}"
        for statement in explainable(statements):
            if found := growing_scans(week_db, statement):
                scans[f"{name}: {statement}"] = found
    assert scans == {}


@pytest.mark.parametrize(
    "statement",
    [
        "SELECT COUNT(*) FROM triage_outcomes WHERE outcome = 'postbox'",
        "SELECT MIN(e.at) FROM events e WHERE e.type = 'TicketCalled'",
    ],
)
def test_the_check_finds_a_scan(db, statement):
    assert growing_scans(db, statement)


def test_the_work_of_a_week_does_not_grow_with_the_history_before_it(db, config, tmp_path):
    """The constructed week on an empty database and on one with PAST_DAYS full office days
    (800 numbers a day, every appointment seat, their events and messages) before it."""
    past = connect(str(tmp_path / "past.db"))
    migrate(past)
    try:
        write_history(past, config, history_days(date(2026, 11, 2))[-PAST_DAYS:])
        work = {}
        for name, database in (("empty", db), ("past", past)):
            write_constructed_week(database)
            work[name] = {
                path_name: virtual_machine_steps(database, path)
                for path_name, path in figures_paths(database, config).items()
            }
    finally:
        past.close()
    for path_name, steps in work["empty"].items():
        assert work["past"][path_name] <= steps * WORK_RATIO_LIMIT, (path_name, work)
