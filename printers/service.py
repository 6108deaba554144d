"""The print service: one print worker and one printer health check for a whole deployment.

Jono saves a ticket first and then asks for its slip; this service owns how the slip gets out.
It hands each job to :class:`printers.worker.PrintWorker`, which delivers it in the background,
retries while the printer is away and reports every job waiting on a printer that is down as
failed at once. Each job has a time limit (a ticket slip's, or the shorter one of a slip with a
PIN), after which it is discarded and never printed late. A reprint supersedes the job before
it, so the older one, should the printer come back, neither prints a second slip nor reports.

It knows nothing of tickets or of the database: what a job's outcome means, whether a ticket
still wants its slip, where a job is kept until it has left its lane (so that a restart can
resume it) and what a health check changes are hooks that the app's subclass fills in
(`shared.web.ticket_printing.TicketPrinting`). Without them jobs are kept in memory only.
"""

from __future__ import annotations

import itertools
import logging
import threading
from collections.abc import Callable, Mapping

from printers import backends
from printers.printer_config import PrinterConfig
from printers.worker import JobStatus, PrintWorker, RetryPolicy

log = logging.getLogger(__name__)
SLIP = "slip"  # the first part of the job id of a slip that belongs to no ticket


class PrintService:
    """Print slips at the service points' kiosk printers and watch those printers.

    :param printers: each service point's printer (`type = "none"`: it prints nothing)
    :param retry: how long a failing job is tried again
    :param send: delivers bytes to a printer (tests may pass their own)
    :param probe: asks a printer how it is
    :param ticket_time_limit: seconds a ticket's slip may take before it is discarded
    :param slip_time_limit: the same for a slip of no ticket (a confirmation with a PIN)
    :param clock: seconds, for the time limits (the worker's monotonic clock by default)
    """

    def __init__(
        self,
        printers: Mapping[str, PrinterConfig],
        retry: RetryPolicy | None = None,
        send: Callable[[PrinterConfig, bytes], None] = backends.send,
        probe: Callable[[PrinterConfig], object] = backends.probe,
        ticket_time_limit: float | None = None,
        slip_time_limit: float | None = None,
        clock: Callable[[], float] | None = None,
    ) -> None:
        self.printers = {
            point: printer for point, printer in printers.items() if printer.type != "none"
        }
        self.probe = probe
        self.ticket_time_limit = ticket_time_limit
        self.slip_time_limit = slip_time_limit
        self.worker = PrintWorker(
            self._on_job_status,
            retry=retry,
            send=send,
            on_finished=self._on_job_finished,
            **({} if clock is None else {"clock": clock}),
        )
        self._job_numbers = itertools.count(1)
        # The newest job per ticket: a reprint supersedes the job before it.
        self._latest_job: dict[int, tuple[int, int]] = {}
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._health_thread: threading.Thread | None = None

    def has_printer(self, service_point_id: str) -> bool:
        """Whether the service point's kiosk prints slips (False: its number is on screen only)."""
        return service_point_id in self.printers

    def printer_of(self, service_point_id: str) -> PrinterConfig:
        """The printer of a service point that has one (see `has_printer`)."""
        return self.printers[service_point_id]

    def print_ticket_slip(self, ticket_id: int, service_point_id: str, payload: bytes) -> None:
        """Queue a ticket's slip and return at once; it supersedes the ticket's earlier job."""
        limit = self.ticket_time_limit
        job_number = self.keep_job(service_point_id, ticket_id, payload, limit)
        self.resume_job(job_number, service_point_id, ticket_id, payload, limit)

    def print_slip(self, service_point_id: str, payload: bytes) -> bool:
        """Queue a slip that belongs to no ticket (an appointment confirmation) at the kiosk.

        It has the shorter `slip_time_limit`: a slip with a PIN that comes out late, into the
        tray of an unattended kiosk, is worse than none. Returns False when the service point
        has no printer. Its outcome is logged only: the clerk or the kiosk also has the PDF or
        the screen.
        """
        if not self.has_printer(service_point_id):
            return False
        limit = self.slip_time_limit
        job_number = self.keep_job(service_point_id, None, payload, limit)
        self.resume_job(job_number, service_point_id, None, payload, limit)
        return True

    def resume_job(
        self,
        job_number: int,
        service_point_id: str,
        ticket_id: int | None,
        payload: bytes,
        time_limit: float | None,
    ) -> None:
        """Hand a kept job to the worker (a new one, or one kept from before a restart).

        :param job_number: the job's number from `keep_job`
        :param ticket_id: the ticket whose slip it is, or None for a slip of no ticket
        :param time_limit: the seconds it has left
        """
        if ticket_id is None:
            self.worker.submit(
                (SLIP, job_number),
                self.printer_of(service_point_id),
                payload,
                time_limit=time_limit,
            )
            return
        job_id = (ticket_id, job_number)
        with self._lock:
            self._latest_job[ticket_id] = job_id
        self.worker.submit(
            job_id,
            self.printer_of(service_point_id),
            payload,
            should_print=lambda: self._is_wanted(job_id),
            time_limit=time_limit,
        )

    def check_printers(self) -> None:
        """Ask every kiosk printer how it is and report each answer to `printer_checked`."""
        for service_point_id, printer in self.printers.items():
            status = self.probe(printer)
            self.printer_checked(service_point_id, str(status), printer.description)

    def start_health_checks(self, interval_seconds: float) -> None:
        """Check the printers every `interval_seconds` in a daemon thread (0: never)."""
        if interval_seconds <= 0 or not self.printers:
            return
        self._health_thread = threading.Thread(
            target=self._check_until_stopped,
            args=(interval_seconds,),
            name="printer-health",
            daemon=True,
        )
        self._health_thread.start()

    def stop(self) -> None:
        """Stop the health checks and the worker; unprinted jobs stay kept (see `keep_job`)."""
        self._stopping.set()
        self.worker.stop()
        if self._health_thread is not None:
            self._health_thread.join(2)

    # Hooks for the app: where jobs are kept, and what a ticket's print means to it.

    def keep_job(
        self,
        service_point_id: str,
        ticket_id: int | None,
        payload: bytes,
        time_limit: float | None,
    ) -> int:
        """Keep a new job until it has left its lane, and return its number (unique, > 0).

        This default keeps nothing beyond the worker's memory, so a restart loses the job.
        """
        return next(self._job_numbers)

    def job_ended(self, job_number: int) -> None:
        """A kept job has left its lane (printed, skipped, given up or past its limit)."""

    def ticket_still_waits(self, ticket_id: int) -> bool:
        """Whether the ticket still wants its slip (a ticket already called does not)."""
        return True

    def ticket_print_changed(self, ticket_id: int, status: JobStatus, detail: str) -> None:
        """A ticket's newest job was printed, was skipped, or failed: it is tried again, waits
        for a printer that is down, or was given up (past its limit: never printed late)."""

    def printer_checked(self, service_point_id: str, status: str, detail: str) -> None:
        """A health check's answer about a service point's printer."""

    def _is_wanted(self, job_id: tuple[int, int]) -> bool:
        """Print only the newest job of a ticket that still waits."""
        with self._lock:
            if self._latest_job.get(job_id[0]) != job_id:
                return False
        return self.ticket_still_waits(job_id[0])

    def _on_job_status(self, job_id: tuple, status: JobStatus, detail: str) -> None:
        """Pass the outcome of a ticket's newest job on; called from the worker's threads."""
        ticket_id = job_id[0]
        if ticket_id == SLIP:
            log.info("confirmation slip %s: %s %s", job_id[1], status, detail)
            return
        with self._lock:
            if self._latest_job.get(ticket_id) != job_id:
                return
        self.ticket_print_changed(ticket_id, status, detail)

    def _on_job_finished(self, job_id: tuple, status: JobStatus) -> None:
        """Let go of a job that has left its lane; called from the worker's threads."""
        ticket_id, job_number = job_id
        if ticket_id != SLIP:
            with self._lock:
                if self._latest_job.get(ticket_id) == job_id:
                    del self._latest_job[ticket_id]
        self.job_ended(job_number)

    def _check_until_stopped(self, interval: float) -> None:
        while not self._stopping.is_set():
            try:
                self.check_printers()
            except Exception:  # a broken check must not end the checking
                log.exception("printer health check failed")
            self._stopping.wait(interval)
