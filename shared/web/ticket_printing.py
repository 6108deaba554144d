"""The print service bound to the app: ticket slips, their outcome in the database, and the news.

The ticket is saved first; its slip is then queued with :class:`printers.service.PrintService`.
Every outcome is stored on the ticket and broadcast to the service point's room, so the kiosk
can show the number when the slip does not come out and the counters can offer a reprint.
The room hears only the printer's coarse state; the detail (which names the printer's address
or device) is stored and logged, never broadcast.
"""

from __future__ import annotations

import logging

from flask import Flask

from printers import backends
from printers.service import PrintService
from printers.worker import JobStatus, RetryPolicy
from shared.queue import printing
from shared.queue.tickets import Ticket
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
        )

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
            ticket, events = printing.record_print_status(db, ticket_id, str(status), detail, now)
            if status == JobStatus.FAILED:  # the operator's only view of why: the room gets none
                log.warning("the slip of ticket %s was not printed: %s", ticket_id, detail)
            # What a print shows about the printer is news too: the counter's alert needs it.
            if status in (JobStatus.PRINTED, JobStatus.FAILED):
                health = "online" if status == JobStatus.PRINTED else "offline"
                printing.record_printer_status(db, ticket.service_point, health, detail, now)
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
