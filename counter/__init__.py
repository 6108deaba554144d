"""Counter screens for clerks: call, recall, no-show, serve, finish, transfer; book appointments."""

from counter.admin_api import api as admin_api
from counter.api import api
from counter.appointments_api import api as appointments_api
from counter.expired_api import api as expired_api
from counter.messages_api import api as messages_api
from counter.routes import pages


def register(app) -> None:
    """Register the counter's pages and API routes."""
    app.register_blueprint(pages)
    app.register_blueprint(api)
    app.register_blueprint(appointments_api)
    app.register_blueprint(messages_api)
    app.register_blueprint(expired_api)
    app.register_blueprint(admin_api)
