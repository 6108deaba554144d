"""The print service bound to the app: ticket slips, their outcome in the database, and the news.

The ticket is saved first; its slip is then queued with :class:`printers.service.PrintService`.
Every outcome is stored on the ticket and broadcast to the service point's room, so the kiosk
can show the number when the slip does not come out and the counters can offer a reprint.
The room hears only the printer's coarse state; the detail (which names the printer's address
or device) is stored and logged, never broadcast.

Every job is kept in the database (`print_jobs`) until it has left its lane, on Jono's clock
with its time limit (`rules.print_ticket_limit_seconds`, or `rules.print_pin_slip_limit_seconds`
for a confirmation slip, which carries a PIN). A new service point's print service resumes the
jobs a restart left within their limit, and shows the others as failed.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from flask import Flask

from printers import backends
from printers.service import PrintService
from printers.worker import JobStatus, RetryPolicy
from shared.queue import printing
from shared.queue.tickets import Ticket
from shared.storage.timestamps import parse_utc
from shared.web.context import get_db, jono
from shared.web.realtime import publish, publish_state

log = logging.getLogger(__name__)


class TicketPrinting(PrintService):
    """The app's one print service; see the module docstring.

    :param app: the Flask app, for an app context in the worker's threads
    :param send: delivers bytes to a printer (tests may pass their own)
    """

    def __init__(self, app: Flask, send=backends.send) -> None:
        state = app.extensions["jono"]
        self.app = app
        self.config = state.config
        self.clock = state.clock
        rules = self.config.rules
        super().__init__(
            {point.id: point.printer for point in self.config.service_points},
            retry=RetryPolicy(
                base_delay=rules.print_retry_base_seconds, max_delay=rules.print_retry_max_seconds
            ),
            send=send,
            ticket_time_limit=rules.print_ticket_limit_seconds,
            slip_time_limit=rules.print_pin_slip_limit_seconds,
            # Jono's clock, so that a limit means the same in memory and in the kept rows.
            clock=lambda: self.clock.now().timestamp(),
        )
        self.resume_jobs()

    def print_ticket(
        self, db, ticket: Ticket, people_ahead: int, estimated_wait_minutes: int | None
    ) -> Ticket:
        """Queue the ticket's slip and return at once, the ticket marked "queued".

        A service point without a printer prints nothing and leaves the status empty.
        The slip is skipped if the ticket is called before the printer could print it.
        """
        if not self.has_printer(ticket.service_point):
            return ticket
        printer = self.printer_of(ticket.service_point)
        payload = printing.render_ticket(self.config, ticket, people_ahead, estimated_wait_minutes)
        ticket, _ = printing.record_print_status(
            db, ticket.id, printing.QUEUED, f"waiting for {printer.description}", self.clock.now()
        )
        self.print_ticket_slip(ticket.id, ticket.service_point, payload)
        return ticket

    def resume_jobs(self) -> None:
        """Print the jobs a restart left within their limit; show the others as failed.

        A ticket said to be "queued" with no kept job (lost by a restart before jobs were kept)
        is shown as failed too, so that its kiosk says "note your number" and the counters can
        print it again.
        """
        with self.app.app_context():
            db = get_db()
            now = self.clock.now()
            for job in printing.kept_print_jobs(db):
                left = (parse_utc(job["expires_at"]) - now).total_seconds()
                if left > 0 and self.has_printer(job["service_point"]):
                    self.resume_job(
                        job["id"], job["service_point"], job["ticket_id"], job["payload"], left
                    )
                    continue
                printing.forget_print_job(db, job["id"])
                if job["ticket_id"] is None:
                    log.info(
                        "confirmation slip %s: past its limit at a restart, discarded", job["id"]
                    )
                else:
                    self._fail_lost_slip(db, job["ticket_id"], "its time limit ran out")
            for service_point_id in self.printers:
                for ticket_id in printing.tickets_queued_without_a_job(db, service_point_id):
                    self._fail_lost_slip(db, ticket_id, "no print job was kept for it")

    def _fail_lost_slip(self, db, ticket_id: int, why: str) -> None:
        """Show a waiting ticket's slip, lost to a restart, as failed (a called one: skipped)."""
        if not printing.is_waiting(db, ticket_id):
            printing.record_print_status(
                db,
                ticket_id,
                printing.SKIPPED,
                "the ticket was called before printing",
                self.clock.now(),
            )
            return
        detail = f"not printed before Jono restarted and {why}: it will not be printed late"
        log.warning("the slip of ticket %s was not printed: %s", ticket_id, detail)
        _, events = printing.record_print_status(
            db, ticket_id, printing.FAILED, detail, self.clock.now()
        )
        publish(events)

    def keep_job(self, service_point_id, ticket_id, payload, time_limit) -> int:
        """Keep the job in `print_jobs` until it has left its lane; return its row's id."""
        with self.app.app_context():
            now = self.clock.now()
            expires_at = now + timedelta(seconds=time_limit)
            return printing.keep_print_job(
                get_db(), service_point_id, ticket_id, payload, now, expires_at
            )

    def job_ended(self, job_number: int) -> None:
        """Delete the ended job's row, and with it the slip's bytes (for a PIN slip, the PIN)."""
        with self.app.app_context():
            printing.forget_print_job(get_db(), job_number)

    def start_health_checks(self, interval_seconds: float | None = None) -> None:
        """Check the printers every `rules.printer_probe_seconds` (0: never)."""
        if interval_seconds is None:
            interval_seconds = self.config.rules.printer_probe_seconds
        super().start_health_checks(interval_seconds)

    def ticket_still_waits(self, ticket_id: int) -> bool:
        """A slip for a ticket already called is not printed."""
        with self.app.app_context():
            return printing.is_waiting(get_db(), ticket_id)

    def ticket_print_changed(self, ticket_id: int, status: JobStatus, detail: str) -> None:
        """Store a job's outcome and broadcast it; called from the worker's threads."""
        with self.app.app_context():
            db = get_db()
            now = jono().clock.now()
            # What a print shows about the printer is news too: the counter's alert needs it.
            # Recorded first, so whoever sees the ticket's outcome sees the printer's with it.
            if status in (JobStatus.PRINTED, JobStatus.FAILED):
                health = "online" if status == JobStatus.PRINTED else "offline"
                point = db.execute(
                    "SELECT service_point FROM tickets WHERE id = ?", [ticket_id]
                ).fetchone()
                if point is not None:
                    printing.record_printer_status(db, point[0], health, detail, now)
            _ticket, events = printing.record_print_status(db, ticket_id, str(status), detail, now)
            if status == JobStatus.FAILED:  # the operator's only view of why: the room gets none
                log.warning("the slip of ticket %s was not printed: %s", ticket_id, detail)
            publish(events)

    def printer_checked(self, service_point_id: str, status: str, detail: str) -> None:
        """Store a health check's answer and broadcast a change of the printer's status."""
        with self.app.app_context():
            db = get_db()
            before = printing.printer_status(db, service_point_id)
            printing.record_printer_status(db, service_point_id, status, detail, self.clock.now())
            # Only the status is public (see shared.queue.snapshot): a new detail alone
            # changes nothing the room sees, and would send every socket the whole state.
            if before is None or before["status"] != status:
                log.info("the printer of %s is %s: %s", service_point_id, status, detail)
                # Nothing happened to a ticket, so no event: the room's state is the news.
                publish_state(service_point_id)
