"""Late means lost, automatically: booked appointments not checked in by their start; and a
service day's numbers end with it (waiting ones when the point closes: `expired`).

`LostAppointmentSweeper.sweep` marks them lost at most once per interval, so busy request
handlers (call next, the counter's list) can call it cheaply; a daemon thread calls it every
`interval` seconds as well, so a quiet service point's counters learn of it too. The events are
broadcast like any other change. The same thread frees the counters of clerks whose session
ended without a logout (`shared.web.ended_sessions`), and once a day purges the personal data
whose retention time is over (`shared.web.daily_purge`).
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta

import sqlite_utils

from shared.appointments.booking import mark_overdue_appointments_lost
from shared.queue.service_days import expire_ended_numbers_everywhere
from shared.storage.event_log import Event
from shared.web.context import get_db, jono
from shared.web.daily_purge import DailyPurge
from shared.web.ended_sessions import free_counters_of_ended_sessions
from shared.web.realtime import publish

log = logging.getLogger(__name__)
DEFAULT_INTERVAL = timedelta(minutes=1)


class LostAppointmentSweeper:
    """Marks overdue appointments lost, at most once per `interval` (thread-safe).

    :param app: the Flask app, for the background thread's app context and broadcasts
    """

    def __init__(self, app, interval: timedelta = DEFAULT_INTERVAL) -> None:
        self.app = app
        self.interval = interval
        self._last_swept: datetime | None = None
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self.daily_purge = DailyPurge()

    def sweep(self, db: sqlite_utils.Database, now: datetime) -> tuple[Event, ...]:
        """Mark overdue appointments lost, and close the numbers whose service day ended
        (`shared.queue.service_days`), unless that was done less than `interval` ago.

        Returns the AppointmentLost and TicketExpired events, for the caller to publish after
        the commit.
        """
        with self._lock:
            if self._last_swept is not None and now - self._last_swept < self.interval:
                return ()
            self._last_swept = now
        config = self.app.extensions["jono"].config
        lost = mark_overdue_appointments_lost(db, now)
        return (*lost, *expire_ended_numbers_everywhere(db, config, now))

    def sweep_and_publish(self) -> tuple[Event, ...]:
        """Sweep with the app's clock and database, and broadcast what changed.

        Call inside an app context (a request, or the background thread).
        """

        events = self.sweep(get_db(), jono().clock.now())
        if events:
            publish(events)
        return events

    def start(self, interval_seconds: float | None = None) -> None:
        """Sweep every `interval_seconds` (default: the interval) in a daemon thread."""
        seconds = interval_seconds or self.interval.total_seconds()
        self._thread = threading.Thread(
            target=self._sweep_until_stopped, args=(seconds,), name="lost-appointments", daemon=True
        )
        self._thread.start()

    def _sweep_until_stopped(self, seconds: float) -> None:
        while not self._stopping.wait(seconds):
            try:
                with self.app.app_context():
                    self.sweep_and_publish()
            except Exception:  # a failed sweep must not end the sweeping
                log.exception("marking overdue appointments lost failed")
            try:
                with self.app.app_context():
                    free_counters_of_ended_sessions()
            except Exception:  # nor the other sweep
                log.exception("freeing the counters of ended sessions failed")
            try:
                with self.app.app_context():
                    self.daily_purge.run_if_due()
            except Exception:  # nor the daily purge (tried again a day later)
                log.exception("the daily retention purge failed")

    def stop(self) -> None:
        """Stop the background thread."""
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(2)


def sweeper_of(app) -> LostAppointmentSweeper:
    """The app's sweeper, made on first use."""
    return app.extensions.setdefault("jono_lost_sweeper", LostAppointmentSweeper(app))
