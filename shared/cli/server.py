"""The production server: gunicorn, one worker (Socket.IO state lives in it), many threads."""

from __future__ import annotations

from gunicorn.app.base import BaseApplication


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
        """Build the Flask app inside the worker."""
        # Lazy for start-up cost: only the serving process loads Flask and every blueprint, not
        # `jono users`, `jono worker` or `init-db`, which import this module through the CLI.
        from shared.app import create_app  # lazy: start-up cost of the other commands

        return create_app(self.config_path)


def serve(config_path: str, host: str, port: int, threads: int) -> None:
    """Run until stopped.

    :param threads: gthread worker threads; each open WebSocket keeps one busy
    """
    JonoServer(
        config_path,
        {
            "bind": f"{host}:{port}",
            "workers": 1,
            "worker_class": "gthread",
            "threads": threads,
            "timeout": 0,  # WebSockets stay open for hours; the arbiter must not kill the worker
            "graceful_timeout": 5,
            "accesslog": None,
            "loglevel": "warning",
        },
    ).run()
