"""The monthly PDF: opens with pypdf, its text holds the month's figures, a page per queue, in
the report's language, and the same data gives the same bytes."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

import pypdf
import pytest

from shared.errors import InvalidRequest
from shared.statistics.history import statistics
from shared.statistics.monthly_report import monthly_report_pdf
from shared.statistics.periods import Period
from shared.storage.transactions import write_transaction
from tests.statistics.constructed_week import NOW, Ticket, write_ticket

NOVEMBER = (2026, 11)


def report(db, config, language="en", generated_at=NOW) -> bytes:
    """November's report of Helsinki."""
    return monthly_report_pdf(
        db, config, "helsinki", *NOVEMBER, generated_at=generated_at, language=language
    )


def pages_text(pdf: bytes) -> list[str]:
    """Each page's text as pypdf extracts it, its white space made single spaces."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return [re.sub(r"\s+", " ", page.extract_text()) for page in reader.pages]


def minutes(seconds: int | None) -> str:
    """A duration as the report writes it (m:ss)."""
    return "–" if seconds is None else f"{seconds // 60}:{seconds % 60:02d}"


def test_the_same_data_gives_the_same_bytes(week_db, config):
    first = report(week_db, config)
    assert first.startswith(b"%PDF")
    assert report(week_db, config) == first
    later = report(week_db, config, generated_at=NOW + timedelta(days=1))
    assert later != first  # the creation date and the printed moment are generated_at's
    assert pypdf.PdfReader(io.BytesIO(later)).metadata.creation_date.date().isoformat() == (
        "2026-12-01"
    )


def test_the_text_holds_the_months_figures(week_db, config):
    """The week, the Monday after and Sunday the 22nd: 17 numbers, 13 called, 11 in time."""
    text = " ".join(pages_text(report(week_db, config)))
    month = statistics(week_db, config, "helsinki", Period.month(*NOVEMBER))
    assert (month.tickets_issued, month.called, month.called_within_target) == (17, 13, 11)
    assert "Numbers issued 17" in text
    assert "Numbers called 13" in text
    assert "Called within target 11" in text
    assert "Service level 84.6%" in text
    assert "Service level target 80.0%" in text
    assert f"No-shows {month.no_shows} ({month.no_show_rate * 100:.1f}%)" in text
    assert f"Transfers {month.transfers} ({month.transfer_rate * 100:.1f}%)" in text
    waits = month.waits
    assert (
        f"All queues {waits.count} {minutes(waits.p50_seconds)} {minutes(waits.p90_seconds)}"
        f" {minutes(waits.max_seconds)}"
    ) in text
    assert "All queues 13 10:00 40:00 45:00" in text
    for label, count in (
        ("Urgent number", 3),
        ("Booking help number", 0),
        ("Sent to book online", 2),
        ("Sent to the postbox", 3),  # the week's one, the Sunday before, the Monday after
        ("Asylum invitation", 1),
        ("Appointment offered", 0),
        ("Not served that day", 1),
    ):
        assert f"{label} {count}" in text, label
    for label, name in (
        ("Booked online", "booked_online"),
        ("Booked at a counter", "booked_at_counter"),
        ("Offered at the kiosk", "offered_at_kiosk"),
        ("Moved", "moved"),
        ("Lost", "lost"),
        ("Checked in", "checked_in"),
    ):
        assert f"{label} {getattr(month.appointments, name)}" in text, label
    estimates = month.estimates
    assert f"Estimates compared {estimates.count}" in text
    assert f"Mean difference (min:s) {minutes(estimates.mean_absolute_error_seconds)}" in text
    assert "Estimates compared 5 Mean difference (min:s) 7:00 Within five minutes 3" in text
    for counter, served in month.served_per_counter:
        assert f" {counter} {served} " in text
    assert "Residence permit 3 8:00 12:00 12:00" in text


def test_a_page_per_queue_with_its_figures(week_db, config):
    pages = pages_text(report(week_db, config))
    for queue, name in (
        ("urgent", "Urgent matters"),
        ("booking_help", "Booking help"),
        ("appointment", "Appointments"),
    ):
        page = next(text for text in pages if f"Queue: {name}" in text)
        figures = statistics(week_db, config, "helsinki", Period.month(*NOVEMBER), queue=queue)
        assert f"Numbers issued {figures.tickets_issued}" in page, queue
        assert f"Numbers called {figures.called}" in page, queue
        waits = figures.waits
        assert (
            f"{name} {waits.count} {minutes(waits.p50_seconds)} {minutes(waits.p90_seconds)}"
            f" {minutes(waits.max_seconds)}"
        ) in page, queue
    urgent_page = next(text for text in pages if "Queue: Urgent matters" in text)
    assert "Target wait 30 min" in urgent_page
    # The week's five (A003 never called, A002 late), the Monday's four (two still waiting,
    # A002 late) and the Sunday before's one.
    assert "Numbers issued 10 Numbers called 7 Called within target 5" in urgent_page


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("fi", ("Kuukausiraportti", "Palvelutaso 84,6 %", "Annetut vuoronumerot 17")),
        ("sv", ("Månadsrapport", "Servicenivå 84,6 %", "Utdelade könummer 17")),
    ],
)
def test_the_report_speaks_its_language(week_db, config, language, words):
    text = " ".join(pages_text(report(week_db, config, language)))
    for word in words:
        assert word in text


def test_an_empty_month_still_makes_a_report(week_db, config):
    pdf = monthly_report_pdf(week_db, config, "helsinki", 2025, 2, generated_at=NOW)
    assert "Annetut vuoronumerot 0" in " ".join(pages_text(pdf))
    with pytest.raises(InvalidRequest):
        monthly_report_pdf(week_db, config, "helsinki", 2025, 13, generated_at=NOW)


def test_a_day_open_around_the_clock_fits_the_page(db, config):
    """Numbers at 00:30 and 23:30: the heat map and its table hold all 24 hours."""
    with write_transaction(db):
        for index, clock in enumerate(("00:30", "23:30"), start=1):
            write_ticket(
                db, index, Ticket(f"A00{index}", date(2025, 3, 5), "urgent", clock, 5, 5,
                                  "finished", 1),
            )  # fmt: skip
    pdf = monthly_report_pdf(db, config, "helsinki", 2025, 3, generated_at=NOW, language="en")
    text = " ".join(pages_text(pdf))
    assert "Numbers issued 2" in text
    assert "Day 00 01 02" in text and "22 23 Total" in text
