"""Notification settings from config.toml: the [notifications] table (e-mail, SMS, reminders).

`shared.config` calls `parse_notifications` with its key-naming reader, so a bad key stops start-up
with its full name. Secrets never live in the file: the SMTP password and the SMS gateway's
authentication value are read from environment variables when a message is sent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

SMTP_SECURITY = ("starttls", "ssl", "none")
SMTP_PASSWORD_ENVIRONMENT_VARIABLE = "JONO_SMTP_PASSWORD"
SMS_KEY_ENVIRONMENT_VARIABLE = "JONO_SMS_API_KEY"
DEFAULT_SMS_BODY = '{"to": "{recipient}", "text": "{text}"}'


@dataclass(frozen=True)
class NotificationSettings:
    """How messages are sent and when reminders go out (the [notifications] table)."""

    enabled: bool = True
    run_in_server: bool = True
    smtp_host: str = "localhost"
    smtp_port: int = 1025
    smtp_security: str = "none"
    smtp_user: str = ""
    smtp_timeout_seconds: float = 10.0
    from_address: str = "Jono <noreply@localhost>"
    sms_gateway_url: str = ""
    sms_auth_header: str = "Authorization"
    sms_auth_environment_variable: str = SMS_KEY_ENVIRONMENT_VARIABLE
    sms_body_template: str = DEFAULT_SMS_BODY
    sms_content_type: str = "application/json"
    reminder_offsets_hours: tuple[int, ...] = (72, 24)
    retry_base_seconds: float = 30.0
    retry_max_seconds: float = 3600.0
    max_attempts: int = 8
    lease_seconds: float = 120.0
    poll_seconds: float = 5.0
    turn_near_people_ahead: int = 3
    turn_near_country_codes: tuple[str, ...] = ("+358",)
    turn_near_phone_changes: int = 3

    @property
    def sms_enabled(self) -> bool:
        """SMS go out only when a gateway URL is set."""
        return bool(self.sms_gateway_url)


# name: (type, help) for the messages that name a bad key.
KEYS: dict[str, tuple[type, str]] = {
    "enabled": (bool, "false keeps every message unsent (nothing is queued)"),
    "run_in_server": (bool, "send from a thread in the server; false: run `jono worker`"),
    "smtp_host": (str, "the SMTP server's host name"),
    "smtp_port": (int, "the SMTP server's port"),
    "smtp_security": (str, "starttls, ssl or none"),
    "smtp_user": (str, "the SMTP user name (password from JONO_SMTP_PASSWORD)"),
    "smtp_timeout_seconds": (float, "seconds to wait for the SMTP server"),
    "from_address": (str, "the From address of e-mails"),
    "sms_gateway_url": (str, "the SMS gateway's URL; empty turns SMS off"),
    "sms_auth_header": (str, "the header that carries the gateway's key"),
    "sms_auth_environment_variable": (str, "the environment variable holding the gateway's key"),
    "sms_body_template": (str, "the request body, with {recipient} and {text}"),
    "sms_content_type": (str, "the Content-Type of the gateway request"),
    "reminder_offsets_hours": (list, "hours before the appointment when reminders go out"),
    "retry_base_seconds": (float, "seconds before the first retry; doubles each time"),
    "retry_max_seconds": (float, "longest wait between two tries"),
    "max_attempts": (int, "tries before a message is marked failed for good"),
    "lease_seconds": (float, "how long a worker may hold a message it is sending"),
    "poll_seconds": (float, "seconds between the sender's looks at the outbox"),
    "turn_near_people_ahead": (int, "people ahead when the 'your turn is near' SMS goes out"),
    "turn_near_country_codes": (list, "country codes the 'turn is near' SMS may be sent to"),
    "turn_near_phone_changes": (int, "times a waiting number's phone may be set or changed"),
}


def parse_notifications(reader: Any, table: dict) -> NotificationSettings:
    """Read the [notifications] table.

    :param reader: the ConfigReader, which names the key in every error
    :param table: the [notifications] table ({} when it is left out)
    """
    reader.only_keys(table, "notifications", set(KEYS))
    defaults = NotificationSettings()
    values: dict[str, Any] = {}
    for name, (kind, help_text) in KEYS.items():
        key = f"notifications.{name}"
        default = getattr(defaults, name)
        if kind is float and isinstance(table.get(name), int) and not isinstance(table[name], bool):
            table = {**table, name: float(table[name])}
        if kind is list:
            default = list(default)
        value = reader.get(table, key, kind, default)
        if kind in (int, float) and value < 0:
            reader.fail(key, f"must not be negative ({help_text})")
        values[name] = value
    if values["smtp_security"] not in SMTP_SECURITY:
        reader.fail("notifications.smtp_security", f"must be one of {', '.join(SMTP_SECURITY)}")
    if not 0 < values["smtp_port"] < 65536:
        reader.fail("notifications.smtp_port", "must be a port number (1-65535)")
    if values["max_attempts"] < 1:
        reader.fail("notifications.max_attempts", "must be at least 1")
    if values["retry_max_seconds"] < values["retry_base_seconds"]:
        reader.fail("notifications.retry_max_seconds", "must be at least retry_base_seconds")
    offsets = values["reminder_offsets_hours"]
    for index, offset in enumerate(offsets):
        if isinstance(offset, bool) or not isinstance(offset, int) or offset < 1:
            reader.fail(
                f"notifications.reminder_offsets_hours[{index}]", "must be a whole number >= 1"
            )
    reader.unique(offsets, "notifications.reminder_offsets_hours")
    values["reminder_offsets_hours"] = tuple(sorted(offsets, reverse=True))
    codes = values["turn_near_country_codes"]
    for index, code in enumerate(codes):
        if not isinstance(code, str) or not re.fullmatch(r"\+[1-9]\d{0,3}", code):
            reader.fail(f"notifications.turn_near_country_codes[{index}]", 'must look like "+358"')
    values["turn_near_country_codes"] = tuple(codes)
    url = values["sms_gateway_url"]
    if url and not url.startswith(("http://", "https://")):
        reader.fail("notifications.sms_gateway_url", "must start with http:// or https://")
    for placeholder in ("{recipient}", "{text}"):
        if placeholder not in values["sms_body_template"]:
            reader.fail("notifications.sms_body_template", f"must contain {placeholder}")
    return NotificationSettings(**values)
