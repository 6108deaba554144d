"""The app factory: defaults, then config, then extensions, then the background work, then every
blueprint. It is the one module that sees every part of Jono."""

from __future__ import annotations

import atexit
import logging
import os
import secrets

from apiflask import APIFlask
from flask import abort, redirect, render_template, send_file, url_for
from werkzeug.middleware.proxy_fix import ProxyFix

import booking
import counter
import display
import kiosk
import manage
from shared.clock import SystemClock
from shared.config import Config, load_config
from shared.notifications.sender import NotificationSender
from shared.storage.connections import ConnectionPool, connect
from shared.storage.migrations import migrate
from shared.web import api, http_headers, i18n, realtime
from shared.web.admission import AdmissionLimit
from shared.web.clerk_auth import SESSION_COOKIE
from shared.web.context import SOCKET_IO_CLIENT, WEB_ROOT, Jono, release_database
from shared.web.kiosk_auth import DEVICE_COOKIE
from shared.web.lost_appointments import sweeper_of
from shared.web.relay import EventRelay
from shared.web.schemas import ErrorSchema
from shared.web.ticket_printing import TicketPrinting

SECRET_KEY_ENVIRONMENT_VARIABLE = "JONO_SECRET_KEY"
log = logging.getLogger(__name__)
# Routes that pass by the admission places: their slow work has a limit of its own.
OWN_LIMIT_PREFIXES = ("/api/v1/speech/", "/api/v1/session")


def create_app(
    config: Config | str | os.PathLike = "config.toml",
    clock=None,
    testing: bool = False,
    async_mode: str = "threading",
) -> APIFlask:
    """Build the Jono app.

    :param config: a Config, or the path of a config.toml
    :param clock: the clock to use (tests pass a FakeClock)
    :param testing: Flask's TESTING flag
    :param async_mode: Socket.IO's: "gevent" under `jono serve`, "threading" in tests
    """
    if not isinstance(config, Config):
        config = load_config(config)
    app = APIFlask(
        __name__,
        title="Jono API",
        version="1",
        spec_path="/api/v1/openapi.json",
        docs_path=None,  # the docs UI loads from a CDN; service points may be offline
        template_folder=str(WEB_ROOT / "templates"),
        static_folder=str(WEB_ROOT / "static"),
        static_url_path="/static",
    )
    secret_key = os.environ.get(SECRET_KEY_ENVIRONMENT_VARIABLE)
    if not secret_key:
        log.warning(
            "%s is not set: using a random key, so the signed browser cookies (a booking"
            " form's token, a page's language) do not outlive this process",
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
    app.security_schemes = {
        "clerkSession": {"type": "apiKey", "in": "cookie", "name": SESSION_COOKIE},
        "kioskDevice": {"type": "apiKey", "in": "cookie", "name": DEVICE_COOKIE},
    }
    state = app.extensions["jono"] = Jono(
        config=config,
        clock=clock or SystemClock(),
        connections=ConnectionPool(config.database),
    )

    connection = connect(config.database)
    migrate(connection)
    connection.close()
    app.teardown_appcontext(release_database)

    http_headers.init_app(app)
    i18n.init_app(app)
    # Before Socket.IO wraps the app, so that its long-lived connections bypass the limit.
    # Speech synthesis and password checks keep to small limits of their own (shared.web.slow_work).
    app.wsgi_app = AdmissionLimit(app.wsgi_app, own_limit_prefixes=OWN_LIMIT_PREFIXES)
    realtime.socketio.init_app(
        app,
        async_mode=async_mode,
        cors_allowed_origins=realtime.allowed_origins(config),
        message_queue=config.deployment.message_queue,  # None: this process alone
        channel="jono-socketio",
    )
    proxies = config.deployment.trusted_proxies
    if proxies:  # outermost, so Socket.IO too sees the client as the reverse proxy saw it
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)
    realtime.init_delivery(app)
    realtime.init_socket_guard(app)
    relay = app.extensions["jono_relay"] = EventRelay(app, config.deployment.message_queue)
    api.init_app(app)

    _start_background_work(app, state, testing)
    relay.start()
    atexit.register(relay.stop)

    kiosk.register(app)
    counter.register(app)
    display.register(app)
    booking.register(app)
    manage.register(app)

    @app.get("/vendor/socket.io.min.js")
    @app.doc(hide=True)
    def socket_io_client():
        """Serve the Socket.IO browser client from npm: kiosks are often offline, so no CDN."""
        if not SOCKET_IO_CLIENT.exists():
            abort(404)
        return send_file(SOCKET_IO_CLIENT, mimetype="text/javascript", max_age=3600)

    @app.get("/favicon.ico")
    @app.doc(hide=True)
    def favicon():
        """Send browsers that ask for /favicon.ico by habit to the icon every page links to."""
        return redirect(url_for("static", filename="favicon.svg"), code=301)

    @app.get("/")
    @app.doc(hide=True)
    def index():
        """A plain page linking every screen, for operators setting up a service point."""
        return render_template("index.html", service_points=config.service_points)

    return app


def _start_background_work(app: APIFlask, state: Jono, testing: bool) -> None:
    """The print service, the late-means-lost sweep and the e-mail/SMS sender of this process."""
    printing = state.printing = TicketPrinting(app)
    printing.start_health_checks()
    atexit.register(printing.stop)
    atexit.register(state.connections.close_all)

    if not testing:  # tests sweep on their fake clock through the requests that do it
        sweeper_of(app).start()
        atexit.register(sweeper_of(app).stop)

    sender = app.extensions["notification_sender"] = NotificationSender(state.config, state.clock)
    if not testing and state.config.notifications.run_in_server:  # else `jono worker` sends
        sender.start()
        atexit.register(sender.stop)
