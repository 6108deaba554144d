"""The gunicorn worker of `jono serve`: gevent's, telling the e-mail/SMS sender to stop as soon
as a graceful stop begins.

Left to `atexit`, the sender would hear of the stop only when the worker exits, which is after
gunicorn's whole graceful timeout (open WebSockets hold it that long), the same moment the
arbiter kills the worker: a message in hand could be cut off mid-send. Told at once, it finishes
the message in hand (`STOP_SECONDS`) well inside the graceful timeout. Imported by gunicorn in
the worker only (by its dotted name), so the `jono` command does not load gunicorn's workers.
"""

from __future__ import annotations

from gunicorn.workers.ggevent import GeventWorker


class JonoWorker(GeventWorker):
    """gunicorn's gevent worker, which also stops the app's sender when a stop begins."""

    def handle_exit(self, sig, frame) -> None:
        """A graceful stop (SIGTERM): ask the sender to stop after its message, then stop."""
        extensions = getattr(getattr(self, "wsgi", None), "extensions", {})
        sender = extensions.get("notification_sender")
        if sender is not None:
            sender.stop_soon()  # only sets an Event: safe in a signal handler
        super().handle_exit(sig, frame)
