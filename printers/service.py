"""The print service: one print worker and one printer health check for a whole deployment.

Jono saves a ticket first and then asks for its slip; this service owns how the slip gets out.
It hands each job to :class:`printers.worker.PrintWorker`, which delivers it in the background
and retries while the printer is away; a reprint supersedes the job before it, so the older one,
should the printer come back, neither prints a second slip nor reports. It knows nothing of
tickets in the database: what a job's outcome means, whether a ticket still wants its slip and
what a health check changes are hooks that the app's subclass fills in
(`shared.web.ticket_printing.TicketPrinting`).
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
    """

    def __init__(
        self,
        printers: Mapping[str, PrinterConfig],
        retry: RetryPolicy | None = None,
        send: Callable[[PrinterConfig, bytes], None] = backends.send,
        probe: Callable[[PrinterConfig], object] = backends.probe,
    ) -> None:
        self.printers = {
            point: printer for point, printer in printers.items() if printer.type != "none"
        }
        self.probe = probe
        self.worker = PrintWorker(self._on_job_status, retry=retry, send=send)
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
        job_id = (ticket_id, next(self._job_numbers))
        with self._lock:
            self._latest_job[ticket_id] = job_id
        self.worker.submit(
            job_id,
            self.printer_of(service_point_id),
            payload,
            should_print=lambda: self._is_wanted(job_id),
        )

    def print_slip(self, service_point_id: str, payload: bytes) -> bool:
        """Queue a slip that belongs to no ticket (an appointment confirmation) at the kiosk.

        Returns False when the service point has no printer. Its outcome is logged only: the
        clerk or the kiosk also has the PDF or the screen.
        """
        if not self.has_printer(service_point_id):
            return False
        job_id = (SLIP, next(self._job_numbers))
        self.worker.submit(job_id, self.printer_of(service_point_id), payload)
        return True

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
        """Stop the health checks and the worker; unprinted tickets stay reprintable."""
        self._stopping.set()
        self.worker.stop()
        if self._health_thread is not None:
            self._health_thread.join(2)

    # Hooks for the app: what a ticket's print means to it.

    def ticket_still_waits(self, ticket_id: int) -> bool:
        """Whether the ticket still wants its slip (a ticket already called does not)."""
        return True

    def ticket_print_changed(self, ticket_id: int, status: JobStatus, detail: str) -> None:
        """A ticket's newest job was printed, failed (and is retried), or was skipped."""

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
            if status in (JobStatus.PRINTED, JobStatus.SKIPPED):
                self._latest_job.pop(ticket_id, None)
        self.ticket_print_changed(ticket_id, status, detail)

    def _check_until_stopped(self, interval: float) -> None:
        while not self._stopping.is_set():
            try:
                self.check_printers()
            except Exception:  # a broken check must not end the checking
                log.exception("printer health check failed")
            self._stopping.wait(interval)
