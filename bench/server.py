"""A live `jono serve` on loopback for the benchmarks, started as the end-to-end tests start it."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.conftest import LiveServer

SERVER_THREADS = 300  # 200 sockets each hold a thread, and HTTP needs some besides


class BenchServer(LiveServer):
    """LiveServer (all-day opening hours, one clerk) with more threads, and its worker's pid."""

    serve_options = ("--threads", str(SERVER_THREADS))

    def worker_pid(self) -> int:
        """The gunicorn worker under the master: the process that holds the sockets."""
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue  # ended meanwhile
                if int(fields[1]) == self.process.pid:
                    return int(entry.name)
        raise RuntimeError("jono serve has no worker")


def rss_megabytes(pid: int) -> float:
    """The resident memory of a process, in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for {pid}")
