"""Read `config.toml` once into frozen dataclasses; a bad key stops start-up with its name.

Each part of the file has its own module, all reading through one `ConfigReader`:
`rules_config` ([rules]), `queue_config` ([[categories]], [[queues]]), `service_point_config`
([[service_points]], with `opening_config` for opening hours), `appointment_config`
([appointments]), `notification_config` ([notifications]) and `parse_accounts` ([accounts]).
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path

from shared.config import appointments as appointment_config
from shared.config.accounts import AccountSettings, parse_accounts
from shared.config.appointments import AppointmentRules
from shared.config.deployment import (
    MESSAGE_QUEUE_ENVIRONMENT_VARIABLE,
    Deployment,
    parse_deployment,
)
from shared.config.notifications import NotificationSettings, parse_notifications
from shared.config.queues import Category, Queue, parse_categories, parse_queues
from shared.config.reader import LANGUAGES, ConfigError, ConfigReader
from shared.config.retention import RetentionSettings, parse_retention
from shared.config.rules import Rules, parse_rules
from shared.config.service_points import ServicePoint, parse_service_point
from shared.config.speech import SpeechSettings, parse_speech

DATABASE_ENVIRONMENT_VARIABLE = "JONO_DATABASE"


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
    deployment: Deployment = field(default_factory=Deployment)
    accounts: AccountSettings = field(default_factory=AccountSettings)
    speech: SpeechSettings = field(default_factory=SpeechSettings)
    retention: RetentionSettings = field(default_factory=RetentionSettings)

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
    message_queue = os.environ.get(MESSAGE_QUEUE_ENVIRONMENT_VARIABLE)
    if message_queue is not None:  # set but empty: one process, whatever the file says
        deployment = parse_deployment(
            ConfigReader(MESSAGE_QUEUE_ENVIRONMENT_VARIABLE),
            {
                "max_sockets_per_address": config.deployment.max_sockets_per_address,
                "message_queue": message_queue,
                "trusted_proxies": config.deployment.trusted_proxies,
            },
        )
        config = replace(config, deployment=deployment)
    return replace(config, database=database)


def parse_config(raw: dict, source: str = "config") -> Config:
    """Validate an already-parsed TOML document and build the Config.

    :param raw: the TOML document as a dict
    :param source: a name for messages (the file path)
    """
    reader = ConfigReader(source)
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
            "accounts",
            "speech",
            "retention",
        },
    )
    deployment = reader.table(raw, "deployment")
    reader.only_keys(
        deployment,
        "deployment",
        {
            "database",
            "default_language",
            "public_base_url",
            "max_sockets_per_address",
            "message_queue",
            "trusted_proxies",
        },
    )
    default_language = reader.get(deployment, "deployment.default_language", str, "fi")
    if default_language not in LANGUAGES:
        reader.fail("deployment.default_language", f"must be one of {', '.join(LANGUAGES)}")
    rules = parse_rules(reader, reader.table(raw, "rules"))
    categories = parse_categories(reader, raw)
    queues = parse_queues(reader, raw)
    queue_ids = {q.id for q in queues}
    category_ids = {c.id for c in categories}
    appointment_queues = {q.id for q in queues if q.kind == "appointment"}
    service_points = tuple(
        parse_service_point(reader, item, index, queue_ids, category_ids, appointment_queues)
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
        deployment=parse_deployment(reader, deployment),
        accounts=parse_accounts(reader, reader.table(raw, "accounts")),
        speech=parse_speech(reader, reader.table(raw, "speech")),
        retention=parse_retention(reader, reader.table(raw, "retention")),
    )
