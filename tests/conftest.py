"""Fixtures: the app on a temporary SQLite file with a fixed clock, and its clients."""

from __future__ import annotations

import dataclasses
import functools
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from shared.accounts.kiosks import add_kiosk
from shared.accounts.users import add_user
from shared.app import create_app
from shared.clock import FakeClock
from shared.config import load_config
from shared.storage.connections import connect
from shared.storage.migrations import migrate

PROJECT_ROOT = Path(__file__).resolve().parent.parent
HELSINKI = ZoneInfo("Europe/Helsinki")
# A Monday morning: the demo service points are open 08:00-16:15 on weekdays.
MONDAY_MORNING = datetime(2026, 11, 30, 10, 0, tzinfo=HELSINKI)
CLERK_PASSWORD = "counter-password"
TEST_KIOSK_BURST = 10_000


@pytest.fixture(autouse=True)
def quick_password_hashing(monkeypatch):
    """Hash clerk passwords with a cheap method: scrypt's deliberate slowness would dominate the
    suite's run time, and checking a password works the same whichever method made the hash.
    (Appointment PINs use their own, cheaper method:
    shared.appointments.reservation_keys.PIN_HASH_METHOD.)"""
    import shared.accounts.users

    monkeypatch.setattr(
        shared.accounts.users,
        "generate_password_hash",
        functools.partial(
            shared.accounts.users.generate_password_hash, method="pbkdf2:sha256:1000"
        ),
    )


@pytest.fixture
def config(tmp_path):
    """The demo config.toml, with the database in a temporary folder.

    Its kiosk burst is raised: tests tap one kiosk far faster than people do, on a clock that
    stands still. The pace itself is tested with the demo's own setting
    (tests/kiosk/test_kiosk_pace.py)."""
    loaded = load_config(PROJECT_ROOT / "config.toml")
    return dataclasses.replace(
        loaded,
        database=str(tmp_path / "jono.db"),
        rules=dataclasses.replace(loaded.rules, kiosk_ticket_burst=TEST_KIOSK_BURST),
    )


@pytest.fixture
def clock():
    """A clock standing on a Monday morning in Helsinki."""
    return FakeClock(MONDAY_MORNING)


@pytest.fixture
def db(config):
    """A migrated database connection on the temporary file."""
    connection = connect(config.database)
    migrate(connection)
    yield connection
    connection.close()


@pytest.fixture
def app(config, clock, db):
    """The Flask app on the temporary database and the fake clock; its connections close after."""
    application = create_app(config, clock=clock, testing=True)
    yield application
    application.extensions["jono"].connections.close_all()


def pair_as_kiosk(test_client, db, config, now, service_point: str = "helsinki", name="Lobby 1"):
    """Pair a test client as a kiosk of a service point, the way a kiosk screen is paired: a
    pairing code from `add_kiosk` (what `jono kiosks add` prints), posted to its address."""
    pairing = add_kiosk(db, config, service_point, name, now)
    response = test_client.post(f"/kiosk/pair/{pairing.code}")
    assert response.status_code == 302, response.data
    return test_client


@pytest.fixture
def pair_kiosk(app, db, config, clock):
    """Pair a new (or the given) test client of the app as a kiosk of a service point."""

    def pair(service_point: str = "helsinki", test_client=None, name: str = "Lobby 1"):
        return pair_as_kiosk(
            test_client or app.test_client(), db, config, clock.now(), service_point, name
        )

    return pair


@pytest.fixture
def client(pair_kiosk):
    """A test client paired as a kiosk of Helsinki, with no clerk session (a kiosk; the lobby
    display and phone pages need no pairing, so tests of those use it too)."""
    return pair_kiosk("helsinki")


@pytest.fixture
def anonymous_client(app):
    """A test client with no pairing and no session: a stranger on the network."""
    return app.test_client()


def log_in(test_client, username: str, password: str = CLERK_PASSWORD):
    """Log a test client in as the counter page does: the login's CSRF token first
    (getLoginToken), then the session's token on every later request (X-CSRF-Token).
    Returns the login's answer, whatever it is."""
    token = test_client.get("/api/v1/session").json["csrf_token"]
    response = test_client.post(
        "/api/v1/session",
        json={"username": username, "password": password},
        headers={"X-CSRF-Token": token},
    )
    if response.status_code == 200:
        test_client.environ_base["HTTP_X_CSRF_TOKEN"] = response.json["csrf_token"]
    return response


@pytest.fixture
def make_clerk(app, db, clock):
    """Create a clerk account and return a logged-in test client seated at a counter.

    The account may work at `service_points` (default: every point)."""

    def make(
        username: str = "clerk1",
        service_point: str = "helsinki",
        counter: int = 1,
        service_points: tuple[str, ...] | None = None,
        role: str = "clerk",
    ):
        add_user(db, username, CLERK_PASSWORD, role, clock.now(), service_points)
        clerk_client = app.test_client()
        response = log_in(clerk_client, username)
        assert response.status_code == 200, response.json
        response = clerk_client.put(
            "/api/v1/counter", json={"service_point": service_point, "counter": counter}
        )
        assert response.status_code == 200, response.json
        return clerk_client

    return make


def count_rows(db) -> dict[str, int]:
    """How many tickets and events the database holds: a refused request must not change them."""
    return {
        table: db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
        for table in ("tickets", "events")
    }


@pytest.fixture
def issue(db, config, clock):
    """Issue a waiting number through the domain, with kiosk-like defaults; returns the Outcome."""
    from shared.queue.tickets import issue_ticket

    def make(queue: str = "urgent", service_point: str = "helsinki", settings=None, **overrides):
        """Issue one number; `settings` replaces the config (for changed rules)."""
        values = {
            "service_point_id": service_point,
            "queue_id": queue,
            "party_size": 1,
            "language": "en",
            "category": "residence_permit",
            "triage_answers": {},
            "idempotency_key": None,
            "now": clock.now(),
            "kiosk": "kiosk:1",
        }
        values.update(overrides)
        return issue_ticket(db, settings or config, **values)

    return make


@pytest.fixture
def socket_client(app, client):
    """Connect a Socket.IO test client to a service point's room (the display's view)."""
    from shared.web.realtime import socketio

    clients = []

    def connect(service_point: str = "helsinki"):
        socket = socketio.test_client(
            app, auth={"service_point": service_point}, flask_test_client=client
        )
        clients.append(socket)
        return socket

    yield connect
    for socket in clients:
        if socket.is_connected():
            socket.disconnect()
