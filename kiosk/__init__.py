"""The touchscreen kiosk: triage, waiting numbers and appointment check-in."""

from kiosk.api import api
from kiosk.check_in_api import api as check_in_api
from kiosk.pairing import pages as pairing_pages
from kiosk.read_aloud import api as read_aloud_api
from kiosk.routes import pages
from kiosk.turn_near_api import api as turn_near_api


def register(app) -> None:
    """Register the kiosk's pages and API routes."""
    app.register_blueprint(pages)
    app.register_blueprint(pairing_pages)
    app.register_blueprint(api)
    app.register_blueprint(check_in_api)
    app.register_blueprint(read_aloud_api)
    app.register_blueprint(turn_near_api)
