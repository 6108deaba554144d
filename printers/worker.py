"""Print jobs in the background, in order per printer, retrying until the printer is back.

The ticket exists before it is printed; this worker only delivers the slip. Each printer
has its own lane (a thread and a queue), so a printer that is off delays nobody else's
slips, and the slips of one printer come out in the order they were submitted. A job that
fails is reported as failed and tried again with exponential backoff; the jobs behind it
wait their turn. A job whose ticket was called in the meantime is skipped rather than
printed late. Reprinting is submitting the job again.

``on_status(job_id, status, detail)`` is called from the lane threads, never from the
caller of :meth:`PrintWorker.submit`, so a slow callback (a database write, a broadcast)
never blocks a kiosk request.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from printers import backends
from printers.printer_config import PrinterConfig, parse_printer_config

logger = logging.getLogger(__name__)


class JobStatus(StrEnum):
    """Where a print job stands."""

    QUEUED = "queued"
    PRINTED = "printed"
    FAILED = "failed"
    SKIPPED = "skipped"


StatusCallback = Callable[[Hashable, JobStatus, str], None]


def always_print() -> bool:
    """The default ``should_print``: nothing makes the slip obsolete."""
    return True


@dataclass(frozen=True)
class PrintJob:
    """One slip for one printer.

    :param should_print: asked before every attempt; False (the ticket was already called)
        skips the job instead of printing a slip nobody needs
    """

    job_id: Hashable
    printer: PrinterConfig
    payload: bytes
    should_print: Callable[[], bool] = always_print


@dataclass(frozen=True)
class RetryPolicy:
    """How long to keep trying a job that fails.

    :param base_delay: seconds before the first retry; doubled after each failure
    :param max_delay: the longest wait between two attempts
    :param max_attempts: give up after this many attempts (None: never)
    :param give_up_after: give up this many seconds after the first attempt (None: never)
    """

    base_delay: float = 1.0
    max_delay: float = 30.0
    max_attempts: int | None = None
    give_up_after: float | None = None

    def delay_after(self, failures: int) -> float:
        """Return the wait after the ``failures``-th failure in a row."""
        return min(self.base_delay * 2 ** (failures - 1), self.max_delay)


class PrintWorker:
    """Deliver print jobs in the background; see the module docstring.

    :param on_status: called with (job_id, status, detail) at every attempt's outcome
    :param retry: the retry policy
    :param send: delivers bytes to a printer (a test may pass its own)
    :param sleep: waits between attempts; by default a wait that :meth:`stop` and a new
        submission for the same printer cut short
    :param clock: monotonic seconds, for ``give_up_after``
    """

    def __init__(
        self,
        on_status: StatusCallback,
        *,
        retry: RetryPolicy | None = None,
        send: Callable[[PrinterConfig, bytes], None] = backends.send,
        sleep: Callable[[float], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.on_status = on_status
        self.retry = retry or RetryPolicy()
        self.send = send
        self.sleep = sleep
        self.clock = clock
        self._lanes: dict[PrinterConfig, _PrinterLane] = {}
        self._lock = threading.Lock()
        self._stopped = False

    def submit(
        self,
        job_id: Hashable,
        printer_config: Mapping[str, object] | PrinterConfig,
        payload: bytes,
        should_print: Callable[[], bool] = always_print,
    ) -> None:
        """Queue a job and return at once; its statuses arrive through ``on_status``.

        :raises ValueError: if the printer settings are invalid
        :raises RuntimeError: after :meth:`stop`
        """
        job = PrintJob(job_id, parse_printer_config(printer_config), payload, should_print)
        with self._lock:
            if self._stopped:
                raise RuntimeError("the print worker has been stopped")
            lane = self._lanes.get(job.printer)
            if lane is None:
                lane = self._lanes[job.printer] = _PrinterLane(self, job.printer)
                lane.start()
        lane.add(job)

    def stop(self, timeout: float = 2.0) -> None:
        """Stop every lane and wait at most ``timeout`` seconds in all for them to end.

        A lane in the middle of sending finishes that attempt first (bounded by the
        printer's own timeout); it is a daemon thread, so it never keeps the process alive.
        Jobs not yet printed stay unprinted: their tickets still exist, and can be reprinted.
        """
        with self._lock:
            self._stopped = True
            lanes = list(self._lanes.values())
        for lane in lanes:
            lane.request_stop()
        deadline = time.monotonic() + timeout
        for lane in lanes:
            lane.join(max(0.0, deadline - time.monotonic()))

    def report(self, job_id: Hashable, status: JobStatus, detail: str) -> None:
        """Pass a status to ``on_status``, so that a failing callback cannot stop a lane."""
        try:
            self.on_status(job_id, status, detail)
        except Exception:
            logger.exception("print status callback failed for job %r (%s)", job_id, status)


class _PrinterLane(threading.Thread):
    """One printer's queue and the thread that works through it, oldest job first."""

    def __init__(self, worker: PrintWorker, printer: PrinterConfig) -> None:
        super().__init__(name=f"print-lane {printer.description}", daemon=True)
        self.worker = worker
        self.printer = printer
        self.condition = threading.Condition()
        self.arrivals: deque[PrintJob] = deque()
        self.pending: deque[PrintJob] = deque()
        self.stopping = False
        self.poked = False

    def add(self, job: PrintJob) -> None:
        with self.condition:
            self.arrivals.append(job)
            self.poked = True
            self.condition.notify()

    def request_stop(self) -> None:
        with self.condition:
            self.stopping = True
            self.condition.notify()

    def run(self) -> None:
        while True:
            with self.condition:
                self.condition.wait_for(lambda: self.stopping or self.arrivals or self.pending)
                if self.stopping:
                    return
            self.take_arrivals()
            if self.pending:
                self.work_on(self.pending[0])
                self.pending.popleft()

    def take_arrivals(self) -> None:
        """Move newly submitted jobs into the queue and announce them, in order."""
        with self.condition:
            arrived = list(self.arrivals)
            self.arrivals.clear()
            self.poked = False
        for job in arrived:
            self.pending.append(job)
            self.worker.report(
                job.job_id, JobStatus.QUEUED, f"waiting for {self.printer.description}"
            )

    def work_on(self, job: PrintJob) -> None:
        """Try ``job`` until it is printed, skipped, given up, or the worker stops."""
        worker, policy = self.worker, self.worker.retry
        if self.printer.type == "none":
            worker.report(job.job_id, JobStatus.SKIPPED, "no printer here: the number is on screen")
            return
        started = worker.clock()
        failures = 0
        while not self.stopping:
            self.take_arrivals()
            if not _still_wanted(job):
                worker.report(
                    job.job_id, JobStatus.SKIPPED, "the ticket was called before printing"
                )
                return
            try:
                worker.send(self.printer, job.payload)
            except Exception as error:
                failures += 1
                reason = error.reason if isinstance(error, backends.PrinterError) else str(error)
                if _should_give_up(policy, failures, worker.clock() - started):
                    detail = f"{reason}; gave up after {failures} attempts"
                    worker.report(job.job_id, JobStatus.FAILED, detail)
                    return
                delay = policy.delay_after(failures)
                detail = f"{reason}; attempt {failures} failed, next try in {delay:g} s"
                worker.report(job.job_id, JobStatus.FAILED, detail)
                self.wait(delay)
                continue
            worker.report(job.job_id, JobStatus.PRINTED, f"printed on {self.printer.description}")
            return

    def wait(self, seconds: float) -> None:
        if self.worker.sleep is not None:
            self.worker.sleep(seconds)
            return
        with self.condition:
            self.condition.wait_for(lambda: self.stopping or self.poked, timeout=seconds)


def _still_wanted(job: PrintJob) -> bool:
    try:
        return bool(job.should_print())
    except Exception:
        # Printing a slip that may be stale beats losing one the customer needs.
        logger.exception("should_print failed for job %r; printing anyway", job.job_id)
        return True


def _should_give_up(policy: RetryPolicy, failures: int, elapsed: float) -> bool:
    if policy.max_attempts is not None and failures >= policy.max_attempts:
        return True
    return policy.give_up_after is not None and elapsed >= policy.give_up_after
