"""Slow work that is not the database's (a password hash, a speech synthesis), kept in bounds.

Such routes pass by the admission places (`shared.web.admission`) and take a place of a small
`SlowWorkLimit` of their own instead, so a flood of them is refused quickly (503, ``busy``) and
never stands in the way of the kiosks and counters. `off_the_loop` runs CPU or disk work (a
password hash, file checks) in a native thread when the server runs on gevent, so the event loop
keeps serving everyone else meanwhile (hashlib lets go of the interpreter lock while it works).
A child process (espeak-ng) is not for it: gevent cannot watch a child started from a native
thread, and its own subprocess already waits without blocking the loop.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from gevent import get_hub
from gevent.monkey import is_module_patched

from shared.errors import DomainError

Result = TypeVar("Result")


class SlowWorkLimit:
    """At most `limit` pieces of one kind of slow work at once; a caller waits `wait_seconds` for a
    place, then is refused with 503 ``busy``."""

    def __init__(self, limit: int, wait_seconds: float = 2.0) -> None:
        self.limit = limit
        self.wait_seconds = wait_seconds
        self._places = threading.BoundedSemaphore(limit)

    @contextmanager
    def place(self) -> Iterator[None]:
        """Hold one place for the work inside the block."""
        if not self._places.acquire(timeout=self.wait_seconds):
            raise DomainError("busy", status=503)
        try:
            yield
        finally:
            self._places.release()


def off_the_loop(work: Callable[..., Result], *args) -> Result:
    """Run `work(*args)` in gevent's native thread pool under the gevent server, else right here."""
    if is_module_patched("threading"):
        return get_hub().threadpool.apply(work, args)
    return work(*args)
