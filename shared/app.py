"""The app factory: defaults, then config, then extensions, then every blueprint."""

from __future__ import annotations

import atexit
import logging
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from apiflask import APIFlask
from flask import abort, current_app, send_file

from shared import db as database
from shared.clock import SystemClock
from shared.config import Config, load_config
from shared.schemas import ErrorSchema

if TYPE_CHECKING:
    from shared.print_service import PrintService

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SOCKET_IO_CLIENT = PROJECT_ROOT / "node_modules" / "socket.io-client" / "dist" / "socket.io.min.js"
SECRET_KEY_ENVIRONMENT_VARIABLE = "JONO_SECRET_KEY"
log = logging.getLogger(__name__)


@dataclass
class Jono:
    """What every request needs besides Flask: the config, the clock and the printing."""

    config: Config
    clock: SystemClock
    printing: PrintService | None = None
    connections: database.ThreadConnections | None = None


def create_app(
    config: Config | str | os.PathLike = "config.toml", clock=None, testing: bool = False
) -> APIFlask:
    """Build the Jono app.

    :param config: a Config, or the path of a config.toml
    :param clock: the clock to use (tests pass a FakeClock)
    :param testing: Flask's TESTING flag
    """
    if not isinstance(config, Config):
        config = load_config(config)
    app = APIFlask(
        __name__,
        title="Jono API",
        version="1",
        spec_path="/api/v1/openapi.json",
        docs_path=None,  # the docs UI loads from a CDN; service points may be offline
        template_folder=str(PROJECT_ROOT / "shared" / "templates"),
        static_folder=str(PROJECT_ROOT / "shared" / "static"),
        static_url_path="/static",
    )
    secret_key = os.environ.get(SECRET_KEY_ENVIRONMENT_VARIABLE)
    if not secret_key:
        log.warning(
            "%s is not set: using a random key, so clerks must log in again after a restart",
            SECRET_KEY_ENVIRONMENT_VARIABLE,
        )
        secret_key = secrets.token_hex(32)
    app.config.update(
        SECRET_KEY=secret_key,
        TESTING=testing,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        VALIDATION_ERROR_STATUS_CODE=400,
        VALIDATION_ERROR_SCHEMA=ErrorSchema,
        HTTP_ERROR_SCHEMA=ErrorSchema,
        JSON_SORT_KEYS=False,
    )
    app.security_schemes = {"clerkSession": {"type": "apiKey", "in": "cookie", "name": "session"}}
    app.extensions["jono"] = Jono(
        config=config,
        clock=clock or SystemClock(),
        connections=database.ThreadConnections(config.database),
    )

    with app.app_context():
        connection = database.connect(config.database)
        database.migrate(connection)
        connection.close()

    app.teardown_appcontext(_release_database)

    from shared import api, i18n, realtime, security
    from shared.admission import AdmissionLimit

    security.init_app(app)
    i18n.init_app(app)
    # Before Socket.IO wraps the app, so that its long-lived connections bypass the limit.
    app.wsgi_app = AdmissionLimit(app.wsgi_app)
    realtime.socketio.init_app(app, async_mode="threading", cors_allowed_origins=[])
    realtime.init_delivery(app)
    api.init_app(app)

    from shared.print_service import PrintService

    printing = app.extensions["jono"].printing = PrintService(app)
    printing.start_health_checks()
    atexit.register(printing.stop)
    atexit.register(app.extensions["jono"].connections.close_all)

    from shared.appointment_sweep import sweeper_of

    if not testing:  # tests sweep on their fake clock through the requests that do it
        sweeper_of(app).start()
        atexit.register(sweeper_of(app).stop)

    from shared.notification_sender import NotificationSender

    sender = app.extensions["notification_sender"] = NotificationSender(
        config, app.extensions["jono"].clock
    )
    if not testing and config.notifications.run_in_server:  # else `jono worker` sends
        sender.start()
        atexit.register(sender.stop)

    from booking import register as register_booking
    from counter import register as register_counter
    from display import register as register_display
    from kiosk import register as register_kiosk

    register_kiosk(app)
    register_counter(app)
    register_display(app)
    register_booking(app)

    @app.get("/vendor/socket.io.min.js")
    @app.doc(hide=True)
    def socket_io_client():
        """Serve the Socket.IO browser client from npm: kiosks are often offline, so no CDN."""
        if not SOCKET_IO_CLIENT.exists():
            abort(404)
        return send_file(SOCKET_IO_CLIENT, mimetype="text/javascript", max_age=3600)

    @app.get("/")
    @app.doc(hide=True)
    def index():
        """A plain page linking every screen, for operators setting up a service point."""
        from flask import render_template

        return render_template("index.html", service_points=config.service_points)

    return app


def jono() -> Jono:
    """The Jono state of the current app."""
    from flask import current_app

    return current_app.extensions["jono"]


def get_db():
    """This thread's database connection (kept open between requests)."""
    return jono().connections.get()


def _release_database(_error=None) -> None:
    """End of an app context: make sure no transaction is left open on the thread's connection."""
    state = current_app.extensions.get("jono")
    if state is not None and state.connections is not None:
        state.connections.release()
