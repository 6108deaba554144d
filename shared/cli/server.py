"""The production server: gunicorn with one gevent worker (Socket.IO's rooms live in it).

Each request, WebSocket and long-poll is a greenlet, so an idle socket costs memory, not a
thread: thousands of phones following their numbers do not stop the kiosks and the counters.
SQLite calls do not yield to other greenlets, which is why every one of them is kept short.
"""

from __future__ import annotations

import resource

from gunicorn.app.base import BaseApplication

from shared.notifications.sender import STOP_SECONDS as SENDER_STOP_SECONDS

# Sockets and requests one worker holds at once (gunicorn's worker_connections).
DEFAULT_CONNECTIONS = 10_000
# On a stop, open WebSockets never end by themselves: gunicorn waits this long, then closes them
# and the pages reconnect (to the restarted server, or another process). It is longer than the
# e-mail/SMS sender's stop (the message in hand and its outcome): the worker tells the sender to
# stop as the wait begins (shared.cli.gevent_worker), so it finishes its send before the arbiter
# kills the worker at the end of this wait.
GRACEFUL_TIMEOUT_SECONDS = int(SENDER_STOP_SECONDS) + 5


class JonoServer(BaseApplication):
    """Gunicorn run from Python, so `jono serve` needs no separate command line."""

    def __init__(self, config_path: str, options: dict):
        self.config_path = config_path
        self.options = options
        super().__init__()

    def load_config(self):
        """Hand our options to gunicorn."""
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        """Build the Flask app inside the worker, after gevent has patched the standard library."""
        # Lazy, for two reasons: gevent must patch threading and sockets before the app's modules
        # are imported, and `jono users`, `jono worker` or `init-db` need not load Flask.
        from shared.app import create_app  # lazy: see the comment above

        return create_app(self.config_path, async_mode="gevent")


def raise_open_file_limit(wanted: int) -> int:
    """Raise this process's soft limit of open files towards `wanted` (up to the hard limit).

    Every socket is a file: the usual soft limit of 1024 would refuse the 1 000th phone.
    Returns the limit in force.
    """
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if target > soft:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
        return target
    return soft


def serve(
    config_path: str,
    host: str,
    port: int,
    connections: int = DEFAULT_CONNECTIONS,
    graceful_timeout: int = GRACEFUL_TIMEOUT_SECONDS,
) -> None:
    """Run until stopped.

    :param connections: the most sockets and requests served at once
    :param graceful_timeout: seconds a stop waits for open sockets (tests that stop and start
        servers all day may shorten it; in production keep it above the sender's stop)
    """
    raise_open_file_limit(connections + 1024)  # the sockets, plus database and log files
    JonoServer(
        config_path,
        {
            "bind": f"{host}:{port}",
            "workers": 1,
            "worker_class": "shared.cli.gevent_worker.JonoWorker",  # gevent's, stopping the sender
            "worker_connections": connections,
            "timeout": 0,  # WebSockets stay open for hours; the arbiter must not kill the worker
            "graceful_timeout": graceful_timeout,
            "accesslog": None,
            "loglevel": "warning",
        },
    ).run()
