"""The [deployment] table's settings for serving: sockets per address, the message queue and
the reverse proxies in front.

`database`, `default_language` and `public_base_url` are read with the rest of the table in
`shared.config`; this module reads what decides how the live sockets are served.
"""

from __future__ import annotations

from dataclasses import dataclass

from shared.config.reader import ConfigReader

MESSAGE_QUEUE_ENVIRONMENT_VARIABLE = "JONO_MESSAGE_QUEUE"
# Generous: the kiosks and displays of an office share one address behind its NAT, and so can
# the phones of a whole mobile network behind a carrier's.
DEFAULT_MAX_SOCKETS_PER_ADDRESS = 1000
MAX_TRUSTED_PROXIES = 5


@dataclass(frozen=True)
class Deployment:
    """How the live sockets of a deployment are served.

    :param max_sockets_per_address: open Socket.IO connections one client address may hold
    :param message_queue: e.g. redis://127.0.0.1:6379/0, for several `jono serve` processes
        sharing live events (None: one process)
    :param trusted_proxies: reverse proxies in front whose X-Forwarded-* headers are believed
        (0: none, the peer's address is the client's)
    """

    max_sockets_per_address: int = DEFAULT_MAX_SOCKETS_PER_ADDRESS
    message_queue: str | None = None
    trusted_proxies: int = 0


def parse_deployment(reader: ConfigReader, table: dict) -> Deployment:
    """Read the serving settings of the [deployment] table."""
    limit = reader.get(
        table,
        "deployment.max_sockets_per_address",
        int,
        DEFAULT_MAX_SOCKETS_PER_ADDRESS,
    )
    if limit < 1:
        reader.fail("deployment.max_sockets_per_address", "must be at least 1")
    queue = reader.get(table, "deployment.message_queue", str, "") or None
    if queue is not None and not queue.startswith(("redis://", "rediss://", "unix://")):
        reader.fail(
            "deployment.message_queue", "must be a Redis URL such as redis://127.0.0.1:6379/0"
        )
    proxies = reader.get(table, "deployment.trusted_proxies", int, 0)
    if not 0 <= proxies <= MAX_TRUSTED_PROXIES:
        reader.fail("deployment.trusted_proxies", f"must be 0 to {MAX_TRUSTED_PROXIES}")
    return Deployment(max_sockets_per_address=limit, message_queue=queue, trusted_proxies=proxies)
