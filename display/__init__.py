"""Lobby displays and the phone status page: who is called where, spoken and shown live."""

from display import phone
from display.routes import pages
from display.speech_api import api as speech_api


def register(app) -> None:
    """Register the display and phone pages, and the speech and ticket-status API routes."""
    app.register_blueprint(pages)
    app.register_blueprint(phone.pages)
    app.register_blueprint(phone.api)
    app.register_blueprint(speech_api)
