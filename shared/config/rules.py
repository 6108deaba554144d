"""The [rules] table of config.toml: the rules every service point follows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from shared.config.reader import ConfigReader

CALL_ORDERS = ("priority", "oldest_first")


@dataclass(frozen=True)
class Setting:
    """One rule setting: its name, default value and the help text shown in errors."""

    name: str
    default: Any
    help: str


RULE_SETTINGS = (
    Setting(
        "urgency_window_months",
        3,
        "months before a permit or passport expires that count as urgent",
    ),
    Setting("max_party_size", 6, "most persons on one waiting number or appointment"),
    Setting(
        "last_ticket_minutes_before_closing",
        30,
        "minutes before closing when the kiosk stops issuing",
    ),
    Setting(
        "call_order",
        "priority",
        "how 'call next' picks among a counter's queues: priority or oldest_first",
    ),
    Setting(
        "default_service_minutes",
        12,
        "minutes one customer takes, until the day has its own figures",
    ),
    Setting(
        "service_level_percent",
        80,
        "share of numbers to be called within their queue's target_wait_minutes",
    ),
    Setting(
        "kiosk_idle_seconds",
        45,
        "seconds without a touch before the kiosk returns to its start screen",
    ),
    Setting("print_retry_base_seconds", 2.0, "seconds before retrying a failed print; doubles"),
    Setting("print_retry_max_seconds", 60.0, "longest wait between two tries of a print"),
    Setting("printer_probe_seconds", 30.0, "seconds between printer checks; 0 turns them off"),
    Setting(
        "print_ticket_limit_seconds",
        300.0,
        "seconds a ticket's slip may wait for its printer before it is given up, never late",
    ),
    Setting(
        "print_pin_slip_limit_seconds",
        30.0,
        "seconds a slip with a PIN may wait for its printer before it is discarded, never late",
    ),
    Setting(
        "kiosk_ticket_burst",
        6,
        "waiting numbers one kiosk may give out at once (a family's), before the pace applies",
    ),
    Setting(
        "kiosk_tickets_per_minute",
        3.0,
        "waiting numbers one kiosk may give out per minute after its burst",
    ),
)


@dataclass(frozen=True)
class Rules:
    """The rules every service point follows (see RULE_SETTINGS for their meaning)."""

    urgency_window_months: int = 3
    max_party_size: int = 6
    last_ticket_minutes_before_closing: int = 30
    call_order: str = "priority"
    default_service_minutes: int = 12
    service_level_percent: int = 80
    kiosk_idle_seconds: int = 45
    print_retry_base_seconds: float = 2.0
    print_retry_max_seconds: float = 60.0
    printer_probe_seconds: float = 30.0
    print_ticket_limit_seconds: float = 300.0
    print_pin_slip_limit_seconds: float = 30.0
    kiosk_ticket_burst: int = 6
    kiosk_tickets_per_minute: float = 3.0


def parse_rules(reader: ConfigReader, table: dict) -> Rules:
    """Build Rules from the [rules] table, checking names, types and ranges.

    :param reader: the reader that names the key in every error
    :param table: the [rules] table ({} when it is left out)
    """
    reader.only_keys(table, "rules", {s.name for s in RULE_SETTINGS})
    values = {}
    for setting in RULE_SETTINGS:
        key = f"rules.{setting.name}"
        raw_value = table.get(setting.name)
        if isinstance(setting.default, float) and type(raw_value) is int:
            table = {**table, setting.name: float(raw_value)}  # TOML writes 2 for 2.0 seconds
        values[setting.name] = reader.get(table, key, type(setting.default), setting.default)
        if isinstance(setting.default, int | float) and values[setting.name] < 0:
            reader.fail(key, f"must not be negative ({setting.help})")
    if not 1 <= values["max_party_size"] <= 50:
        reader.fail("rules.max_party_size", "must be between 1 and 50")
    if values["call_order"] not in CALL_ORDERS:
        reader.fail("rules.call_order", f"must be one of {', '.join(CALL_ORDERS)}")
    if values["default_service_minutes"] < 1:
        reader.fail("rules.default_service_minutes", "must be at least 1")
    if not 1 <= values["service_level_percent"] <= 100:
        reader.fail("rules.service_level_percent", "must be between 1 and 100")
    if values["print_retry_base_seconds"] <= 0:
        reader.fail("rules.print_retry_base_seconds", "must be above 0")
    if values["print_retry_max_seconds"] < values["print_retry_base_seconds"]:
        reader.fail("rules.print_retry_max_seconds", "must be at least print_retry_base_seconds")
    for name in ("print_ticket_limit_seconds", "print_pin_slip_limit_seconds"):
        if values[name] <= 0:
            reader.fail(f"rules.{name}", "must be above 0")
    if values["kiosk_ticket_burst"] < 1:
        reader.fail("rules.kiosk_ticket_burst", "must be at least 1")
    if values["kiosk_tickets_per_minute"] <= 0:
        reader.fail("rules.kiosk_tickets_per_minute", "must be above 0")
    return Rules(**values)
