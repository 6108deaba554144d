"""How many HTTP requests run the app at once: the rest wait their turn, outside the interpreter.

The server is one Python process (Socket.IO keeps its state there) with hundreds of threads, one
per open WebSocket and per request. Requests are CPU work under one interpreter lock, so more of
them at once add no speed: they only take turns with the one holding SQLite's write lock, which
then takes longer to let go. In a booking rush of 100 attempts at once that made some wait for
seconds. Letting a few run and queueing the others keeps the lock holder moving and the waits
short and even. Socket.IO traffic never comes here: its middleware sits in front of this one.

Some routes do slow work that is not the database's (a password hash, a speech synthesis): they
pass by these places (`own_limit_prefixes`) and keep to small limits of their own, so a flood of
them cannot take the places the kiosks and counters need.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable

ACTIVE_REQUESTS = 8  # 2 to 16 measured alike for 20 kiosks; a booking rush wants few


class AdmissionLimit:
    """WSGI middleware: at most `limit` requests inside the wrapped app at a time.

    :param own_limit_prefixes: request paths starting with one of these pass without a place:
        their routes limit themselves (say so where they do)
    """

    def __init__(
        self,
        app: Callable,
        limit: int = ACTIVE_REQUESTS,
        own_limit_prefixes: tuple[str, ...] = (),
    ):
        self.app = app
        self.limit = limit
        self.own_limit_prefixes = own_limit_prefixes
        self._slots = threading.BoundedSemaphore(limit)

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        """Run the request when a slot is free; the answer is streamed after the slot is given
        back (a JSON answer is built by then; a file is only copied)."""
        if self.own_limit_prefixes and environ.get("PATH_INFO", "").startswith(
            self.own_limit_prefixes
        ):
            return self.app(environ, start_response)
        with self._slots:
            return self.app(environ, start_response)
