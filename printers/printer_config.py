"""Read a printer's settings from a plain dict (a ``[[printers]]`` table of config.toml).

One dict per printer, for example::

    {"type": "network", "host": "10.0.0.5", "port": 9100, "timeout": 3}
    {"type": "usb", "vendor_id": "0x04b8", "product_id": "0x0e15"}
    {"type": "serial", "device": "/dev/ttyUSB0", "baudrate": 38400}
    {"type": "file", "path": "/dev/usb/lp0"}
    {"type": "cups", "name": "kiosk-printer"}
    {"type": "none"}                      # screen only: the number is shown, not printed

Every type also takes ``profile`` (a python-escpos printer model, default "TM-T20II") and
``timeout`` in seconds (default 3). A bad value raises ValueError naming the key.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from printers.escpos_setup import CAPABILITIES

DEFAULT_PROFILE = "TM-T20II"
DEFAULT_TIMEOUT_SECONDS = 3.0
DEFAULT_NETWORK_PORT = 9100
DEFAULT_BAUDRATE = 9600

COMMON_KEYS = ("type", "profile", "timeout")
KEYS_BY_TYPE: dict[str, tuple[str, ...]] = {
    "network": ("host", "port"),
    "usb": ("vendor_id", "product_id"),
    "serial": ("device", "baudrate"),
    "file": ("path",),
    "cups": ("name",),
    "none": (),
}
REQUIRED_KEYS: dict[str, tuple[str, ...]] = {
    "network": ("host",),
    "usb": ("vendor_id", "product_id"),
    "serial": ("device",),
    "file": ("path",),
    "cups": ("name",),
    "none": (),
}


@dataclass(frozen=True)
class PrinterConfig:
    """A validated printer setting; hashable, so it can key a print queue."""

    type: str
    profile: str = DEFAULT_PROFILE
    timeout: float = DEFAULT_TIMEOUT_SECONDS
    host: str | None = None
    port: int = DEFAULT_NETWORK_PORT
    vendor_id: int | None = None
    product_id: int | None = None
    device: str | None = None
    baudrate: int = DEFAULT_BAUDRATE
    path: str | None = None
    name: str | None = None

    @property
    def description(self) -> str:
        """Name the printer for people: "network printer 10.0.0.5:9100"."""
        if self.type == "network":
            return f"network printer {self.host}:{self.port}"
        if self.type == "usb":
            return f"USB printer {self.vendor_id:04x}:{self.product_id:04x}"
        if self.type == "serial":
            return f"serial printer {self.device}"
        if self.type == "file":
            return f"printer file {self.path}"
        if self.type == "cups":
            return f"CUPS printer {self.name}"
        return "no printer (screen only)"


def parse_printer_config(settings: Mapping[str, object] | PrinterConfig) -> PrinterConfig:
    """Validate a printer's settings and return them as a :class:`PrinterConfig`.

    :param settings: the printer's table from the configuration (or an already parsed one)
    :raises ValueError: naming the first key that is missing, unknown or of the wrong type
    """
    if isinstance(settings, PrinterConfig):
        return settings
    if not isinstance(settings, Mapping):
        raise ValueError(f"printer settings must be a table, not {type(settings).__name__}")
    printer_type = settings.get("type")
    if printer_type not in KEYS_BY_TYPE:
        raise ValueError(
            f"printer key 'type' must be one of {', '.join(KEYS_BY_TYPE)}, not {printer_type!r}"
        )
    allowed = COMMON_KEYS + KEYS_BY_TYPE[printer_type]
    for key in settings:
        if key not in allowed:
            raise ValueError(
                f"printer key {key!r} is not known for a {printer_type} printer "
                f"(known keys: {', '.join(allowed)})"
            )
    for key in REQUIRED_KEYS[printer_type]:
        if key not in settings:
            raise ValueError(f"printer key {key!r} is required for a {printer_type} printer")
    values: dict[str, object] = {"type": printer_type}
    for key, value in settings.items():
        if key != "type":
            values[key] = _PARSERS[key](key, value)
    return PrinterConfig(**values)


def _text(key: str, value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"printer key {key!r} must be a non-empty string, not {value!r}")
    return value


def _whole_number(key: str, value: object, lowest: int, highest: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not lowest <= value <= highest:
        raise ValueError(
            f"printer key {key!r} must be a whole number from {lowest} to {highest}, not {value!r}"
        )
    return value


def _port(key: str, value: object) -> int:
    return _whole_number(key, value, 1, 65535)


def _baudrate(key: str, value: object) -> int:
    return _whole_number(key, value, 1, 4_000_000)


def _usb_id(key: str, value: object) -> int:
    """Accept 1208 or "0x04b8" (lsusb prints hexadecimal)."""
    if isinstance(value, str):
        try:
            value = int(value, 16)
        except ValueError:
            raise ValueError(
                f"printer key {key!r} must be a number or a hexadecimal string like "
                f"'0x04b8', not {value!r}"
            ) from None
    return _whole_number(key, value, 0, 0xFFFF)


def _timeout(key: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 120:
        raise ValueError(
            f"printer key {key!r} must be a number of seconds above 0 and at most 120, "
            f"not {value!r}"
        )
    return float(value)


def _profile(key: str, value: object) -> str:
    name = _text(key, value)
    if name not in CAPABILITIES["profiles"]:
        raise ValueError(
            f"printer key {key!r} names no printer model python-escpos knows: {name!r} "
            "(see `python-escpos` profiles, e.g. 'TM-T20II', 'TM-T88V')"
        )
    return name


_PARSERS = {
    "profile": _profile,
    "timeout": _timeout,
    "host": _text,
    "port": _port,
    "vendor_id": _usb_id,
    "product_id": _usb_id,
    "device": _text,
    "baudrate": _baudrate,
    "path": _text,
    "name": _text,
}
