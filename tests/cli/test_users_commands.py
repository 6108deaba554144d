"""`jono users`: service points, passwd, disable, enable, remove and points, as an operator
types them."""

from __future__ import annotations

import io

import pytest

from shared.accounts.sessions import find_session, start_session
from shared.accounts.users import authenticate, get_user
from shared.cli.commands import main
from shared.clock import SystemClock
from shared.config.accounts import AccountSettings
from shared.storage.connections import connect


@pytest.fixture
def jono(config_path, monkeypatch, capsys):
    """Run `jono --config … ARGS` with `stdin` as its standard input; return (status, out, err)."""

    def run(*arguments: str, stdin: str = ""):
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
        status = main(["--config", str(config_path), *arguments])
        captured = capsys.readouterr()
        return status, captured.out, captured.err

    return run


@pytest.fixture
def database(tmp_path):
    """A connection to the database the commands write, opened when the test asks."""
    connections = []

    def open_it():
        connections.append(connect(str(tmp_path / "cli.db")))
        return connections[-1]

    yield open_it
    for connection in connections:
        connection.close()


def test_a_clerk_needs_service_points(jono, database):
    status, _, err = jono("users", "add", "tiina", stdin="long-password\n")
    assert status == 1
    assert "a clerk needs --service-points" in err and "helsinki, tampere" in err
    status, out, _ = jono(
        "users", "add", "tiina", "--service-points", "tampere", stdin="long-password\n"
    )
    assert status == 0 and "tiina may work at: tampere." in out
    assert get_user(database(), "tiina").service_points == ("tampere",)


def test_an_admin_works_everywhere_unless_told(jono, database):
    assert jono("users", "add", "anna", "--role", "admin", stdin="long-password\n")[0] == 0
    status, _, _ = jono(
        "users", "add", "olli", "--role", "admin", "--service-points", "helsinki",
        stdin="long-password\n",
    )  # fmt: skip
    assert status == 0
    assert get_user(database(), "anna").service_points is None
    assert get_user(database(), "olli").service_points == ("helsinki",)


def test_unknown_service_points_are_refused_before_the_password_is_read(jono, database):
    status, _, err = jono(
        "users", "add", "tiina", "--service-points", "tampere,oulu", stdin="long-password\n"
    )
    assert status == 1
    assert err == (
        "jono: there is no service point oulu (the service points are: helsinki, tampere)"
        " (unknown_service_points)\n"
    )
    assert get_user(database(), "tiina") is None


def test_list_shows_role_points_and_state(jono):
    jono("users", "add", "tiina", "--service-points", "helsinki,tampere", stdin="long-password\n")
    jono("users", "add", "anna", "--role", "admin", stdin="long-password\n")
    assert jono("users", "disable", "tiina")[0] == 0
    status, out, _ = jono("users", "list")
    assert status == 0
    assert out.splitlines() == [
        "anna\tadmin\tall\tenabled",
        "tiina\tclerk\thelsinki,tampere\tdisabled",
    ]


def test_points_change_what_a_user_may_work_at(jono, database):
    jono("users", "add", "tiina", "--service-points", "helsinki", stdin="long-password\n")
    status, out, _ = jono("users", "points", "tiina", "tampere")
    assert (status, out) == (0, "tiina may work at: tampere.\n")
    assert jono("users", "points", "tiina", "all")[1] == "tiina may work at: all.\n"
    assert get_user(database(), "tiina").service_points is None
    status, _, err = jono("users", "points", "tiina", "turku")
    assert status == 1 and "there is no service point turku" in err


def test_passwd_reads_the_new_password_and_ends_the_sessions(jono, database):
    jono("users", "add", "tiina", "--service-points", "tampere", stdin="old-password\n")
    session_id = start_session(database(), "tiina", AccountSettings(), get_now())
    status, out, _ = jono("users", "passwd", "tiina", stdin="new-password\n")
    assert status == 0 and "their sessions have ended" in out
    db = database()
    assert authenticate(db, "tiina", "old-password") is None
    assert authenticate(db, "tiina", "new-password").username == "tiina"
    assert find_session(db, session_id, AccountSettings(), get_now()) is None


def test_passwd_refuses_a_short_password_and_an_unknown_user(jono, database):
    jono("users", "add", "tiina", "--service-points", "tampere", stdin="old-password\n")
    status, _, err = jono("users", "passwd", "tiina", stdin="short\n")
    assert status == 1 and "at least 8 characters" in err
    assert authenticate(database(), "tiina", "old-password") is not None
    status, _, err = jono("users", "passwd", "nobody", stdin="new-password\n")
    assert (status, err) == (1, "jono: there is no user called nobody (unknown_user)\n")


def test_disable_enable_and_remove(jono, database):
    jono("users", "add", "tiina", "--service-points", "tampere", stdin="long-password\n")
    session_id = start_session(database(), "tiina", AccountSettings(), get_now())
    assert jono("users", "disable", "tiina")[0] == 0
    assert get_user(database(), "tiina").is_disabled
    assert find_session(database(), session_id, AccountSettings(), get_now()) is None
    assert jono("users", "enable", "tiina")[0] == 0
    assert not get_user(database(), "tiina").is_disabled
    status, out, _ = jono("users", "remove", "tiina")
    assert (status, out) == (0, "Removed tiina; their sessions have ended.\n")
    assert get_user(database(), "tiina") is None
    assert jono("users", "remove", "tiina")[0] == 1


def get_now():
    """The real time: the commands use the system clock."""
    return SystemClock().now()


def test_a_manager_is_added_with_their_points(jono, database):
    status, _, err = jono("users", "add", "tuula", "--role", "manager", stdin="long-password\n")
    assert status == 1 and "a manager needs --service-points" in err
    status, out, _ = jono(
        "users", "add", "tuula", "--role", "manager", "--service-points", "tampere",
        stdin="long-password\n",
    )  # fmt: skip
    assert status == 0
    assert "Added manager tuula." in out and "tuula may work at: tampere." in out
    user = get_user(database(), "tuula")
    assert (user.role, user.service_points) == ("manager", ("tampere",))
    assert user.may_manage("tampere") and not user.may_manage("helsinki")
    status, out, _ = jono("users", "list")
    assert "tuula\tmanager\ttampere\tenabled" in out
