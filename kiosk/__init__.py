"""The touchscreen kiosk: triage, waiting numbers (and appointment check-in in a later issue)."""


def register(app) -> None:
    """Register the kiosk's pages and API routes."""
    from kiosk.api import api
    from kiosk.routes import pages

    app.register_blueprint(pages)
    app.register_blueprint(api)
