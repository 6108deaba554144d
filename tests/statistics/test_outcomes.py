"""The statistics' copy of the kiosk's verdicts is the kiosk's own list, in its order."""

from __future__ import annotations

from shared.queue.triage_outcomes import TRIAGE_OUTCOMES as KIOSK_OUTCOMES
from shared.statistics.outcomes import TRIAGE_OUTCOMES


def test_the_copy_equals_the_kiosks_list():
    assert TRIAGE_OUTCOMES == KIOSK_OUTCOMES
