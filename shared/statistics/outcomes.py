"""The kiosk's verdicts the statistics count, one row each in `triage_outcomes`.

A copy of `shared.queue.triage_outcomes.TRIAGE_OUTCOMES` in the same order: the statistics may
not import the queue (a sibling room), and a test checks that the two lists are equal.
"""

from __future__ import annotations

import sqlite_utils

TRIAGE_OUTCOMES = (
    "urgent_ticket",
    "booking_help_ticket",
    "book_online",
    "postbox",
    "asylum_invitation",
    "appointment_offered",
    "not_served_today",  # the office could not serve them that day (closed, past the last number)
)


def kiosk_outcome_counts(
    db: sqlite_utils.Database, service_point: str, start: str, end: str
) -> tuple[tuple[str, int], ...]:
    """How many times each outcome was shown from `start` (included) to `end` (excluded), UTC
    text: every outcome in TRIAGE_OUTCOMES order, zeros kept; an outcome not in the list (a
    newer kiosk's) follows, by name."""
    counted = dict(
        db.execute(
            "SELECT outcome, COUNT(*) FROM triage_outcomes"
            " WHERE service_point = ? AND at >= ? AND at < ? GROUP BY outcome",
            [service_point, start, end],
        ).fetchall()
    )
    known = tuple((outcome, counted.pop(outcome, 0)) for outcome in TRIAGE_OUTCOMES)
    return known + tuple(sorted(counted.items()))
