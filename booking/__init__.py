"""Online appointments: booking pages under /booking and the booking API (key + PIN)."""

from booking.api import api
from booking.routes import pages


def register(app) -> None:
    """Register the booking pages and API routes."""
    app.register_blueprint(pages)
    app.register_blueprint(api)
