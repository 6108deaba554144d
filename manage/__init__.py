"""The manager's pages and API: today live, history and reports, the staffing forecast, and the
people and devices of a service point."""

from manage.people import pages as people_pages
from manage.people_api import api as people_api
from manage.routes import pages as figures_pages
from manage.statistics_api import api as statistics_api


def register(app) -> None:
    """Register the manager's way in (login, people and devices), the Today, History and
    Forecast pages, and their APIs."""
    app.register_blueprint(people_pages)
    app.register_blueprint(people_api)
    app.register_blueprint(figures_pages)
    app.register_blueprint(statistics_api)
