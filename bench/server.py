"""What the benchmarks measure a live `jono serve` with, beside tests.e2e.conftest.LiveServer."""

from __future__ import annotations

from pathlib import Path

import requests

from tests.e2e.conftest import LiveServer


def rss_megabytes(pid: int) -> float:
    """The resident memory of a process, in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for {pid}")


def paired_kiosk(base_url: str, service_point: str = "helsinki") -> requests.Session:
    """A requests session paired as a kiosk of the live server at `base_url`, as the kiosks of
    a deployment are (a bare baseline has no such step: it has no kiosks to tell apart)."""
    return LiveServer.serving(base_url).pair(requests.Session(), service_point)
