"""The key-naming reader every part of config.toml is read with, and the names it builds.

Each config module (rules, queues, opening hours, service points, appointments, notifications)
reads its tables through one `ConfigReader`, so a bad key stops start-up with its full name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

LANGUAGES = ("fi", "sv", "en")


class ConfigError(ValueError):
    """A setting in config.toml is missing, unknown or of the wrong type; the message names it."""


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


class ConfigReader:
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
