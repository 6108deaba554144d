"""The server's daily purge: at most once a day of the app's clock, and not at all when told."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

from shared.accounts.sessions import start_session
from shared.app import create_app
from shared.web.daily_purge import DailyPurge
from shared.web.lost_appointments import sweeper_of


def sessions(db) -> list[str]:
    """The user names of the stored clerk sessions."""
    return [row[0] for row in db.execute("SELECT username FROM clerk_sessions ORDER BY 1")]


def test_the_sweeper_purges_at_most_once_a_day(app, db, config, clock):
    daily = sweeper_of(app).daily_purge
    start_session(db, "clerk1", config.accounts, clock.now() - timedelta(days=2))
    with app.app_context():
        assert daily.run_if_due().rows("clerk_sessions") == 1
        assert sessions(db) == []

        start_session(db, "clerk2", config.accounts, clock.now() - timedelta(days=2))
        clock.advance(hours=23, minutes=59)
        assert daily.run_if_due() is None  # not a day yet
        assert sessions(db) == ["clerk2"]

        clock.advance(minutes=1)
        assert daily.run_if_due().rows("clerk_sessions") == 1
        assert sessions(db) == []


def test_a_server_told_not_to_purge_leaves_it_to_jono_purge(config, clock, db):
    retention = dataclasses.replace(config.retention, run_in_server=False)
    app = create_app(dataclasses.replace(config, retention=retention), clock=clock, testing=True)
    try:
        start_session(db, "clerk1", config.accounts, clock.now() - timedelta(days=2))
        with app.app_context():
            assert DailyPurge().run_if_due() is None
        assert sessions(db) == ["clerk1"]
    finally:
        app.extensions["jono"].connections.close_all()
