"""`jono serve` on an address others can reach refuses while a demo password still works."""

from __future__ import annotations

import io
import os
import signal
import subprocess

import pytest

from shared.cli.commands import DEMO_USERS, is_loopback, main
from shared.cli.users import demo_accounts_in_use
from shared.config import load_config
from tests.e2e.conftest import JONO, LiveServer

REFUSAL_TIMEOUT_SECONDS = 30  # it refuses before gunicorn starts; a server that starts hangs


def serve_until_it_exits(server: LiveServer, host: str) -> subprocess.CompletedProcess:
    """Run the real `jono serve --host HOST`; kill it (and fail) if it is still running after
    REFUSAL_TIMEOUT_SECONDS, as a server that did not refuse would be."""
    process = subprocess.Popen(
        [str(JONO), "serve", "--config", str(server.config_path), "--host", host]
        + ["--port", str(server.port)],
        cwd=server.directory,
        env=server.environment,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        out, err = process.communicate(timeout=REFUSAL_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        pytest.fail(f"jono serve --host {host} started with the demo passwords in use")
    return subprocess.CompletedProcess(process.args, process.returncode, out, err)


@pytest.fixture
def demo_server(tmp_path):
    """A LiveServer's files with the demo accounts made (`make run`'s `init-db --demo`)."""
    server = LiveServer(tmp_path)
    server.prepare()
    server.run_command("users", "remove", "clerk1")  # the e2e clerk, so the demo's is made
    server.run_command("init-db", "--demo")
    return server


def test_serving_every_address_with_demo_passwords_is_refused(demo_server):
    result = serve_until_it_exits(demo_server, "0.0.0.0")
    assert result.returncode == 1
    assert "refusing to serve on 0.0.0.0" in result.stderr
    assert "clerk1, clerk2, manager, admin" in result.stderr
    assert "jono users passwd clerk1" in result.stderr
    assert "Jono is starting" not in result.stdout


def test_the_demo_still_serves_on_loopback(demo_server):
    """`make run` listens on 127.0.0.1: the demo accounts keep working there."""
    demo_server.start()
    try:
        assert demo_server.process.poll() is None
    finally:
        demo_server.stop()


def test_changed_demo_passwords_let_it_serve_everywhere(demo_server, monkeypatch):
    monkeypatch.setenv("JONO_DATABASE", demo_server.environment["JONO_DATABASE"])
    config = load_config(demo_server.config_path)
    assert demo_accounts_in_use(config, DEMO_USERS) == ["clerk1", "clerk2", "manager", "admin"]
    monkeypatch.setattr("sys.stdin", io.StringIO("a-password-of-our-own\n"))
    assert main(["--config", str(demo_server.config_path), "users", "passwd", "clerk1"]) == 0
    assert main(["--config", str(demo_server.config_path), "users", "disable", "clerk2"]) == 0
    assert main(["--config", str(demo_server.config_path), "users", "remove", "admin"]) == 0
    assert main(["--config", str(demo_server.config_path), "users", "remove", "manager"]) == 0
    assert demo_accounts_in_use(config, DEMO_USERS) == []


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.0.1.1", True),
        ("::1", True),
        ("[::1]", True),
        ("localhost", True),
        ("0.0.0.0", False),
        ("::", False),
        ("10.1.2.3", False),
        ("jono.example.fi", False),
    ],
)
def test_which_hosts_are_loopback(host, loopback):
    assert is_loopback(host) is loopback
