"""The [[service_points]] entries of config.toml: counters, printer, lobby display and the rest."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field
from datetime import date
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from printers.printer_config import PrinterConfig, parse_printer_config
from shared.config import appointments as appointment_config
from shared.config.appointments import ServicePointAppointments
from shared.config.opening_hours import (
    OpeningHours,
    parse_opening_exceptions,
    parse_opening_hours,
)
from shared.config.reader import LANGUAGES, ConfigReader, Names

# Lobby display settings of a service point (see _parse_display).
DISPLAY_KEYS = {"display_message", "announcement_languages", "display_queues"}


@dataclass(frozen=True)
class Counter:
    """A counter (desk) and the queues it calls from, in the order it calls them."""

    number: int
    queues: tuple[str, ...]


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
    # Days this point is closed, for walk-ins and appointments alike (beside the deployment's
    # `appointments.closed_days`), and dates with other hours than their weekday's (None: closed).
    closed_days: frozenset[date] = frozenset()
    opening_exceptions: dict[date, OpeningHours | None] = field(default_factory=dict)
    # When a new service day starts (its numbers restart), in minutes after local midnight: a
    # point open around the clock may restart its numbering at a quiet hour instead.
    day_starts_minute: int = 0
    # Kiosks admitted by their address instead of a pairing (an office's own kiosk network).
    kiosk_networks: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = ()

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


def parse_service_point(
    reader: ConfigReader,
    item: dict,
    index: int,
    queue_ids: set[str],
    category_ids: set[str],
    appointment_queues: set[str],
) -> ServicePoint:
    """Build one ServicePoint from a [[service_points]] entry.

    :param reader: the reader that names the key in every error
    :param item: the entry
    :param index: its place in the array, for messages
    :param queue_ids: the configured queues; counters and the display may name only these
    :param category_ids: the configured categories
    :param appointment_queues: the queues of kind "appointment"
    """
    where = f"service_points[{index}]"
    reader.only_keys(
        item,
        where,
        {"id", "name", "address", "timezone", "opening_hours", "counters", "printer", "city"}
        | {"appointments", "kiosk_networks", "closed_days", "opening_exceptions", "day_starts_at"}
        | DISPLAY_KEYS,
    )
    timezone = reader.get(item, f"{where}.timezone", str, "Europe/Helsinki")
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        reader.fail(f"{where}.timezone", f"unknown time zone '{timezone}'")
    opening_hours = parse_opening_hours(reader, item, where)
    counters = _parse_counters(reader, item, where, queue_ids)
    return ServicePoint(
        id=reader.identifier(item, f"{where}.id"),
        name=reader.names(item, f"{where}.name"),
        address=reader.get(item, f"{where}.address", str, ""),
        timezone=timezone,
        opening_hours=opening_hours,
        counters=counters,
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
        closed_days=appointment_config.parse_closed_days(reader, item, f"{where}.closed_days"),
        opening_exceptions=parse_opening_exceptions(reader, item, where),
        day_starts_minute=_parse_day_start(reader, item, where),
        kiosk_networks=_parse_kiosk_networks(reader, item, where),
        **_parse_display(reader, item, where, queue_ids),
    )


def _parse_day_start(reader: ConfigReader, item: dict, where: str) -> int:
    """Read `day_starts_at = "04:00"` (default "00:00") as minutes after midnight."""
    key = f"{where}.day_starts_at"
    text = reader.get(item, key, str, "00:00")
    match = re.fullmatch(r"(\d{2}):(\d{2})", text)
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        reader.fail(key, "must be a time like '04:00'")
    return int(match[1]) * 60 + int(match[2])


def _parse_kiosk_networks(reader: ConfigReader, item: dict, where: str) -> tuple:
    """Read the networks whose addresses are admitted as kiosks, such as "10.1.2.0/24"."""
    networks = []
    for index, text in enumerate(reader.get(item, f"{where}.kiosk_networks", list, [])):
        try:
            networks.append(ipaddress.ip_network(text))
        except (TypeError, ValueError):
            reader.fail(
                f"{where}.kiosk_networks[{index}]",
                f"'{text}' is not a network such as \"10.1.2.0/24\" (host bits must be 0)",
            )
    return tuple(networks)


def _parse_counters(
    reader: ConfigReader, item: dict, where: str, queue_ids: set[str]
) -> tuple[Counter, ...]:
    """Read a service point's counters: unique numbers from 1, each calling known queues."""
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
    return tuple(counters)


def _parse_display(reader: ConfigReader, item: dict, where: str, queue_ids: set[str]) -> dict:
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


def _parse_printer(reader: ConfigReader, item: dict, where: str) -> PrinterConfig:
    """Read a service point's kiosk printer; no `printer` table means screen only."""
    key = f"{where}.printer"
    settings = reader.get(item, key, dict, {"type": "none"})
    try:
        return parse_printer_config(settings)
    except ValueError as error:
        reader.fail(key, str(error))
