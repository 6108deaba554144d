"""Config: the demo config.toml loads, and a bad key stops start-up with a message naming it."""

from __future__ import annotations

import copy
import tomllib
from datetime import time
from pathlib import Path

import pytest

from shared.config import DATABASE_ENVIRONMENT_VARIABLE, ConfigError, load_config, parse_config

DEMO_CONFIG = Path(__file__).resolve().parents[2] / "config.toml"


@pytest.fixture
def raw_config():
    """The demo config.toml as a plain dict, ready to be broken."""
    return copy.deepcopy(tomllib.loads(DEMO_CONFIG.read_text(encoding="utf-8")))


def test_demo_config_loads(monkeypatch):
    monkeypatch.delenv(DATABASE_ENVIRONMENT_VARIABLE, raising=False)
    config = load_config(DEMO_CONFIG)
    assert [point.id for point in config.service_points] == ["helsinki", "tampere"]
    assert [queue.prefix for queue in config.queues] == ["A", "B", "C"]
    assert config.queue_of_kind("urgent").id == "urgent"
    assert config.queue_of_kind("booking_help").id == "booking_help"
    assert config.rules.urgency_window_months == 3
    assert config.rules.max_party_size == 6
    assert config.rules.call_order == "priority"
    helsinki = config.service_point("helsinki")
    assert len(helsinki.counters) == 6
    assert helsinki.counter(6).queues == ("booking_help", "urgent")
    assert helsinki.opening_hours[0].opens == time(8, 0)
    assert helsinki.opening_hours[4].closes == time(16, 15)
    assert 5 not in helsinki.opening_hours  # closed on Saturday
    assert config.category("citizenship").name.get("sv") == "Medborgarskap"
    # The relative database path is read next to the config file, not the working directory.
    assert config.database == str(DEMO_CONFIG.parent / "jono.db")


def test_database_environment_variable_overrides_the_path(monkeypatch, tmp_path):
    database = tmp_path / "elsewhere.db"
    monkeypatch.setenv(DATABASE_ENVIRONMENT_VARIABLE, str(database))
    assert load_config(DEMO_CONFIG).database == str(database)


def _set(path: list, value):
    """Return a function that sets raw[path...] = value."""

    def change(raw):
        target = raw
        for part in path[:-1]:
            target = target[part]
        target[path[-1]] = value

    return change


@pytest.mark.parametrize(
    ("change", "key"),
    [
        pytest.param(
            _set(["rules", "max_party_sise"], 6), "rules.max_party_sise", id="unknown-rule"
        ),
        pytest.param(_set(["colour"], "blue"), "colour", id="unknown-top-level-key"),
        pytest.param(
            _set(["service_points", 0, "counter"], []),
            "service_points[0].counter",
            id="unknown-service-point-key",
        ),
        pytest.param(
            _set(["rules", "max_party_size"], "6"), "rules.max_party_size", id="wrong-type"
        ),
        pytest.param(
            _set(["rules", "urgency_window_months"], True),
            "rules.urgency_window_months",
            id="boolean-for-integer",
        ),
        pytest.param(
            _set(["rules", "call_order"], "random"), "rules.call_order", id="bad-call-order"
        ),
        pytest.param(
            _set(["queues", 0, "prefix"], "AA"), "queues[0].prefix", id="two-letter-prefix"
        ),
        pytest.param(
            _set(["queues", 1, "prefix"], "b"), "queues[1].prefix", id="lower-case-prefix"
        ),
        pytest.param(_set(["queues", 1, "prefix"], "A"), "queues[].prefix", id="duplicate-prefix"),
        pytest.param(
            _set(["service_points", 0, "counters", 2, "queues"], ["appointment", "urgnet"]),
            "service_points[0].counters[2].queues",
            id="unknown-queue-on-counter",
        ),
        pytest.param(
            _set(["service_points", 1, "timezone"], "Europe/Tampere"),
            "service_points[1].timezone",
            id="bad-time-zone",
        ),
        pytest.param(
            _set(["service_points", 0, "opening_hours", "mon"], "16:15-08:00"),
            "service_points[0].opening_hours.mon",
            id="closes-before-opening",
        ),
        pytest.param(
            _set(["service_points", 0, "opening_hours", "tue"], "8-16"),
            "service_points[0].opening_hours.tue",
            id="hours-badly-written",
        ),
        pytest.param(
            _set(["service_points", 0, "opening_hours", "fri"], "08:00-25:00"),
            "service_points[0].opening_hours.fri",
            id="hour-out-of-range",
        ),
        pytest.param(
            _set(["service_points", 0, "opening_hours", "monday"], "08:00-16:00"),
            "service_points[0].opening_hours.monday",
            id="unknown-weekday",
        ),
        pytest.param(
            _set(["deployment", "max_sockets_per_address"], 0),
            "deployment.max_sockets_per_address",
            id="no-sockets-at-all",
        ),
        pytest.param(
            _set(["deployment", "message_queue"], "localhost:6379"),
            "deployment.message_queue",
            id="message-queue-not-a-redis-url",
        ),
        pytest.param(
            _set(["deployment", "trusted_proxies"], -1),
            "deployment.trusted_proxies",
            id="negative-proxies",
        ),
        pytest.param(
            _set(["deployment", "default_language"], "de"),
            "deployment.default_language",
            id="unsupported-language",
        ),
    ],
)
def test_bad_key_stops_with_its_name(raw_config, change, key):
    change(raw_config)
    with pytest.raises(ConfigError) as raised:
        parse_config(raw_config, source="config.toml")
    assert f"config.toml: {key}: " in str(raised.value)


def test_bad_file_names_the_key_when_loaded(tmp_path):
    text = DEMO_CONFIG.read_text(encoding="utf-8").replace(
        'timezone = "Europe/Helsinki"', 'timezone = "Mars/Olympus_Mons"', 1
    )
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=r"service_points\[0\]\.timezone: unknown time zone"):
        load_config(path)


def test_missing_file_and_broken_toml_are_config_errors(tmp_path):
    with pytest.raises(ConfigError, match="file not found"):
        load_config(tmp_path / "missing.toml")
    broken = tmp_path / "broken.toml"
    broken.write_text("[rules\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(broken)


def test_the_message_queue_comes_from_the_environment_over_the_file(tmp_path, monkeypatch):
    """JONO_MESSAGE_QUEUE wins over deployment.message_queue; set but empty means one process."""
    path = tmp_path / "config.toml"
    path.write_text(
        DEMO_CONFIG.read_text(encoding="utf-8").replace(
            "[deployment]\n", '[deployment]\nmessage_queue = "redis://127.0.0.1:6379/0"\n', 1
        ),
        encoding="utf-8",
    )
    assert load_config(path).deployment.message_queue == "redis://127.0.0.1:6379/0"
    monkeypatch.setenv("JONO_MESSAGE_QUEUE", "redis://127.0.0.1:6380/1")
    assert load_config(path).deployment.message_queue == "redis://127.0.0.1:6380/1"
    monkeypatch.setenv("JONO_MESSAGE_QUEUE", "")
    assert load_config(path).deployment.message_queue is None
    monkeypatch.delenv("JONO_MESSAGE_QUEUE")
    assert load_config(DEMO_CONFIG).deployment.max_sockets_per_address == 1000
    assert load_config(DEMO_CONFIG).deployment.trusted_proxies == 0
