"""The one injectable clock: the system's in production, a settable one in tests."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta


class SystemClock:
    """Tells the real time, always timezone-aware in UTC."""

    def now(self) -> datetime:
        """Return the current moment in UTC."""
        return datetime.now(UTC)


class FakeClock:
    """A clock that stands still until a test moves it."""

    def __init__(self, start: datetime):
        self._now = start.astimezone(UTC)
        self._lock = threading.Lock()

    def now(self) -> datetime:
        """Return the clock's current moment."""
        with self._lock:
            return self._now

    def advance(self, **delta: float) -> datetime:
        """Move the clock forward by a timedelta given as keywords (minutes=5)."""
        with self._lock:
            self._now += timedelta(**delta)
            return self._now

    def set(self, moment: datetime) -> None:
        """Jump to a moment."""
        with self._lock:
            self._now = moment.astimezone(UTC)
