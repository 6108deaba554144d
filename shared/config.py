"""Read `config.toml` once into frozen dataclasses; a bad key stops start-up with its name."""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from datetime import time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from printers.printer_config import PrinterConfig, parse_printer_config
from shared import appointment_config
from shared.appointment_config import AppointmentRules, ServicePointAppointments
from shared.notification_config import NotificationSettings, parse_notifications

LANGUAGES = ("fi", "sv", "en")
QUEUE_KINDS = ("appointment", "urgent", "booking_help")
CALL_ORDERS = ("priority", "oldest_first")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DATABASE_ENVIRONMENT_VARIABLE = "JONO_DATABASE"
# Lobby display settings of a service point (see _parse_display).
DISPLAY_KEYS = {"display_message", "announcement_languages", "display_queues"}


class ConfigError(ValueError):
    """A setting in config.toml is missing, unknown or of the wrong type; the message names it."""


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
        "kiosk_idle_seconds",
        45,
        "seconds without a touch before the kiosk returns to its start screen",
    ),
    Setting("print_retry_base_seconds", 2.0, "seconds before retrying a failed print; doubles"),
    Setting("print_retry_max_seconds", 60.0, "longest wait between two tries of a print"),
    Setting("printer_probe_seconds", 30.0, "seconds between printer checks; 0 turns them off"),
)


@dataclass(frozen=True)
class Names:
    """A name in each of the three languages."""

    fi: str
    sv: str
    en: str

    def get(self, language: str) -> str:
        """Return the name in `language`, falling back to English."""
        return getattr(self, language, self.en)

    def as_dict(self) -> dict[str, str]:
        """Return the names as a plain dict keyed by language."""
        return {"fi": self.fi, "sv": self.sv, "en": self.en}


@dataclass(frozen=True)
class Category:
    """A service category customers come for (residence permit, citizenship, ...)."""

    id: str
    name: Names


@dataclass(frozen=True)
class Queue:
    """A queue of waiting numbers, with the prefix letter its numbers start with."""

    id: str
    prefix: str
    kind: str
    name: Names


@dataclass(frozen=True)
class Counter:
    """A counter (desk) and the queues it calls from, in the order it calls them."""

    number: int
    queues: tuple[str, ...]


@dataclass(frozen=True)
class OpeningHours:
    """Opening and closing time of one weekday, in the service point's local time."""

    opens: time
    closes: time


@dataclass(frozen=True)
class ServicePoint:
    """A service point: where customers walk in, with its counters and opening hours."""

    id: str
    name: Names
    address: str
    timezone: str
    opening_hours: dict[int, OpeningHours]
    counters: tuple[Counter, ...]
    printer: PrinterConfig = PrinterConfig(type="none")
    city: Names | None = None
    appointments: ServicePointAppointments | None = None
    display_message: Names | None = None
    announcement_languages: tuple[str, ...] = LANGUAGES
    display_queues: tuple[str, ...] = ()

    @property
    def zone(self) -> ZoneInfo:
        """The service point's time zone."""
        return ZoneInfo(self.timezone)

    def counter(self, number: int) -> Counter | None:
        """Return the counter with this number, or None."""
        return next((c for c in self.counters if c.number == number), None)

    @property
    def city_name(self) -> Names:
        """The city the service point is in (its own name when `city` is not set)."""
        return self.city or self.name


@dataclass(frozen=True)
class Rules:
    """The rules every service point follows (see RULE_SETTINGS for their meaning)."""

    urgency_window_months: int = 3
    max_party_size: int = 6
    last_ticket_minutes_before_closing: int = 30
    call_order: str = "priority"
    default_service_minutes: int = 12
    kiosk_idle_seconds: int = 45
    print_retry_base_seconds: float = 2.0
    print_retry_max_seconds: float = 60.0
    printer_probe_seconds: float = 30.0


@dataclass(frozen=True)
class Config:
    """The whole deployment: service points, queues, categories and rules."""

    database: str
    default_language: str
    public_base_url: str
    rules: Rules
    categories: tuple[Category, ...]
    queues: tuple[Queue, ...]
    service_points: tuple[ServicePoint, ...]
    source: str = field(default="", compare=False)
    appointments: AppointmentRules = field(default_factory=AppointmentRules)
    notifications: NotificationSettings = field(default_factory=NotificationSettings)

    def service_point(self, service_point_id: str) -> ServicePoint | None:
        """Return the service point with this id, or None."""
        return next((s for s in self.service_points if s.id == service_point_id), None)

    def queue(self, queue_id: str) -> Queue | None:
        """Return the queue with this id, or None."""
        return next((q for q in self.queues if q.id == queue_id), None)

    def queue_of_kind(self, kind: str) -> Queue | None:
        """Return the first queue of this kind (urgent, booking_help, appointment), or None."""
        return next((q for q in self.queues if q.kind == kind), None)

    def category(self, category_id: str) -> Category | None:
        """Return the category with this id, or None."""
        return next((c for c in self.categories if c.id == category_id), None)


def load_config(path: str | os.PathLike) -> Config:
    """Read and validate a config file; raise ConfigError naming the bad key.

    :param path: the TOML file to read
    """
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise ConfigError(
            f"{path}: file not found; copy config.toml from the repository"
        ) from error
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: not valid TOML: {error}") from error
    config = parse_config(raw, source=str(path))
    database = os.environ.get(DATABASE_ENVIRONMENT_VARIABLE) or config.database
    if not Path(database).is_absolute() and database != ":memory:":
        database = str(path.resolve().parent / database)
    return Config(**{**config.__dict__, "database": database})


def parse_config(raw: dict, source: str = "config") -> Config:
    """Validate an already-parsed TOML document and build the Config.

    :param raw: the TOML document as a dict
    :param source: a name for messages (the file path)
    """
    reader = _Reader(source)
    reader.only_keys(
        raw,
        "",
        {
            "deployment",
            "rules",
            "categories",
            "queues",
            "service_points",
            "appointments",
            "notifications",
        },
    )
    deployment = reader.table(raw, "deployment")
    reader.only_keys(deployment, "deployment", {"database", "default_language", "public_base_url"})
    default_language = reader.get(deployment, "deployment.default_language", str, "fi")
    if default_language not in LANGUAGES:
        reader.fail("deployment.default_language", f"must be one of {', '.join(LANGUAGES)}")
    rules = _parse_rules(reader, reader.table(raw, "rules"))
    categories = tuple(
        Category(
            id=reader.identifier(item, f"categories[{index}].id"),
            name=reader.names(item, f"categories[{index}].name"),
        )
        for index, item in enumerate(reader.array(raw, "categories"))
    )
    queues = tuple(
        _parse_queue(reader, item, index) for index, item in enumerate(reader.array(raw, "queues"))
    )
    reader.unique([q.id for q in queues], "queues[].id")
    reader.unique([q.prefix for q in queues], "queues[].prefix")
    queue_ids = {q.id for q in queues}
    category_ids = {c.id for c in categories}
    appointment_queues = {q.id for q in queues if q.kind == "appointment"}
    service_points = tuple(
        _parse_service_point(reader, item, index, queue_ids, category_ids, appointment_queues)
        for index, item in enumerate(reader.array(raw, "service_points"))
    )
    reader.unique([s.id for s in service_points], "service_points[].id")
    if not service_points:
        reader.fail("service_points", "at least one service point is needed")
    for kind in ("urgent", "booking_help"):
        if kind not in {q.kind for q in queues}:
            reader.fail("queues", f"a queue of kind '{kind}' is needed")
    return Config(
        database=reader.get(deployment, "deployment.database", str, "jono.db"),
        default_language=default_language,
        public_base_url=reader.get(
            deployment, "deployment.public_base_url", str, "http://127.0.0.1:8000"
        ).rstrip("/"),
        rules=rules,
        categories=categories,
        queues=queues,
        service_points=service_points,
        source=source,
        appointments=appointment_config.parse_rules(
            reader, reader.table(raw, "appointments"), category_ids
        ),
        notifications=parse_notifications(reader, reader.table(raw, "notifications")),
    )


def _parse_rules(reader: _Reader, table: dict) -> Rules:
    """Build Rules from the [rules] table, checking names, types and ranges."""
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
    if values["print_retry_base_seconds"] <= 0:
        reader.fail("rules.print_retry_base_seconds", "must be above 0")
    if values["print_retry_max_seconds"] < values["print_retry_base_seconds"]:
        reader.fail("rules.print_retry_max_seconds", "must be at least print_retry_base_seconds")
    return Rules(**values)


def _parse_queue(reader: _Reader, item: dict, index: int) -> Queue:
    """Build one Queue from a [[queues]] entry."""
    where = f"queues[{index}]"
    reader.only_keys(item, where, {"id", "prefix", "kind", "name"})
    prefix = reader.get(item, f"{where}.prefix", str)
    if not re.fullmatch(r"[A-Z]", prefix):
        reader.fail(f"{where}.prefix", "must be one capital letter A-Z")
    kind = reader.get(item, f"{where}.kind", str)
    if kind not in QUEUE_KINDS:
        reader.fail(f"{where}.kind", f"must be one of {', '.join(QUEUE_KINDS)}")
    return Queue(
        id=reader.identifier(item, f"{where}.id"),
        prefix=prefix,
        kind=kind,
        name=reader.names(item, f"{where}.name"),
    )


def _parse_service_point(
    reader: _Reader,
    item: dict,
    index: int,
    queue_ids: set[str],
    category_ids: set[str],
    appointment_queues: set[str],
) -> ServicePoint:
    """Build one ServicePoint from a [[service_points]] entry."""
    where = f"service_points[{index}]"
    reader.only_keys(
        item,
        where,
        {"id", "name", "address", "timezone", "opening_hours", "counters", "printer", "city"}
        | {"appointments"}
        | DISPLAY_KEYS,
    )
    timezone = reader.get(item, f"{where}.timezone", str, "Europe/Helsinki")
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        reader.fail(f"{where}.timezone", f"unknown time zone '{timezone}'")
    hours_table = reader.get(item, f"{where}.opening_hours", dict, {})
    reader.only_keys(hours_table, f"{where}.opening_hours", set(WEEKDAYS))
    opening_hours = {}
    for day, text in hours_table.items():
        key = f"{where}.opening_hours.{day}"
        match = re.fullmatch(
            r"(\d{2}):(\d{2})-(\d{2}):(\d{2})", text if isinstance(text, str) else ""
        )
        if not match:
            reader.fail(key, "must look like '08:00-16:15'")
        h1, m1, h2, m2 = (int(part) for part in match.groups())
        closes_at_midnight = (h2, m2) == (24, 0)  # "00:00-24:00": open all day
        if (
            h1 > 23
            or (h2 > 23 and not closes_at_midnight)
            or m1 > 59
            or m2 > 59
            or (h1, m1) >= (h2, m2)
        ):
            reader.fail(key, "must be a valid time range that opens before it closes")
        closes = time.max if closes_at_midnight else time(h2, m2)
        opening_hours[WEEKDAYS.index(day)] = OpeningHours(time(h1, m1), closes)
    counters = []
    for counter_index, counter in enumerate(reader.array(item, "counters", where)):
        counter_where = f"{where}.counters[{counter_index}]"
        reader.only_keys(counter, counter_where, {"number", "queues"})
        number = reader.get(counter, f"{counter_where}.number", int)
        if number < 1:
            reader.fail(f"{counter_where}.number", "must be 1 or more")
        queues = reader.get(counter, f"{counter_where}.queues", list)
        for queue_id in queues:
            if queue_id not in queue_ids:
                reader.fail(f"{counter_where}.queues", f"unknown queue '{queue_id}'")
        if not queues:
            reader.fail(f"{counter_where}.queues", "a counter needs at least one queue")
        counters.append(Counter(number=number, queues=tuple(queues)))
    reader.unique([c.number for c in counters], f"{where}.counters[].number")
    return ServicePoint(
        id=reader.identifier(item, f"{where}.id"),
        name=reader.names(item, f"{where}.name"),
        address=reader.get(item, f"{where}.address", str, ""),
        timezone=timezone,
        opening_hours=opening_hours,
        counters=tuple(counters),
        printer=_parse_printer(reader, item, where),
        city=reader.names(item, f"{where}.city") if "city" in item else None,
        appointments=appointment_config.parse_service_point(
            reader,
            item,
            where,
            opening_hours,
            sum(1 for c in counters if appointment_queues & set(c.queues)),
            category_ids,
        ),
        **_parse_display(reader, item, where, queue_ids),
    )


def _parse_display(reader: _Reader, item: dict, where: str, queue_ids: set[str]) -> dict:
    """Read a service point's lobby display settings: info message, spoken languages, queues."""
    message = None
    if "display_message" in item:
        message = reader.names(item, f"{where}.display_message")
    languages = reader.get(item, f"{where}.announcement_languages", list, list(LANGUAGES))
    for language in languages:
        if language not in LANGUAGES:
            reader.fail(
                f"{where}.announcement_languages",
                f"unknown language '{language}' (use {', '.join(LANGUAGES)})",
            )
    reader.unique(languages, f"{where}.announcement_languages")
    queues = reader.get(item, f"{where}.display_queues", list, [])
    for queue_id in queues:
        if queue_id not in queue_ids:
            reader.fail(f"{where}.display_queues", f"unknown queue '{queue_id}'")
    return {
        "display_message": message,
        "announcement_languages": tuple(languages),
        "display_queues": tuple(queues),
    }


def _parse_printer(reader: _Reader, item: dict, where: str) -> PrinterConfig:
    """Read a service point's kiosk printer; no `printer` table means screen only."""
    key = f"{where}.printer"
    settings = reader.get(item, key, dict, {"type": "none"})
    try:
        return parse_printer_config(settings)
    except ValueError as error:
        reader.fail(key, str(error))


class _Reader:
    """Small helpers that read typed values and fail with the key's full name."""

    def __init__(self, source: str):
        self.source = source

    def fail(self, key: str, message: str):
        """Stop with a message that names the key and says what is wrong."""
        raise ConfigError(f"{self.source}: {key}: {message}")

    def only_keys(self, table: dict, where: str, allowed: set[str]) -> None:
        """Refuse keys nobody reads: they are almost always typos."""
        for key in table:
            if key not in allowed:
                name = f"{where}.{key}" if where else key
                self.fail(name, f"unknown key (allowed: {', '.join(sorted(allowed))})")

    def get(self, table: dict, key: str, kind: type, default: Any = ...) -> Any:
        """Read `key` (a dotted name; the last part is looked up) with the given type."""
        name = key.rsplit(".", 1)[-1]
        if name not in table:
            if default is ...:
                self.fail(key, "is required")
            return default
        value = table[name]
        if kind is int and isinstance(value, bool) or not isinstance(value, kind):
            self.fail(key, f"must be of type {kind.__name__}, not {type(value).__name__}")
        return value

    def table(self, raw: dict, key: str) -> dict:
        """Read an optional table."""
        return self.get(raw, key, dict, {})

    def array(self, raw: dict, name: str, where: str = "") -> list[dict]:
        """Read an array of tables."""
        key = f"{where}.{name}" if where else name
        items = self.get(raw, key, list, [])
        for index, item in enumerate(items):
            if not isinstance(item, dict):
                self.fail(f"{key}[{index}]", "must be a table")
        return items

    def identifier(self, table: dict, key: str) -> str:
        """Read an id: lower-case letters, digits, '-' and '_'."""
        value = self.get(table, key, str)
        if not re.fullmatch(r"[a-z0-9][a-z0-9_-]{0,39}", value):
            self.fail(key, "must be lower-case letters, digits, '-' or '_' (at most 40)")
        return value

    def names(self, table: dict, key: str) -> Names:
        """Read a {fi, sv, en} name table."""
        value = self.get(table, key, dict)
        for language in LANGUAGES:
            if not isinstance(value.get(language), str) or not value[language].strip():
                self.fail(f"{key}.{language}", "is required (a name in fi, sv and en)")
        self.only_keys(value, key, set(LANGUAGES))
        return Names(**{language: value[language] for language in LANGUAGES})

    def unique(self, values: list, key: str) -> None:
        """Refuse duplicates."""
        seen = set()
        for value in values:
            if value in seen:
                self.fail(key, f"'{value}' appears twice")
            seen.add(value)
