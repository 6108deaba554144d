"""The server's daily retention purge, run by the sweeper thread (`shared.web.lost_appointments`).

The sweeper wakes every minute; `DailyPurge.run_if_due` purges at most once a day of the app's
clock (`shared.appointments.retention.purge`, in small transactions), unless
`retention.run_in_server` is false and the operator runs `jono purge` from cron instead.

The last run is remembered in memory only: a restarted server purges at its first sweep, and
with several processes each purges once a day. Both are harmless, as a purge that finds nothing
to do changes nothing.
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta

from shared.appointments.retention import PurgeReport, purge
from shared.web.context import get_db, jono

log = logging.getLogger(__name__)
PURGE_INTERVAL = timedelta(days=1)


class DailyPurge:
    """Purges with the app's database and clock at most once per PURGE_INTERVAL (thread-safe)."""

    def __init__(self) -> None:
        self._last_run: datetime | None = None
        self._lock = threading.Lock()

    def run_if_due(self) -> PurgeReport | None:
        """Purge if the last purge was a day ago or more (or never); return its report, or None
        when it was not due or the server is not to purge. Call inside an app context."""
        state = jono()
        if not state.config.retention.run_in_server:
            return None
        now = state.clock.now()
        with self._lock:
            if self._last_run is not None and now - self._last_run < PURGE_INTERVAL:
                return None
            self._last_run = now
        report = purge(get_db(), state.config, now)
        # Counts only: the log never names what was purged.
        log.info("retention purge: %s", report.as_dict())
        return report
