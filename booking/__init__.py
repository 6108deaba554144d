"""Online appointments: booking pages under /booking and the booking API (key + PIN)."""


def register(app) -> None:
    """Register the booking pages and API routes."""
    from booking.api import api
    from booking.routes import pages

    app.register_blueprint(pages)
    app.register_blueprint(api)
