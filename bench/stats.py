"""Percentiles and the results table."""

from __future__ import annotations

import math


def percentile(values: list[float], fraction: float) -> float:
    """The nearest-rank percentile of `values` (fraction 0.5 for the median, 0.99 for p99)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def milliseconds(seconds: float) -> str:
    """A duration for the table."""
    return f"{seconds * 1000:.1f} ms"


def print_table(rows: list[tuple[str, str, str, str]]) -> None:
    """Print (benchmark, measure, Jono, baseline) rows as a Markdown table."""
    header = ("benchmark", "measure", "Jono (jono serve)", "bare baseline")
    widths = [max(len(row[column]) for row in [header, *rows]) for column in range(4)]
    for row in [header, tuple("-" * width for width in widths), *rows]:
        print("| " + " | ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) + " |")
