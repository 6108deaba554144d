"""The [retention] table of config.toml: how long personal data is kept before it is purged.

`shared.appointments.retention.purge` applies these settings, once a day in the server and on
`jono purge`. Every key is optional; the defaults follow the spirit of Qmatic's (contact details
a month after the visit, messages a quarter), and each is explained in docs/privacy.md. What
statistics need (tickets, their events, appointments without contact details, messages'
kind, status and times) is never purged.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from shared.config.reader import ConfigReader


@dataclass(frozen=True)
class RetentionSettings:
    """How long each piece of personal data is kept.

    :param run_in_server: the server purges once a day; false: only `jono purge` does
    :param contact_details_days: an appointment's e-mail address and phone number go this many
        days after the appointment's time (its own messages' recipients with them)
    :param message_days: a sent, failed or skipped message's recipient, subject, texts and
        attachments go this many days after it was sent (or queued, if never sent), once its
        appointment's time has passed; its kind, channel, status and times stay
    :param triage_answers_days: a ticket's kiosk answers are reduced to its matter and party
        size this many days after it was issued (the expiry date and the reasons go)
    :param turn_near_phone_days: a ticket's "your turn is near" phone number goes at the latest
        this many days after it was issued (normally it goes when the ticket ends)
    :param pin_failures_days: a reservation key's count of wrong PINs is forgotten this many
        days after its last wrong PIN (a lock in force is never cut short)
    :param kiosk_offers_days: the record that a kiosk's appointment offer was taken goes this
        many days after it was taken (an offer token is refused after ten minutes anyway)
    """

    run_in_server: bool = True
    contact_details_days: int = 30
    message_days: int = 90
    triage_answers_days: int = 90
    turn_near_phone_days: int = 2
    pin_failures_days: int = 1
    kiosk_offers_days: int = 1

    @property
    def contact_details(self) -> timedelta:
        """How long after an appointment its contact details are kept."""
        return timedelta(days=self.contact_details_days)

    @property
    def messages(self) -> timedelta:
        """How long after sending a message's recipient and texts are kept."""
        return timedelta(days=self.message_days)

    @property
    def triage_answers(self) -> timedelta:
        """How long a ticket keeps its full kiosk answers."""
        return timedelta(days=self.triage_answers_days)

    @property
    def turn_near_phone(self) -> timedelta:
        """The longest a ticket keeps its "your turn is near" phone number."""
        return timedelta(days=self.turn_near_phone_days)

    @property
    def pin_failures(self) -> timedelta:
        """How long a count of wrong PINs is kept after the last one."""
        return timedelta(days=self.pin_failures_days)

    @property
    def kiosk_offers(self) -> timedelta:
        """How long the record of a taken kiosk offer is kept."""
        return timedelta(days=self.kiosk_offers_days)


# name: help, for the message that names a bad key. Each is a whole number of days, at least 1.
DAY_KEYS: dict[str, str] = {
    "contact_details_days": "days after an appointment before its e-mail and phone go",
    "message_days": "days after sending before a message's recipient and texts go",
    "triage_answers_days": "days before a ticket's kiosk answers are reduced",
    "turn_near_phone_days": "days before a ticket's turn-near phone number goes at the latest",
    "pin_failures_days": "days after the last wrong PIN before the count is forgotten",
    "kiosk_offers_days": "days before the record of a taken kiosk offer goes",
}


def parse_retention(reader: ConfigReader, table: dict) -> RetentionSettings:
    """Read the [retention] table.

    :param reader: the ConfigReader, which names the key in every error
    :param table: the [retention] table ({} when it is left out)
    """
    reader.only_keys(table, "retention", {"run_in_server", *DAY_KEYS})
    defaults = RetentionSettings()
    values: dict = {
        "run_in_server": reader.get(table, "retention.run_in_server", bool, defaults.run_in_server)
    }
    for name, help_text in DAY_KEYS.items():
        key = f"retention.{name}"
        value = reader.get(table, key, int, getattr(defaults, name))
        if value < 1:
            reader.fail(key, f"must be at least 1 ({help_text})")
        values[name] = value
    return RetentionSettings(**values)
