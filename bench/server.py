"""What the benchmarks measure a live `jono serve` with, beside tests.e2e.conftest.LiveServer."""

from __future__ import annotations

from pathlib import Path


def rss_megabytes(pid: int) -> float:
    """The resident memory of a process, in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for {pid}")
