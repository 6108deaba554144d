"""`jono kiosks add|list|revoke`, and the demo's pairing addresses: a printed address pairs a
real browser once, a revoked kiosk is refused."""

from __future__ import annotations

import re

from shared.app import create_app
from shared.cli.commands import main
from shared.config import load_config

ADDRESS = re.compile(r"http://127\.0\.0\.1:8000(/kiosk/pair/[\w-]+)")


def pair_with(app, output: str):
    """Open the first pairing address in `output` on a new browser and press Pair."""
    browser = app.test_client()
    path = ADDRESS.search(output).group(1)
    assert browser.post(path).status_code == 302
    return browser


def test_add_list_and_revoke_a_kiosk(config_path, capsys):
    arguments = ["--config", str(config_path), "kiosks"]
    assert main([*arguments, "add", "helsinki", "--name", "Lobby 1"]) == 0
    added = capsys.readouterr().out
    assert 'Kiosk 1 "Lobby 1" of helsinki.' in added
    assert ADDRESS.search(added)
    assert main([*arguments, "list"]) == 0
    assert capsys.readouterr().out == "1\thelsinki\twaiting\tLobby 1\n"

    app = create_app(load_config(config_path), testing=True)
    try:
        kiosk = pair_with(app, added)
        assert kiosk.get("/kiosk/helsinki").status_code == 200
        assert main([*arguments, "list"]) == 0
        assert capsys.readouterr().out == "1\thelsinki\tpaired\tLobby 1\n"
        assert main([*arguments, "revoke", "1"]) == 0
        assert "is revoked" in capsys.readouterr().out
        assert kiosk.get("/kiosk/helsinki").status_code == 403
    finally:
        app.extensions["jono"].connections.close_all()


def test_bad_kiosk_commands_say_what_is_wrong(config_path, capsys):
    arguments = ["--config", str(config_path), "kiosks"]
    assert main([*arguments, "add", "oulu", "--name", "Lobby 1"]) == 1
    assert "unknown_service_point" in capsys.readouterr().err
    assert main([*arguments, "add", "helsinki", "--name", " "]) == 1
    assert "invalid_kiosk_name" in capsys.readouterr().err
    assert main([*arguments, "revoke", "99"]) == 1
    assert "unknown_kiosk" in capsys.readouterr().err


def test_the_demo_prints_a_pairing_address_per_point_and_pairs_nothing_itself(config_path, capsys):
    assert main(["--config", str(config_path), "init-db", "--demo"]) == 0
    first = capsys.readouterr().out
    assert len(ADDRESS.findall(first)) == 2  # Helsinki and Tampere
    assert main(["--config", str(config_path), "init-db", "--demo"]) == 0
    second = capsys.readouterr().out
    app = create_app(load_config(config_path), testing=True)
    try:
        assert app.test_client().get("/kiosk/helsinki").status_code == 403
        stale = app.test_client().post(ADDRESS.search(first).group(1))
        assert stale.status_code == 404  # the earlier start's unused address stopped working
        assert pair_with(app, second).get("/kiosk/helsinki").status_code == 200
    finally:
        app.extensions["jono"].connections.close_all()
