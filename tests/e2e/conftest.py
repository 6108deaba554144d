"""End-to-end fixtures: a real `jono serve` (gunicorn) on a free loopback port and its clients.

The server runs on the real clock, so the copied config.toml opens both service points every day,
all day, and gives out numbers until closing: the tests must not depend on the hour they run at.
"""

from __future__ import annotations

import json
import os
import queue
import re
import signal
import socket
import subprocess
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import requests
import socketio

from shared.accounts.kiosks import add_kiosk
from shared.clock import SystemClock
from shared.config import load_config
from shared.storage.connections import connect
from tests.e2e.pages import chromium
from tests.live_state import PageState

PROJECT_ROOT = Path(__file__).resolve().parents[2]
JONO = PROJECT_ROOT / ".venv" / "bin" / "jono"
HELSINKI = ZoneInfo("Europe/Helsinki")
CLERK = "clerk1"
CLERK_PASSWORD = "e2e-clerk-password"
ALL_POINTS = "helsinki,tampere"  # the demo's service points, for `jono users add --service-points`
EVENT_TIMEOUT_SECONDS = 10
START_TIMEOUT_SECONDS = 20
STOP_TIMEOUT_SECONDS = 15
REDIS_START_SECONDS = 10
LIVE_KIOSK_BURST = 1_000_000
TEST_GRACEFUL_TIMEOUT_SECONDS = 1  # a test server with open sockets stops within a second
ALL_DAYS_OPEN = (
    "opening_hours = { "
    + ", ".join(
        f'{day} = "00:00-24:00"' for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    )
    + " }"
)


def always_open_config(text: str) -> str:
    """Rewrite the demo config so every service point is open and issuing numbers at any hour."""
    text, replaced = re.subn(r"(?m)^opening_hours = \{.*\}$", ALL_DAYS_OPEN, text)
    assert replaced == 2, "expected opening_hours for both demo service points in config.toml"
    text, replaced = re.subn(
        r"(?m)^last_ticket_minutes_before_closing = \d+",
        "last_ticket_minutes_before_closing = 0",
        text,
    )
    assert replaced == 1, "expected rules.last_ticket_minutes_before_closing in config.toml"
    # Urgent walk-ins get their number at once: whether a free appointment would be offered
    # first depends on the day and hour the tests run (tests/e2e/test_check_in_journey.py).
    text, replaced = re.subn(r"(?m)^urgent_offer_days = \d+", "urgent_offer_days = 0", text)
    assert replaced == 1, "expected appointments.urgent_offer_days in config.toml"
    # Holidays would close the appointment calendar on the days the tests happen to run.
    text, replaced = re.subn(r"(?m)^closed_days = \[.*\]", "closed_days = []", text)
    assert replaced >= 1, "expected appointments.closed_days in config.toml"
    # Drills and benchmarks tap their kiosks far faster than people do; the human pace itself
    # is tested in tests/kiosk/test_kiosk_pace.py.
    text, replaced = re.subn(
        r"(?m)^kiosk_ticket_burst = \d+", f"kiosk_ticket_burst = {LIVE_KIOSK_BURST}", text
    )
    assert replaced == 1, "expected rules.kiosk_ticket_burst in config.toml"
    return text


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def next_month_expiry() -> tuple[int, int]:
    """(year, month) of next month in Helsinki: an expiry inside the urgency window."""
    today = datetime.now(HELSINKI).date()
    return (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)


def urgent_ticket_body(language: str = "sv", idempotency_key: str | None = None) -> dict:
    """The kiosk's request for an urgent residence-permit number (expires next month, no slot)."""
    year, month = next_month_expiry()
    return {
        "answers": {
            "matter": "residence_permit",
            "expiry_year": year,
            "expiry_month": month,
            "found_appointment": False,
            "party_size": 1,
        },
        "language": language,
        "idempotency_key": idempotency_key or str(uuid.uuid4()),
    }


def children_of(pid: int) -> list[int]:
    """The process ids whose parent is `pid` (gunicorn's worker under the `jono serve` master)."""
    children = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue  # gone meanwhile
            if int(fields[1]) == pid:
                children.append(int(entry.name))
    return children


class RedisServer:
    """Debian's redis-server of our own on a free loopback port, without persistence."""

    def __init__(self, directory: Path) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
            + ["--appendonly", "no", "--dir", str(directory)],
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + REDIS_START_SECONDS
        while (
            subprocess.run(
                ["redis-cli", "-p", str(self.port), "ping"], capture_output=True, text=True
            ).stdout.strip()
            != "PONG"
        ):
            if time.monotonic() > deadline:
                raise RuntimeError("redis-server did not start")
            time.sleep(0.05)

    def stop(self) -> None:
        """End the server."""
        self.process.terminate()
        self.process.wait(timeout=10)


class LiveServer:
    """One `jono serve` subprocess, which can stop and start again on the same port and data."""

    serve_options: tuple[str, ...] = ()  # more `jono serve` options
    running_at: dict[str, LiveServer] = {}  # every server started, by its URL

    def __init__(
        self,
        directory: Path,
        deployment: dict | None = None,
        name: str = "server",
        environment: dict | None = None,
    ):
        self.directory = directory
        self.name = name  # its log files' name: several servers may share a directory
        self.deployment = deployment or {}  # more [deployment] settings, e.g. a socket cap
        self.config_path = directory / "config.toml"
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.environment = {
            **os.environ,
            "JONO_DATABASE": str(directory / "jono.db"),
            "JONO_SECRET_KEY": "e2e-secret-key-not-for-production",
            "PYTHONUNBUFFERED": "1",
            **(environment or {}),
        }
        self.process: subprocess.Popen | None = None
        self.starts = 0
        self.kiosks = 0  # paired so far, for their names

    def prepare(self) -> None:
        """Write the always-open config, create the database and the clerk account."""
        source = (PROJECT_ROOT / "config.toml").read_text(encoding="utf-8")
        text = always_open_config(source)
        for key, value in self.deployment.items():
            line = f"{key} = {json.dumps(value)}"
            text, replaced = re.subn(rf"(?m)^{key} = .*$", line, text)
            if not replaced:
                text = text.replace("[deployment]\n", f"[deployment]\n{line}\n", 1)
        self.config_path.write_text(text, encoding="utf-8")
        self.run_command("init-db")
        self.run_command(
            "users", "add", CLERK, "--service-points", ALL_POINTS, stdin=CLERK_PASSWORD + "\n"
        )

    def run_command(self, *arguments: str, stdin: str | None = None) -> str:
        """Run one `jono` subcommand to completion and return its output; fail with its output
        if it fails."""
        result = subprocess.run(
            [str(JONO), *arguments, "--config", str(self.config_path)],
            cwd=self.directory,
            env=self.environment,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 0, (
            f"jono {' '.join(arguments)} failed:\n{result.stdout}{result.stderr}"
        )
        return result.stdout

    def pairing_address(self, service_point: str = "helsinki", name: str = "") -> str:
        """A one-time pairing address of a new kiosk, as `jono kiosks add` prints it (made
        here, in the server's database, to spare a process start per kiosk: the command itself
        is tested in tests/cli/test_kiosk_commands.py)."""
        self.kiosks += 1
        config = load_config(self.config_path)
        database = connect(self.environment["JONO_DATABASE"])
        try:
            pairing = add_kiosk(
                database, config, service_point, name or f"Kiosk {self.kiosks}", SystemClock().now()
            )
        finally:
            database.close()
        return f"{self.url}/kiosk/pair/{pairing.code}"

    @classmethod
    def serving(cls, url: str) -> LiveServer:
        """The running LiveServer at `url` (benchmarks pair their kiosks through it)."""
        return cls.running_at[url]

    def pair(self, session: requests.Session, service_point: str = "helsinki") -> requests.Session:
        """Pair a requests session as a kiosk of the service point; returns it."""
        response = session.post(
            self.pairing_address(service_point), allow_redirects=False, timeout=10
        )
        assert response.status_code == 302, response.text
        return session

    def log_paths(self) -> tuple[Path, Path]:
        """Where this start's stdout and stderr go (a file each, so no pipe can fill up)."""
        return (
            self.directory / f"{self.name}-{self.starts}.out",
            self.directory / f"{self.name}-{self.starts}.err",
        )

    def start(self) -> None:
        """Start `jono serve` and wait until the API answers; fail with its stderr otherwise."""
        self.starts += 1
        LiveServer.running_at[self.url] = self
        out_path, err_path = self.log_paths()
        with open(out_path, "wb") as out, open(err_path, "wb") as err:
            self.process = subprocess.Popen(
                [
                    str(JONO),
                    "serve",
                    "--config",
                    str(self.config_path),
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(self.port),
                    # Tests stop and start servers all day: a stop need not wait the
                    # production 30 s for open sockets (no test stops mid-send).
                    "--graceful-timeout",
                    str(TEST_GRACEFUL_TIMEOUT_SECONDS),
                    *self.serve_options,
                ],
                cwd=self.directory,
                env=self.environment,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=err,
            )
        try:
            if self.wait_until_answering():
                return
        except BaseException:
            self.stop()  # never leave a server running behind a failed start
            raise
        self.stop()
        pytest.fail(f"jono serve did not answer on {self.url}; its stderr:\n{self.stderr()}")

    def wait_until_answering(self) -> bool:
        """True once the service point list answers 200; False if the server exits or times out."""
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                response = requests.get(f"{self.url}/api/v1/service-points", timeout=2)
                if response.status_code == 200:
                    return True
            except (requests.ConnectionError, requests.Timeout):
                pass  # still starting
            time.sleep(0.1)
        return False

    def stop(self) -> None:
        """Ask the server to stop (SIGTERM), and kill it if it does not in time."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=STOP_TIMEOUT_SECONDS)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=STOP_TIMEOUT_SECONDS)
        self.process = None

    def restart(self) -> None:
        """Stop the server and start it again on the same port and database."""
        self.stop()
        self.start()

    def worker_pid(self) -> int:
        """The gunicorn worker under the master: the process that holds the sockets."""
        children = children_of(self.process.pid)
        if not children:
            raise RuntimeError("jono serve has no worker")
        return children[0]

    def kill(self) -> None:
        """SIGKILL the `jono serve` process and its worker at once, as a power cut would."""
        master = self.process.pid
        for pid in [*children_of(master), master]:
            os.kill(pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        self.process = None

    def open_files(self) -> int:
        """How many files (sockets, database files, logs) the worker has open now."""
        return len(list(Path(f"/proc/{self.worker_pid()}/fd").iterdir()))

    def stderr(self) -> str:
        """What the latest start wrote to stderr."""
        return self.log_paths()[1].read_text(encoding="utf-8", errors="replace")


@contextmanager
def running(server: LiveServer) -> Iterator[LiveServer]:
    """Prepare and start a LiveServer for the block, and stop it after."""
    server.prepare()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def jono_server(tmp_path):
    """A running `jono serve` on a free port with a fresh database and one clerk (clerk1)."""
    with running(LiveServer(tmp_path)) as server:
        yield server


@pytest.fixture
def live_server(jono_server):
    """The base URL of a running `jono serve`, e.g. http://127.0.0.1:40123."""
    return jono_server.url


@pytest.fixture
def http(jono_server):
    """A requests session paired as a kiosk of Helsinki (no login), closed afterwards."""
    with requests.Session() as session:
        yield jono_server.pair(session, "helsinki")


@pytest.fixture
def kiosk_session(jono_server):
    """kiosk_session("tampere"): a requests session paired as a kiosk of that service point,
    one per point, closed afterwards."""
    sessions: dict[str, requests.Session] = {}

    def make(service_point: str = "helsinki") -> requests.Session:
        if service_point not in sessions:
            sessions[service_point] = jono_server.pair(requests.Session(), service_point)
        return sessions[service_point]

    yield make
    for session in sessions.values():
        session.close()


@pytest.fixture
def pairing_address(jono_server):
    """pairing_address("tampere"): a one-time address that pairs a browser as a kiosk there."""
    return jono_server.pairing_address


class LiveClient:
    """A real python-socketio client of one service point, collecting what the server sends."""

    def __init__(
        self, base_url: str, service_point: str, transports: list[str], reconnection: bool
    ):
        self.base_url = base_url
        self.service_point = service_point
        self.transports = transports
        self.snapshots: queue.Queue[dict] = queue.Queue()
        self.events: queue.Queue[dict] = queue.Queue()
        # Our own HTTP session, closed in close(): engine.io drops its own without closing it,
        # which leaves a socket for the garbage collector (a ResourceWarning).
        self.http = requests.Session()
        self.sio = socketio.Client(
            reconnection=reconnection,
            reconnection_delay=0.5,
            reconnection_delay_max=2,
            http_session=self.http,
        )
        self.page = PageState()  # the state a page would hold, deltas applied
        self.sio.on("snapshot", self._on_snapshot)
        self.sio.on("queue_event", self._on_event)

    def _on_snapshot(self, snapshot: dict) -> None:
        self.page.receive("snapshot", snapshot)
        self.snapshots.put(snapshot)

    def _on_event(self, event: dict) -> None:
        self.page.receive("queue_event", event)
        self.events.put(event)

    def state_after(self, event: dict) -> dict:
        """The state a page held right after handling `event` (its delta applied)."""
        return self.page.after[event["sequence"]]

    def connect(self) -> dict:
        """Connect, and return the snapshot the server sends first."""
        self.sio.connect(
            self.base_url,
            auth={"service_point": self.service_point},
            transports=self.transports,
            wait_timeout=EVENT_TIMEOUT_SECONDS,
        )
        return self.next_snapshot()

    def next_snapshot(self, timeout: float = EVENT_TIMEOUT_SECONDS) -> dict:
        """The next `snapshot` received (fails the test if none comes in time)."""
        try:
            return self.snapshots.get(timeout=timeout)
        except queue.Empty:
            pytest.fail(f"{self.service_point} client ({self.transports}) got no snapshot")

    def next_event(self, timeout: float = EVENT_TIMEOUT_SECONDS) -> dict:
        """The next `queue_event` received (fails the test if none comes in time)."""
        try:
            return self.events.get(timeout=timeout)
        except queue.Empty:
            pytest.fail(f"{self.service_point} client ({self.transports}) got no queue_event")

    def event_of_type(
        self, event_type: str, timeout: float = EVENT_TIMEOUT_SECONDS
    ) -> tuple[dict, list]:
        """Read events up to the first of `event_type`; return it and every event read."""
        received = []
        while True:
            event = self.next_event(timeout)
            received.append(event)
            if event["type"] == event_type:
                return event, received

    def pending_events(self) -> list[dict]:
        """The events received and not read yet."""
        events = []
        while not self.events.empty():
            events.append(self.events.get_nowait())
        return events

    def disconnect(self) -> None:
        """Disconnect, leaving the client ready to connect again."""
        self.sio.disconnect()

    def close(self) -> None:
        """Disconnect (or stop reconnecting) and close the HTTP session."""
        self.sio.shutdown()
        self.http.close()


@pytest.fixture
def live_client(live_server):
    """Make connected socket clients: live_client("helsinki", transports=["polling"]).

    Every client is closed after the test, even when it fails.
    """
    clients: list[LiveClient] = []

    def make(
        service_point: str = "helsinki",
        transports: list[str] | None = None,
        reconnection: bool = False,
    ) -> LiveClient:
        client = LiveClient(live_server, service_point, transports or ["websocket"], reconnection)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


def try_logging_in(
    session: requests.Session, base_url: str, username: str = CLERK, password: str = CLERK_PASSWORD
) -> requests.Response:
    """Log `session` in as the counter page does (the login's CSRF token first); on success its
    later requests carry the session's token (X-CSRF-Token). Returns the login's answer."""
    token = session.get(f"{base_url}/api/v1/session", timeout=10).json()["csrf_token"]
    response = session.post(
        f"{base_url}/api/v1/session",
        json={"username": username, "password": password},
        headers={"X-CSRF-Token": token},
        timeout=10,
    )
    if response.status_code == 200:
        session.headers["X-CSRF-Token"] = response.json()["csrf_token"]
    return response


def log_in_clerk(
    session: requests.Session, base_url: str, username: str = CLERK, password: str = CLERK_PASSWORD
) -> None:
    """Log `session` in as clerk1 (or `username`) through the counter API."""
    response = try_logging_in(session, base_url, username, password)
    assert response.status_code == 200, response.text


@pytest.fixture
def clerk(live_server):
    """A requests session logged in as clerk1 (no counter yet), closed afterwards."""
    with requests.Session() as session:
        log_in_clerk(session, live_server)
        yield session


@pytest.fixture
def issue_ticket(live_server, kiosk_session):
    """Issue an urgent number as the kiosk does: issue_ticket("helsinki") -> the API's answer."""

    def issue(service_point: str = "helsinki", language: str = "sv") -> dict:
        response = kiosk_session(service_point).post(
            f"{live_server}/api/v1/service-points/{service_point}/tickets",
            json=urgent_ticket_body(language),
            timeout=10,
        )
        assert response.status_code == 201, response.text
        return response.json()

    return issue


@pytest.fixture
def clerk_credentials() -> tuple[str, str]:
    """The user name and password of the clerk account the live server has."""
    return CLERK, CLERK_PASSWORD


@pytest.fixture
def urgent_expiry() -> tuple[int, int]:
    """(year, month) of an expiry that makes a residence permit urgent today: next month."""
    return next_month_expiry()


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium per test module; each test opens its own contexts in it (a module
    that needs other Chromium flags defines its own)."""
    with chromium() as launched:
        yield launched
