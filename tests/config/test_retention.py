"""The [retention] table: the demo file states the defaults, and bad values are named."""

from __future__ import annotations

import copy
import tomllib
from datetime import timedelta
from pathlib import Path

import pytest

from shared.config import ConfigError, parse_config
from shared.config.retention import RetentionSettings

DEMO_CONFIG = Path(__file__).resolve().parents[2] / "config.toml"


@pytest.fixture
def raw_config():
    """The demo config.toml as a plain dict, ready to be changed."""
    return copy.deepcopy(tomllib.loads(DEMO_CONFIG.read_text(encoding="utf-8")))


def test_the_demo_file_states_the_defaults(raw_config):
    assert parse_config(raw_config).retention == RetentionSettings()
    del raw_config["retention"]
    settings = parse_config(raw_config).retention
    assert settings == RetentionSettings()
    assert settings.run_in_server
    assert settings.contact_details == timedelta(days=30)
    assert settings.messages == timedelta(days=90)
    assert settings.triage_answers == timedelta(days=90)


def test_a_setting_is_read(raw_config):
    raw_config["retention"]["contact_details_days"] = 60
    raw_config["retention"]["run_in_server"] = False
    settings = parse_config(raw_config).retention
    assert (settings.contact_details_days, settings.run_in_server) == (60, False)


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("contact_details_days", 0, "must be at least 1"),
        ("message_days", "90", "must be of type int"),
        ("pin_failures_days", True, "must be of type int"),
        ("run_in_server", "yes", "must be of type bool"),
        ("events_days", 30, "unknown key"),
    ],
)
def test_a_bad_setting_stops_start_up_with_its_name(raw_config, key, value, message):
    raw_config["retention"][key] = value
    with pytest.raises(ConfigError) as raised:
        parse_config(raw_config, source="config.toml")
    assert f"config.toml: retention.{key}: " in str(raised.value)
    assert message in str(raised.value)
