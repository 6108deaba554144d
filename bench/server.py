"""A live `jono serve` on loopback for the benchmarks, started as the end-to-end tests start it."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.e2e.conftest import JONO, LiveServer

SERVER_THREADS = 300  # 200 sockets each hold a thread, and HTTP needs some besides


class BenchServer(LiveServer):
    """LiveServer (all-day opening hours, one clerk) with more threads, and its worker's pid."""

    def start(self) -> None:
        """Start `jono serve` with SERVER_THREADS threads and wait until it answers."""
        self.starts += 1
        out_path, err_path = self.log_paths()
        with open(out_path, "wb") as out, open(err_path, "wb") as err:
            self.process = subprocess.Popen(
                [
                    str(JONO),
                    "serve",
                    "--config",
                    str(self.config_path),
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(self.port),
                    "--threads",
                    str(SERVER_THREADS),
                ],
                cwd=self.directory,
                env=self.environment,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=err,
            )
        if not self.wait_until_answering():
            self.stop()
            raise RuntimeError(f"jono serve did not start:\n{self.stderr()}")

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
