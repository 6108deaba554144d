"""Appointment settings: the demo values load, defaults are derived, a bad key is named."""

from __future__ import annotations

import copy
import tomllib
from datetime import date
from pathlib import Path

import pytest

from shared.config import ConfigError, parse_config

DEMO_CONFIG = Path(__file__).resolve().parents[2] / "config.toml"


@pytest.fixture
def raw_config():
    """The demo config.toml as a plain dict, ready to be broken."""
    return copy.deepcopy(tomllib.loads(DEMO_CONFIG.read_text(encoding="utf-8")))


def test_demo_appointment_settings(raw_config):
    config = parse_config(raw_config)
    rules = config.appointments
    assert rules.horizon_days == 92
    assert rules.hold_minutes == 10
    assert rules.minutes["citizenship"] == 30
    assert date(2026, 12, 24) in rules.closed_days
    helsinki = config.service_point("helsinki")
    assert helsinki.city_name.get("sv") == "Helsingfors"
    assert helsinki.appointments.hours[0] == (8 * 60, 16 * 60)
    assert helsinki.appointments.desks_at(9 * 60) == 3
    assert helsinki.appointments.desks_at(13 * 60) == 2
    assert helsinki.appointments.desks_at(16 * 60) == 0


def test_missing_settings_are_derived(raw_config):
    del raw_config["appointments"]
    del raw_config["service_points"][1]["city"]
    config = parse_config(raw_config)
    assert config.appointments.minutes == dict.fromkeys(
        ("residence_permit", "travel_document", "citizenship", "eu_registration"), 30
    )
    tampere = config.service_point("tampere")
    assert tampere.city_name == tampere.name
    # Tampere's counters 2 and 3 call the appointment queue: two desks, the opening hours.
    assert tampere.appointments.desks_at(8 * 60) == 2
    assert tampere.appointments.hours[4] == (8 * 60, 16 * 60 + 15)
    assert 5 not in tampere.appointments.hours


def _set(path: list, value):
    def change(raw):
        target = raw
        for part in path[:-1]:
            target = target[part]
        target[path[-1]] = value

    return change


HELSINKI_APPOINTMENTS = ["service_points", 0, "appointments"]


@pytest.mark.parametrize(
    ("change", "key"),
    [
        (_set(["appointments", "hold_minute"], 5), "appointments.hold_minute"),
        (_set(["appointments", "slot_minutes"], 0), "appointments.slot_minutes"),
        (_set(["appointments", "horizon_days"], "92"), "appointments.horizon_days"),
        (_set(["appointments", "horizon_days"], 400), "appointments.horizon_days"),
        (_set(["appointments", "lock_minutes"], -1), "appointments.lock_minutes"),
        (_set(["appointments", "minutes", "asylum"], 30), "appointments.minutes.asylum"),
        (_set(["appointments", "minutes", "citizenship"], 0), "appointments.minutes.citizenship"),
        (_set(["appointments", "closed_days"], ["24.12.2026"]), "appointments.closed_days[0]"),
        (_set(["service_points", 0, "city"], {"fi": "Helsinki"}), "service_points[0].city.sv"),
        (
            _set([*HELSINKI_APPOINTMENTS, "desk"], 3),
            "service_points[0].appointments.desk",
        ),
        (
            _set([*HELSINKI_APPOINTMENTS, "hours", "mon"], "16:00-08:00"),
            "service_points[0].appointments.hours.mon",
        ),
        (
            _set([*HELSINKI_APPOINTMENTS, "hours", "mon"], "8-16"),
            "service_points[0].appointments.hours.mon",
        ),
        (
            _set(
                [*HELSINKI_APPOINTMENTS, "desks"],
                [
                    {"from": "08:00", "to": "13:00", "desks": 3},
                    {"from": "12:00", "to": "16:00", "desks": 2},
                ],
            ),
            "service_points[0].appointments.desks",
        ),
        (
            _set([*HELSINKI_APPOINTMENTS, "desks"], [{"from": "08:00", "to": "12:00", "desk": 3}]),
            "service_points[0].appointments.desks[0].desk",
        ),
        (
            _set([*HELSINKI_APPOINTMENTS, "desks"], [{"from": "12:00", "to": "08:00", "desks": 3}]),
            "service_points[0].appointments.desks[0].to",
        ),
        (_set([*HELSINKI_APPOINTMENTS, "desks"], -2), "service_points[0].appointments.desks"),
        (
            _set([*HELSINKI_APPOINTMENTS, "closed_days"], ["tomorrow"]),
            "service_points[0].appointments.closed_days[0]",
        ),
    ],
)
def test_bad_appointment_key_stops_with_its_name(raw_config, change, key):
    change(raw_config)
    with pytest.raises(ConfigError) as raised:
        parse_config(raw_config, source="config.toml")
    assert f"config.toml: {key}: " in str(raised.value)
