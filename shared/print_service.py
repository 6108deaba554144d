"""The app's printing: one print worker and one printer health check for the whole process.

The ticket is saved first; its slip is then handed to :class:`printers.worker.PrintWorker`,
which delivers it in the background and retries while the printer is away. Every outcome
is stored on the ticket and broadcast to the service point's room, so the kiosk can show
the number when the slip does not come out and the counters can offer a reprint.
"""

from __future__ import annotations

import itertools
import logging
import threading

from printers import backends
from printers.worker import JobStatus, PrintWorker, RetryPolicy
from shared import printing
from shared.tickets import Ticket

log = logging.getLogger(__name__)


class PrintService:
    """Print tickets for one app and watch its printers; see the module docstring.

    :param app: the Flask app, for an app context in the worker's threads
    :param send: delivers bytes to a printer (tests may pass their own)
    """

    def __init__(self, app, send=backends.send) -> None:
        state = app.extensions["jono"]
        self.app = app
        self.config = state.config
        self.clock = state.clock
        rules = self.config.rules
        retry = RetryPolicy(
            base_delay=rules.print_retry_base_seconds, max_delay=rules.print_retry_max_seconds
        )
        self.worker = PrintWorker(self.on_status, retry=retry, send=send)
        self._job_numbers = itertools.count(1)
        # The newest job per ticket: a reprint supersedes the job before it, so that the
        # old one, should the printer come back, neither prints a second slip nor reports.
        self._latest_job: dict[int, tuple[int, int]] = {}
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._health_thread: threading.Thread | None = None

    def has_printer(self, service_point_id: str) -> bool:
        """Whether the service point's kiosk prints slips (False: its number is on screen only)."""
        point = self.config.service_point(service_point_id)
        return point is not None and point.printer.type != "none"

    def print_ticket(
        self, db, ticket: Ticket, people_ahead: int, estimated_wait_minutes: int | None
    ) -> Ticket:
        """Queue the ticket's slip and return at once, the ticket marked "queued".

        A service point without a printer prints nothing and leaves the status empty.
        The slip is skipped if the ticket is called before the printer could print it.
        """
        if not self.has_printer(ticket.service_point):
            return ticket
        printer = self.config.service_point(ticket.service_point).printer
        payload = printing.render_ticket(self.config, ticket, people_ahead, estimated_wait_minutes)
        ticket, _ = printing.record_print_status(
            db, ticket.id, printing.QUEUED, f"waiting for {printer.description}", self.clock.now()
        )
        job_id = (ticket.id, next(self._job_numbers))
        with self._lock:
            self._latest_job[ticket.id] = job_id
        self.worker.submit(job_id, printer, payload, should_print=lambda: self._is_wanted(job_id))
        return ticket

    def print_slip(self, service_point_id: str, payload: bytes) -> bool:
        """Queue a slip that belongs to no ticket (an appointment confirmation) at the kiosk.

        Returns False when the service point has no printer. Its outcome is logged only: the
        clerk or the kiosk also has the PDF or the screen.
        """
        if not self.has_printer(service_point_id):
            return False
        printer = self.config.service_point(service_point_id).printer
        self.worker.submit(("slip", next(self._job_numbers)), printer, payload)
        return True

    def _is_wanted(self, job_id: tuple[int, int]) -> bool:
        """Print only the newest job of a ticket that still waits."""
        with self._lock:
            if self._latest_job.get(job_id[0]) != job_id:
                return False
        with self.app.app_context():
            from shared.app import get_db

            return printing.is_waiting(get_db(), job_id[0])

    def on_status(self, job_id: tuple[int, int], status: JobStatus, detail: str) -> None:
        """Store a job's outcome and broadcast it; called from the worker's threads."""
        ticket_id = job_id[0]
        if ticket_id == "slip":
            log.info("confirmation slip %s: %s %s", job_id[1], status, detail)
            return
        with self._lock:
            if self._latest_job.get(ticket_id) != job_id:
                return
            if status in (JobStatus.PRINTED, JobStatus.SKIPPED):
                self._latest_job.pop(ticket_id, None)
        from shared.app import get_db
        from shared.realtime import publish

        with self.app.app_context():
            db = get_db()
            now = self.clock.now()
            ticket, events = printing.record_print_status(db, ticket_id, str(status), detail, now)
            # What a print shows about the printer is news too: the counter's alert needs it.
            if status in (JobStatus.PRINTED, JobStatus.FAILED):
                health = "online" if status == JobStatus.PRINTED else "offline"
                printing.record_printer_status(db, ticket.service_point, health, detail, now)
            publish(events)

    def check_printers(self) -> None:
        """Ask every kiosk printer how it is; store the answer and broadcast a change."""
        from shared.app import get_db
        from shared.realtime import public_snapshot, room_of, socketio

        for point in self.config.service_points:
            if point.printer.type == "none":
                continue
            status = backends.probe(point.printer)
            with self.app.app_context():
                changed = printing.record_printer_status(
                    get_db(), point.id, str(status), point.printer.description, self.clock.now()
                )
                if changed:
                    # A snapshot, not a queue_event: nothing happened to a ticket, so no number.
                    socketio.emit("snapshot", public_snapshot(point.id), to=room_of(point.id))

    def start_health_checks(self) -> None:
        """Check the printers every `printer_probe_seconds` in a daemon thread (0: never)."""
        interval = self.config.rules.printer_probe_seconds
        if interval <= 0 or not any(self.has_printer(p.id) for p in self.config.service_points):
            return
        self._health_thread = threading.Thread(
            target=self._check_until_stopped, args=(interval,), name="printer-health", daemon=True
        )
        self._health_thread.start()

    def _check_until_stopped(self, interval: float) -> None:
        while not self._stopping.is_set():
            try:
                self.check_printers()
            except Exception:  # a broken check must not end the checking
                log.exception("printer health check failed")
            self._stopping.wait(interval)

    def stop(self) -> None:
        """Stop the health checks and the worker; unprinted tickets stay reprintable."""
        self._stopping.set()
        self.worker.stop()
        if self._health_thread is not None:
            self._health_thread.join(2)
