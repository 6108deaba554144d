"""Guards of the live sockets: allowed origins, sockets per address, snapshot requests per socket.

A browser page may open a Socket.IO connection only from the deployment's own origin
(`public_base_url`, or the host the page was served from); a client without an Origin header is
no browser page and is let through to the other limits. One client address holds at most
`deployment.max_sockets_per_address` sockets, and one socket asks for at most a few full
snapshots a second: building one reads the database, so a flood must not.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from urllib.parse import urlsplit

SNAPSHOT_BURST = 5  # requests a socket may make at once
SNAPSHOT_REQUESTS_PER_SECOND = 2.0  # and then, on average


def origin_of(url: str) -> str:
    """The origin (scheme://host[:port]) of a URL."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


class OriginCheck:
    """Engine.IO's `cors_allowed_origins` callable: the deployment's origin, or the page's host."""

    def __init__(self, public_base_url: str) -> None:
        self.public_origin = origin_of(public_base_url)

    def __call__(self, origin: str, environ: dict) -> bool:
        """Whether a browser page of `origin` may connect."""
        served_from = f"{environ.get('wsgi.url_scheme', 'http')}://{environ.get('HTTP_HOST', '')}"
        return origin in (self.public_origin, served_from)


class SocketGuard:
    """Counts the open sockets per client address and the snapshot requests per socket.

    :param max_per_address: open sockets one address may hold
    :param clock: seconds, monotonic (tests may pass their own)
    """

    def __init__(self, max_per_address: int, clock=time.monotonic) -> None:
        self.max_per_address = max_per_address
        self.clock = clock
        self._lock = threading.Lock()
        self._open: dict[str, int] = defaultdict(int)
        self._address_of: dict[str, str] = {}
        self._tokens: dict[str, tuple[float, float]] = {}  # sid -> (tokens, at)

    def admit(self, sid: str, address: str) -> bool:
        """Count a new socket of `address`; False (and nothing counted) when it has too many."""
        with self._lock:
            if self._open[address] >= self.max_per_address:
                return False
            self._open[address] += 1
            self._address_of[sid] = address
            return True

    def release(self, sid: str) -> None:
        """A socket closed: it no longer counts (a socket never admitted is ignored)."""
        with self._lock:
            address = self._address_of.pop(sid, None)
            self._tokens.pop(sid, None)
            if address is not None:
                self._open[address] -= 1
                if self._open[address] <= 0:
                    del self._open[address]

    def open_sockets(self, address: str) -> int:
        """How many sockets `address` holds now."""
        with self._lock:
            return self._open.get(address, 0)

    def allow_snapshot(self, sid: str) -> bool:
        """Take one snapshot request from the socket's bucket; False when it is empty."""
        now = self.clock()
        with self._lock:
            tokens, at = self._tokens.get(sid, (float(SNAPSHOT_BURST), now))
            tokens = min(SNAPSHOT_BURST, tokens + (now - at) * SNAPSHOT_REQUESTS_PER_SECOND)
            if tokens < 1:
                self._tokens[sid] = (tokens, now)
                return False
            self._tokens[sid] = (tokens - 1, now)
            return True
