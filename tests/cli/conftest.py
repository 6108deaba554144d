"""Fixtures of the `jono` command's tests."""

from __future__ import annotations

import shutil

import pytest

from tests.conftest import PROJECT_ROOT


@pytest.fixture
def config_path(tmp_path, monkeypatch):
    """A copy of the demo config.toml, with JONO_DATABASE pointing into the temporary folder."""
    path = tmp_path / "config.toml"
    shutil.copy(PROJECT_ROOT / "config.toml", path)
    monkeypatch.setenv("JONO_DATABASE", str(tmp_path / "cli.db"))
    return path
