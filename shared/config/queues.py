"""The [[categories]] and [[queues]] tables of config.toml."""

from __future__ import annotations

import re
from dataclasses import dataclass

from shared.config.reader import ConfigReader, Names

QUEUE_KINDS = ("appointment", "urgent", "booking_help")
# The wait a queue's numbers should be called within, when config.toml does not say: the
# service level of a queue is the share of its numbers called within this many minutes.
DEFAULT_TARGET_WAIT_MINUTES = {"urgent": 30, "booking_help": 30, "appointment": 10}


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
    target_wait_minutes: int = 30


def parse_categories(reader: ConfigReader, raw: dict) -> tuple[Category, ...]:
    """Build the categories from the [[categories]] entries.

    :param reader: the reader that names the key in every error
    :param raw: the whole TOML document
    """
    return tuple(
        Category(
            id=reader.identifier(item, f"categories[{index}].id"),
            name=reader.names(item, f"categories[{index}].name"),
        )
        for index, item in enumerate(reader.array(raw, "categories"))
    )


def parse_queues(reader: ConfigReader, raw: dict) -> tuple[Queue, ...]:
    """Build the queues from the [[queues]] entries; ids and prefixes must be unique.

    :param reader: the reader that names the key in every error
    :param raw: the whole TOML document
    """
    queues = tuple(
        _parse_queue(reader, item, index) for index, item in enumerate(reader.array(raw, "queues"))
    )
    reader.unique([q.id for q in queues], "queues[].id")
    reader.unique([q.prefix for q in queues], "queues[].prefix")
    return queues


def _parse_queue(reader: ConfigReader, item: dict, index: int) -> Queue:
    """Build one Queue from a [[queues]] entry."""
    where = f"queues[{index}]"
    reader.only_keys(item, where, {"id", "prefix", "kind", "name", "target_wait_minutes"})
    prefix = reader.get(item, f"{where}.prefix", str)
    if not re.fullmatch(r"[A-Z]", prefix):
        reader.fail(f"{where}.prefix", "must be one capital letter A-Z")
    kind = reader.get(item, f"{where}.kind", str)
    if kind not in QUEUE_KINDS:
        reader.fail(f"{where}.kind", f"must be one of {', '.join(QUEUE_KINDS)}")
    target = reader.get(
        item, f"{where}.target_wait_minutes", int, DEFAULT_TARGET_WAIT_MINUTES[kind]
    )
    if not 1 <= target <= 24 * 60:
        reader.fail(f"{where}.target_wait_minutes", "must be between 1 and 1440")
    return Queue(
        id=reader.identifier(item, f"{where}.id"),
        prefix=prefix,
        kind=kind,
        name=reader.names(item, f"{where}.name"),
        target_wait_minutes=target,
    )
