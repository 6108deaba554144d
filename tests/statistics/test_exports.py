"""The CSV exports hold the constructed week's figures, and nothing that names a person."""

from __future__ import annotations

import csv
import io

import pytest

from shared.statistics.exports import (
    APPOINTMENT_COLUMNS,
    DAILY_COLUMNS,
    TICKET_COLUMNS,
    appointments_csv,
    daily_csv,
    tickets_csv,
)
from shared.statistics.history import statistics
from shared.statistics.periods import Period
from tests.statistics.constructed_week import MON, WEEK, WEEK_MONDAY

WEEK_PERIOD = Period.week(WEEK_MONDAY)
# What the constructed rows hold that no export may show: e-mail addresses, phone numbers,
# reservation keys, PIN hashes, phone-page tokens and the kiosk's answers.
PERSONAL = ("@example.fi", "+358", "KEY0", "SECRET", "pin-hash", "token-", "expiry", "2027-01")


def rows_of(text: str) -> list[dict]:
    """The rows of a CSV text as dicts by column."""
    return list(csv.DictReader(io.StringIO(text)))


@pytest.fixture
def exports(week_db, config):
    """The week's three exports."""
    return {
        name: export(week_db, config, "helsinki", WEEK_PERIOD)
        for name, export in (
            ("tickets", tickets_csv),
            ("appointments", appointments_csv),
            ("daily", daily_csv),
        )
    }


@pytest.mark.parametrize("name", ["tickets", "appointments", "daily"])
def test_no_export_holds_personal_data(exports, name):
    for secret in PERSONAL:
        assert secret not in exports[name], (name, secret)


def test_the_headers(exports):
    assert tuple(next(csv.reader(io.StringIO(exports["tickets"])))) == TICKET_COLUMNS
    assert tuple(next(csv.reader(io.StringIO(exports["appointments"])))) == APPOINTMENT_COLUMNS
    assert tuple(next(csv.reader(io.StringIO(exports["daily"])))) == DAILY_COLUMNS


def test_a_row_per_ticket_with_its_wait_and_service_time(exports):
    tickets = rows_of(exports["tickets"])
    assert len(tickets) == WEEK["tickets_issued"]
    waits = sorted(int(row["wait_seconds"]) for row in tickets if row["wait_seconds"])
    assert waits == [120, 300, 600, 1200, 1500, 1800, 2400]
    by_queue = {}
    for row in tickets:
        if row["wait_seconds"]:
            by_queue.setdefault(row["queue"], []).append(int(row["wait_seconds"]))
    assert {queue: len(waits) for queue, waits in by_queue.items()} == {
        queue: figures[0] for queue, figures in WEEK["waits_by_queue"].items()
    }
    services = sorted(int(row["service_seconds"]) for row in tickets if row["service_seconds"])
    assert services == [300, 480, 600, 720, 1200, 1800]
    first = tickets[0]
    assert (first["day"], first["number"], first["queue"], first["status"]) == (
        MON.isoformat(), "A001", "urgent", "finished",
    )  # fmt: skip
    assert first["issued_at"] == "2026-11-23T09:00:00+02:00"  # local time with its offset
    assert first["first_called_at"] == "2026-11-23T09:10:00+02:00"
    assert (first["estimated_wait_seconds"], first["counter"], first["clerk"]) == (
        "600", "1", "clerk1",
    )  # fmt: skip
    transferred = [row for row in tickets if row["transferred"] == "1"]
    assert [(row["issued_queue"], row["queue"]) for row in transferred] == [
        ("urgent", "booking_help")
    ]
    assert sum(row["status"] == "no_show" for row in tickets) == WEEK["no_shows"]
    assert sum(row["appointment"] == "1" for row in tickets) == 1


def test_one_queues_tickets(week_db, config):
    urgent = rows_of(tickets_csv(week_db, config, "helsinki", WEEK_PERIOD, "urgent"))
    assert len(urgent) == 5 and {row["queue"] for row in urgent} == {"urgent"}


def test_a_row_per_appointment_with_its_channel(exports):
    appointments = rows_of(exports["appointments"])
    assert [(row["channel"], row["status"], row["booked_by"]) for row in appointments] == [
        ("online", "checked_in", ""),
        ("online", "lost", ""),
        ("counter", "cancelled", "clerk1"),
        ("kiosk", "booked", ""),
    ]
    assert [row["moved"] for row in appointments] == ["0", "0", "0", "1"]
    assert [row["served"] for row in appointments] == ["1", "0", "0", "0"]
    assert appointments[0]["ticket_number"] == "C001"
    assert appointments[0]["starts_at"] == "2026-11-24T12:00:00+02:00"


def test_the_daily_figures_add_up_to_the_weeks(exports, week_db, config):
    daily = rows_of(exports["daily"])
    whole_days = [row for row in daily if row["queue"] == ""]
    assert [row["day"] for row in whole_days] == [day.isoformat() for day in WEEK_PERIOD.days()]
    week = statistics(week_db, config, "helsinki", WEEK_PERIOD)
    for column, figure in (
        ("tickets_issued", week.tickets_issued),
        ("called", week.called),
        ("called_within_target", week.called_within_target),
        ("no_shows", week.no_shows),
        ("transfers", week.transfers),
        ("served", sum(served for _, served in week.served_per_counter)),
    ):
        assert sum(int(row[column]) for row in whole_days) == figure, column
    for outcome, count in WEEK["kiosk_outcomes"]:
        assert sum(int(row[f"kiosk_{outcome}"]) for row in whole_days) == count, outcome
    names = ("booked_online", "booked_at_counter", "offered_at_kiosk", "cancelled", "moved")
    names += ("lost", "checked_in", "served")
    for name, count in zip(names, WEEK["appointments"], strict=True):
        assert sum(int(row[f"appointments_{name}"]) for row in whole_days) == count, name
    by_queue = [row for row in daily if row["queue"]]
    assert [
        (row["day"], row["queue"], int(row["called"]), int(row["called_within_target"]))
        for row in by_queue
    ] == [
        (day.isoformat(), queue, called, within)
        for day, queue, called, within in WEEK["service_level_by_day"]
    ]


def test_a_days_row(exports):
    monday = next(row for row in rows_of(exports["daily"]) if row["day"] == MON.isoformat())
    # Monday: A001 (600 s), A002 (2400 s), B001 (1200 s) called; A003 never.
    assert (monday["tickets_issued"], monday["called"], monday["called_within_target"]) == (
        "4", "3", "2",
    )  # fmt: skip
    assert monday["service_level"] == "0.6667"
    assert (monday["wait_p50_seconds"], monday["wait_p90_seconds"]) == ("1200", "2400")
    assert monday["kiosk_urgent_ticket"] == "2"
    sunday = next(row for row in rows_of(exports["daily"]) if row["day"] == "2026-11-29")
    assert (sunday["tickets_issued"], sunday["service_level"], sunday["wait_p50_seconds"]) == (
        "0", "", "",
    )  # fmt: skip
    assert sunday["kiosk_asylum_invitation"] == "1"
