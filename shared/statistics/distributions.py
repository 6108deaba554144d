"""Distributions of durations: how many, the median, the 90th percentile and the longest.

SQLite has no percentile function, so the durations are read as one ordered column (whole
seconds) and the percentiles taken by nearest rank: p50 is the value at rank ⌈0.5·n⌉, p90 at
⌈0.9·n⌉ (of 10 waits, p90 is the 9th shortest). Nearest rank always gives a value that was
measured, never a mean of two.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import groupby


@dataclass(frozen=True)
class Distribution:
    """Durations in whole seconds: their count, p50, p90 and maximum (None when there are none)."""

    count: int
    p50_seconds: int | None
    p90_seconds: int | None
    max_seconds: int | None


EMPTY = Distribution(0, None, None, None)


def nearest_rank(ordered: Sequence[int], fraction: float) -> int:
    """The nearest-rank percentile of an ordered, non-empty sequence."""
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def distribution(ordered: Sequence[int]) -> Distribution:
    """The distribution of durations given in ascending order."""
    if not ordered:
        return EMPTY
    return Distribution(
        len(ordered), nearest_rank(ordered, 0.5), nearest_rank(ordered, 0.9), ordered[-1]
    )


def distributions_by_key(rows: Iterable[tuple]) -> dict:
    """Distributions per key from (key, seconds) rows ordered by key, then seconds."""
    return {
        key: distribution([seconds for _, seconds in group])
        for key, group in groupby(rows, key=lambda row: row[0])
    }
