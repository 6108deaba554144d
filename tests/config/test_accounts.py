"""The [accounts] table: defaults that fit a working day, and bad values named at start-up."""

from __future__ import annotations

import copy
import tomllib
from datetime import timedelta
from pathlib import Path

import pytest

from shared.config import ConfigError, parse_config
from shared.config.accounts import AccountSettings

DEMO_CONFIG = Path(__file__).resolve().parents[2] / "config.toml"


@pytest.fixture
def raw_config():
    """The demo config.toml as a plain dict, ready to be changed."""
    return copy.deepcopy(tomllib.loads(DEMO_CONFIG.read_text(encoding="utf-8")))


def test_the_demo_file_states_the_defaults(raw_config):
    assert parse_config(raw_config).accounts == AccountSettings()
    del raw_config["accounts"]
    settings = parse_config(raw_config).accounts
    assert settings == AccountSettings()
    assert settings.idle_timeout == timedelta(minutes=90)
    assert settings.lifetime == timedelta(hours=12)
    assert settings.lock_duration == timedelta(minutes=15)


def test_a_setting_is_read(raw_config):
    raw_config["accounts"]["idle_minutes"] = 30
    assert parse_config(raw_config).accounts.idle_minutes == 30


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("idle_minutes", 0, "must be at least 1"),
        ("lock_minutes", "15", "must be of type int"),
        ("failed_logins_before_lock", True, "must be of type int"),
        ("idle_minutes", 13 * 60, "must not be longer than accounts.lifetime_hours"),
        ("idle_minutess", 30, "unknown key"),
    ],
)
def test_a_bad_setting_stops_start_up_with_its_name(raw_config, key, value, message):
    raw_config["accounts"][key] = value
    with pytest.raises(ConfigError) as raised:
        parse_config(raw_config, source="config.toml")
    assert f"config.toml: accounts.{key}: " in str(raised.value)
    assert message in str(raised.value)
