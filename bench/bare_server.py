"""The baseline for benchmark 2: a bare python-socketio server under gunicorn, nothing else.

POST /broadcast emits its JSON body as `queue_event` to every client; GET /ready answers 200.
Run as `python -m bench.bare_server PORT`; it listens on 127.0.0.1 only.
"""

from __future__ import annotations

from gevent import monkey

monkey.patch_all()  # before anything imports ssl or sockets, as gunicorn's gevent worker would

import json  # noqa: E402
import sys  # noqa: E402

import socketio  # noqa: E402
from gunicorn.app.base import BaseApplication  # noqa: E402

server = socketio.Server(async_mode="gevent")


def http_app(environ, start_response):
    """The two HTTP routes beside Socket.IO."""
    if environ["PATH_INFO"] == "/broadcast" and environ["REQUEST_METHOD"] == "POST":
        length = int(environ.get("CONTENT_LENGTH") or 0)
        payload = json.loads(environ["wsgi.input"].read(length))
        payload.setdefault("type", "TicketCalled")
        server.emit("queue_event", payload)
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"ok"]


class BareServer(BaseApplication):
    """Gunicorn with the settings `jono serve` uses."""

    def __init__(self, port: int):
        self.port = port
        super().__init__()

    def load_config(self):
        """One gevent worker, like `jono serve`."""
        for key, value in {
            "bind": f"127.0.0.1:{self.port}",
            "workers": 1,
            "worker_class": "gevent",
            "worker_connections": 10_000,
            "timeout": 0,
            "graceful_timeout": 5,
            "loglevel": "warning",
        }.items():
            self.cfg.set(key, value)

    def load(self):
        """The Socket.IO app wrapping the HTTP routes."""
        return socketio.WSGIApp(server, http_app)


if __name__ == "__main__":
    BareServer(int(sys.argv[1])).run()
