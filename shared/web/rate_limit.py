"""A small in-process rate limiter: at most N tries per client per window, on the app clock.

Jono runs one server process (Socket.IO state lives in it), so counting in memory is enough.
Behind a reverse proxy, set `deployment.trusted_proxies`: the app then applies werkzeug's
ProxyFix, so `request.remote_addr` is the client's address and not the proxy's.
`count_client_try` applies the app's one limiter to the current request's client, counted by
`client_address_key`: an IPv4 address alone, an IPv6 address by its /64 network.
"""

from __future__ import annotations

import ipaddress
import threading
from collections import defaultdict, deque
from datetime import datetime, timedelta

from flask import current_app, request

from shared.errors import DomainError
from shared.web.context import jono

PRUNE_ABOVE_CLIENTS = 10_000
HOUR = timedelta(hours=1)
# An IPv6 subscriber is given at least a whole /64 and may use any address in it: counted one
# address at a time, a single client would have 2^64 budgets. (Whoever holds a /48 still has
# 65 536 budgets; the lock of each reservation key holds whatever the address.)
IPV6_CLIENT_PREFIX = 64
# One limiter per app (booking and kiosk check-in share it); buckets keep their counts apart.
LIMITER_EXTENSION = "jono_rate_limiter"


class RateLimiter:
    """Sliding-window counters per (bucket, client), safe to share between threads."""

    def __init__(self) -> None:
        self._tries: dict[tuple[str, str], deque[datetime]] = defaultdict(deque)
        self._lock = threading.Lock()

    def allow(self, bucket: str, client: str, limit: int, window: timedelta, now: datetime) -> bool:
        """Count a try and say whether it is within `limit` tries per `window`.

        :param bucket: what is limited (``pin``, ``booking``)
        :param client: who tries (the client's address)
        :param limit: tries allowed per window; 0 means no limit
        """
        if limit <= 0:
            return True
        with self._lock:
            if len(self._tries) > PRUNE_ABOVE_CLIENTS:
                self._prune(now - window)
            tries = self._tries[(bucket, client)]
            while tries and tries[0] <= now - window:
                tries.popleft()
            if len(tries) >= limit:
                return False
            tries.append(now)
            return True

    def reset(self) -> None:
        """Forget every count (tests, and an operator's restart)."""
        with self._lock:
            self._tries.clear()

    def _prune(self, oldest: datetime) -> None:
        """Drop clients whose every try is older than the window."""
        for key in [key for key, tries in self._tries.items() if not tries or tries[-1] <= oldest]:
            del self._tries[key]


def client_address_key(address: str | None) -> str:
    """Who a rate limit counts for a client address: an IPv4 address as it is, an IPv6 address
    as its /64 network (``2001:db8:1:2::/64``), an IPv4-mapped IPv6 address as the IPv4 one.

    :param address: the client's address as the server saw it (``request.remote_addr``)
    """
    if not address:
        return "unknown"
    try:
        parsed = ipaddress.ip_address(address.split("%", 1)[0])  # without an IPv6 zone (%eth0)
    except ValueError:
        return address  # not an IP address (a Unix socket's peer): counted as it is
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped:  # a dual-stack socket's IPv4 client: one address, one budget
            return str(parsed.ipv4_mapped)
        return str(ipaddress.IPv6Network((parsed, IPV6_CLIENT_PREFIX), strict=False))
    return str(parsed)


def count_client_try(bucket: str, limit: int) -> None:
    """Count a try of this request's client (its address, see `client_address_key`) in
    `bucket`; refuse with 429 when it has had `limit` tries in the last hour already.

    :param bucket: what is limited (``pin``, ``booking``, ``check_in``)
    :param limit: tries allowed per hour; 0 means no limit
    """
    limiter = current_app.extensions.setdefault(LIMITER_EXTENSION, RateLimiter())
    client = client_address_key(request.remote_addr)
    if not limiter.allow(bucket, client, limit, HOUR, jono().clock.now()):
        raise DomainError("too_many_requests", status=429)
