"""Lobby displays: who is called to which counter, and how long the queues are."""


def register(app) -> None:
    """Register the display pages."""
    from display.routes import pages

    app.register_blueprint(pages)
