"""Print jobs in the background, in order per printer, each within its time limit.

The ticket exists before it is printed; this worker only delivers the slip. Each printer
has its own lane (a thread and a queue), so a printer that is off delays nobody else's
slips, and the slips of one printer come out in the order they were submitted.

A lane never blocks the jobs behind a failing one unheard: when an attempt fails, the printer
is down for every job in its lane, so each job waiting is reported failed at once (and each
job that arrives while it is down), and the lane tries again with exponential backoff. Each
job keeps its place and still prints, in order, when the printer comes back, unless it is
past its time limit: a job that could no longer be printed within its limit is discarded
(reported failed, never printed late), wherever it stands in the lane. A job whose ticket was
called in the meantime is skipped rather than printed late. Reprinting is submitting the job
again.

``on_status(job_id, status, detail)`` is called from the lane threads, never from the
caller of :meth:`PrintWorker.submit`, so a slow callback (a database write, a broadcast)
never blocks a kiosk request. ``on_finished(job_id, status)`` is called once when a job
leaves its lane (printed, skipped, given up or past its limit), so that whoever keeps the
job's bytes can let go of them.
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
FinishedCallback = Callable[[Hashable, JobStatus], None]


def always_print() -> bool:
    """The default ``should_print``: nothing makes the slip obsolete."""
    return True


@dataclass(frozen=True)
class PrintJob:
    """One slip for one printer.

    :param should_print: asked before every attempt; False (the ticket was already called)
        skips the job instead of printing a slip nobody needs
    :param time_limit: seconds the job may take from its submission (None: no limit)
    :param deadline: the worker clock's time at which that limit runs out
    """

    job_id: Hashable
    printer: PrinterConfig
    payload: bytes
    should_print: Callable[[], bool] = always_print
    time_limit: float | None = None
    deadline: float | None = None


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
    :param clock: seconds, for time limits and ``give_up_after`` (monotonic by default)
    :param on_finished: called with (job_id, final status) once a job has left its lane
    """

    def __init__(
        self,
        on_status: StatusCallback,
        *,
        retry: RetryPolicy | None = None,
        send: Callable[[PrinterConfig, bytes], None] = backends.send,
        sleep: Callable[[float], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
        on_finished: FinishedCallback | None = None,
    ) -> None:
        self.on_status = on_status
        self.on_finished = on_finished
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
        time_limit: float | None = None,
    ) -> None:
        """Queue a job and return at once; its statuses arrive through ``on_status``.

        :param time_limit: seconds from now after which the job is discarded unprinted
        :raises ValueError: if the printer settings are invalid
        :raises RuntimeError: after :meth:`stop`
        """
        deadline = None if time_limit is None else self.clock() + time_limit
        job = PrintJob(
            job_id,
            parse_printer_config(printer_config),
            payload,
            should_print,
            time_limit,
            deadline,
        )
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
        Jobs not yet printed stay unprinted and are not reported finished: whoever keeps
        them (the print service's database) may submit them again after a restart.
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

    def finish(self, job_id: Hashable, status: JobStatus) -> None:
        """Tell ``on_finished`` that a job has left its lane; a failing callback is logged."""
        if self.on_finished is None:
            return
        try:
            self.on_finished(job_id, status)
        except Exception:
            logger.exception("print finished callback failed for job %r (%s)", job_id, status)


@dataclass
class _Waiting:
    """A job in its lane, with what the lane has told of it so far."""

    job: PrintJob
    attempts: int = 0
    first_attempt_at: float | None = None
    told_down: bool = False


class _PrinterLane(threading.Thread):
    """One printer's queue and the thread that works through it, oldest job first."""

    def __init__(self, worker: PrintWorker, printer: PrinterConfig) -> None:
        super().__init__(name=f"print-lane {printer.description}", daemon=True)
        self.worker = worker
        self.printer = printer
        self.condition = threading.Condition()
        self.arrivals: deque[PrintJob] = deque()
        self.pending: deque[_Waiting] = deque()
        self.stopping = False
        self.poked = False
        # Why the printer's last attempt failed, until it prints again: while it is set, the
        # printer is down for every job of the lane, not only for the one being tried.
        self.down_reason: str | None = None
        # Failures in a row on this printer, whichever job they were: the lane's backoff.
        self.failures = 0
        # One attempt may take a connect and a write, each bounded by the printer's timeout:
        # a job is tried only while it could still come out within its limit.
        self.attempt_bound = 2 * printer.timeout

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
            self.drop_stale()
            if self.pending and not self.stopping:
                self.try_first()

    def take_arrivals(self) -> None:
        """Move newly submitted jobs into the queue and announce them, in order."""
        with self.condition:
            arrived = list(self.arrivals)
            self.arrivals.clear()
            self.poked = False
        for job in arrived:
            waiting = _Waiting(job)
            self.pending.append(waiting)
            if self.down_reason is None:
                self.worker.report(
                    job.job_id, JobStatus.QUEUED, f"waiting for {self.printer.description}"
                )
            else:
                self.tell_down(waiting)

    def tell_down(self, waiting: _Waiting) -> None:
        """Report a waiting job failed because its printer is down; once per outage."""
        if waiting.told_down:
            return
        waiting.told_down = True
        detail = f"{self.down_reason}; waiting for the printer to come back"
        self.worker.report(waiting.job.job_id, JobStatus.FAILED, detail)

    def drop_stale(self) -> None:
        """Discard, wherever they stand, the jobs past their limit or no longer wanted."""
        now = self.worker.clock()
        for waiting in list(self.pending):
            job = waiting.job
            if job.deadline is not None and now + self.attempt_bound > job.deadline:
                detail = (
                    f"not printed within its limit of {job.time_limit:g} s:"
                    " discarded, it will not be printed late"
                )
                self.leave(waiting, JobStatus.FAILED, detail)
            elif not _still_wanted(job):
                self.leave(waiting, JobStatus.SKIPPED, "the ticket was called before printing")

    def leave(self, waiting: _Waiting, status: JobStatus, detail: str) -> None:
        """Take a job out of the lane for good, with its last status."""
        self.pending.remove(waiting)
        self.worker.report(waiting.job.job_id, status, detail)
        self.worker.finish(waiting.job.job_id, status)

    def try_first(self) -> None:
        """Try the oldest job once; on a failure, tell every job waiting, then wait."""
        worker, policy = self.worker, self.worker.retry
        waiting = self.pending[0]
        if self.printer.type == "none":
            self.leave(waiting, JobStatus.SKIPPED, "no printer here: the number is on screen")
            return
        if waiting.first_attempt_at is None:
            waiting.first_attempt_at = worker.clock()
        try:
            waiting.attempts += 1
            worker.send(self.printer, waiting.job.payload)
        except Exception as error:
            self.failures += 1
            reason = error.reason if isinstance(error, backends.PrinterError) else str(error)
            self.down_reason = reason
            elapsed = worker.clock() - waiting.first_attempt_at
            if _should_give_up(policy, waiting.attempts, elapsed):
                detail = f"{reason}; gave up after {waiting.attempts} attempts"
                self.leave(waiting, JobStatus.FAILED, detail)
            else:
                delay = policy.delay_after(self.failures)
                detail = f"{reason}; attempt {waiting.attempts} failed, next try in {delay:g} s"
                waiting.told_down = True
                worker.report(waiting.job.job_id, JobStatus.FAILED, detail)
            for behind in list(self.pending):
                self.tell_down(behind)
            if waiting in self.pending:
                self.wait(self.until_next_change(policy.delay_after(self.failures)))
            return
        self.failures = 0
        self.down_reason = None
        for behind in self.pending:
            behind.told_down = False
        self.leave(waiting, JobStatus.PRINTED, f"printed on {self.printer.description}")

    def until_next_change(self, delay: float) -> float:
        """The retry delay, cut short when a waiting job's limit runs out before it."""
        now = self.worker.clock()
        drops = [
            waiting.job.deadline - self.attempt_bound - now
            for waiting in self.pending
            if waiting.job.deadline is not None
        ]
        return max(0.0, min([delay, *drops]))

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
