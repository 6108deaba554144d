"""The [accounts] table of config.toml: how long a clerk's session lasts and when logins lock.

`shared.config` calls `parse_accounts` with its key-naming reader, so a bad key stops start-up
with its full name. Every key is optional; the defaults fit one working day at a counter.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from shared.config.reader import ConfigReader


@dataclass(frozen=True)
class AccountSettings:
    """Clerk sessions and login throttling.

    :param idle_minutes: a session unused this long ends, and the clerk's counter is freed
    :param lifetime_hours: a session ends this long after the login, however busy
    :param failed_logins_before_lock: wrong passwords for one user name before it is locked
    :param failed_logins_per_address: wrong passwords from one address (IPv6: one /64) before
        logins from there are locked
    :param lock_minutes: how long a lock lasts; failures older than this are forgotten
    """

    idle_minutes: int = 90
    lifetime_hours: int = 12
    failed_logins_before_lock: int = 5
    failed_logins_per_address: int = 30
    lock_minutes: int = 15

    @property
    def idle_timeout(self) -> timedelta:
        """How long an unused session stays valid."""
        return timedelta(minutes=self.idle_minutes)

    @property
    def lifetime(self) -> timedelta:
        """How long any session stays valid after its login."""
        return timedelta(hours=self.lifetime_hours)

    @property
    def lock_duration(self) -> timedelta:
        """How long a lock lasts, and the window failures are counted in."""
        return timedelta(minutes=self.lock_minutes)


# name: (lowest allowed value, help) for the messages that name a bad key.
KEYS: dict[str, tuple[int, str]] = {
    "idle_minutes": (1, "minutes without a request before a clerk's session ends"),
    "lifetime_hours": (1, "hours after the login when a session ends in any case"),
    "failed_logins_before_lock": (1, "wrong passwords for one user name before a lock"),
    "failed_logins_per_address": (1, "wrong passwords from one address before a lock"),
    "lock_minutes": (1, "minutes a lock lasts"),
}


def parse_accounts(reader: ConfigReader, table: dict) -> AccountSettings:
    """Read the [accounts] table.

    :param reader: the ConfigReader, which names the key in every error
    :param table: the [accounts] table ({} when it is left out)
    """
    reader.only_keys(table, "accounts", set(KEYS))
    defaults = AccountSettings()
    values = {}
    for name, (lowest, help_text) in KEYS.items():
        key = f"accounts.{name}"
        value = reader.get(table, key, int, getattr(defaults, name))
        if value < lowest:
            reader.fail(key, f"must be at least {lowest} ({help_text})")
        values[name] = value
    if values["idle_minutes"] > values["lifetime_hours"] * 60:
        reader.fail("accounts.idle_minutes", "must not be longer than accounts.lifetime_hours")
    return AccountSettings(**values)
