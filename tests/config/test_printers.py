"""Config: each service point's kiosk printer and the print rules; a bad key stops start-up."""

from __future__ import annotations

import copy
import tomllib
from pathlib import Path

import pytest

from printers.printer_config import PrinterConfig
from shared.config import ConfigError, parse_config

DEMO_CONFIG = Path(__file__).resolve().parents[2] / "config.toml"


@pytest.fixture
def raw_config():
    """The demo config.toml as a plain dict, ready to be changed."""
    return copy.deepcopy(tomllib.loads(DEMO_CONFIG.read_text(encoding="utf-8")))


def test_demo_service_points_show_the_number_on_screen_only(raw_config):
    config = parse_config(raw_config)
    assert [point.printer.type for point in config.service_points] == ["none", "none"]


def test_a_service_point_without_a_printer_table_is_screen_only(raw_config):
    del raw_config["service_points"][1]["printer"]
    assert parse_config(raw_config).service_point("tampere").printer == PrinterConfig(type="none")


def test_a_network_printer_is_read_with_its_defaults(raw_config):
    raw_config["service_points"][0]["printer"] = {"type": "network", "host": "10.0.0.5"}
    printer = parse_config(raw_config).service_point("helsinki").printer
    assert (printer.type, printer.host, printer.port, printer.timeout) == (
        "network",
        "10.0.0.5",
        9100,
        3.0,
    )


@pytest.mark.parametrize(
    ("printer", "named"),
    [
        ({"type": "network"}, "'host'"),
        ({"type": "network", "host": "10.0.0.5", "colour": "red"}, "'colour'"),
        ({"type": "network", "host": "10.0.0.5", "port": "9100"}, "'port'"),
        ({"type": "laser"}, "'type'"),
        ({"type": "usb", "vendor_id": "epson", "product_id": 1}, "'vendor_id'"),
        ("network", "service_points[0].printer"),
    ],
)
def test_a_bad_printer_stops_start_up_naming_the_key(raw_config, printer, named):
    raw_config["service_points"][0]["printer"] = printer
    with pytest.raises(ConfigError) as error:
        parse_config(raw_config)
    assert "service_points[0].printer" in str(error.value)
    assert named in str(error.value)


def test_print_rules_have_defaults_and_accept_whole_seconds(raw_config):
    raw_config["rules"] = {"print_retry_base_seconds": 1, "print_retry_max_seconds": 5}
    rules = parse_config(raw_config).rules
    assert (rules.print_retry_base_seconds, rules.print_retry_max_seconds) == (1.0, 5.0)
    assert rules.printer_probe_seconds == 30.0


@pytest.mark.parametrize(
    ("rules", "key"),
    [
        ({"print_retry_base_seconds": 0}, "rules.print_retry_base_seconds"),
        ({"print_retry_base_seconds": "2"}, "rules.print_retry_base_seconds"),
        (
            {"print_retry_base_seconds": 10, "print_retry_max_seconds": 5},
            "rules.print_retry_max_seconds",
        ),
        ({"printer_probe_seconds": -1}, "rules.printer_probe_seconds"),
        ({"printer_probe_seconds": True}, "rules.printer_probe_seconds"),
    ],
)
def test_bad_print_rules_stop_start_up_naming_the_key(raw_config, rules, key):
    raw_config["rules"] = rules
    with pytest.raises(ConfigError, match=key.replace(".", r"\.")):
        parse_config(raw_config)
