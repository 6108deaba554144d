"""Turn the facts of a ticket or an appointment into a printable document.

A document is a short list of simple blocks (text, QR code, spacer, cut) that every
renderer understands: ESC/POS for the thermal printer, PDF and PNG for previews and
screens. Layout knows nothing about printers and nothing about the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from printers.wording import (
    check_language,
    format_date,
    format_time,
    format_wait,
    format_weekday,
    persons,
    say,
)

Align = Literal["left", "center", "right"]
TicketKind = Literal["urgent", "booking_help", "appointment"]
TICKET_KINDS = ("urgent", "booking_help", "appointment")
ALIGNMENTS = ("left", "center", "right")
LARGEST_TEXT_SIZE = 8


@dataclass(frozen=True)
class Text:
    """A paragraph; renderers wrap it to the paper width.

    :param size: magnification, 1 (normal) to 8, applied to width and height alike
    """

    content: str
    size: int = 1
    bold: bool = False
    align: Align = "left"

    def __post_init__(self) -> None:
        if not 1 <= self.size <= LARGEST_TEXT_SIZE:
            raise ValueError(f"text size must be 1 to {LARGEST_TEXT_SIZE}, not {self.size}")
        if self.align not in ALIGNMENTS:
            raise ValueError(f"align must be one of {ALIGNMENTS}, not {self.align!r}")


@dataclass(frozen=True)
class QR:
    """A QR code holding ``payload``, centred on the slip."""

    payload: str


@dataclass(frozen=True)
class Spacer:
    """Empty lines between groups of text."""

    lines: int = 1


@dataclass(frozen=True)
class Cut:
    """The end of a slip: feed the paper and cut it."""


Block = Text | QR | Spacer | Cut


@dataclass(frozen=True)
class Document:
    """A slip as an ordered tuple of blocks."""

    blocks: tuple[Block, ...]

    def plain_text(self) -> str:
        """Return the text blocks one per line, as a screen reader or a log would want."""
        return "\n".join(block.content for block in self.blocks if isinstance(block, Text))


@dataclass(frozen=True)
class TicketFacts:
    """Everything a waiting-number slip says, already in the customer's language.

    ``issued_at`` must be aware and already in the service point's time zone.
    """

    service_point_name: str
    number: str
    queue_name: str
    party_size: int
    issued_at: datetime
    people_ahead: int
    estimated_wait_minutes: int | None
    language: str
    status_url: str
    kind: TicketKind

    def __post_init__(self) -> None:
        check_language(self.language)
        if self.kind not in TICKET_KINDS:
            raise ValueError(f"kind must be one of {TICKET_KINDS}, not {self.kind!r}")
        if self.party_size < 1:
            raise ValueError(f"party_size must be at least 1, not {self.party_size}")
        if self.people_ahead < 0:
            raise ValueError(f"people_ahead cannot be negative: {self.people_ahead}")
        if self.issued_at.tzinfo is None:
            raise ValueError("issued_at must be an aware datetime in local time")


@dataclass(frozen=True)
class ConfirmationFacts:
    """Everything an appointment confirmation slip says.

    ``starts_at`` must be aware and already in the service point's time zone.
    ``things_to_bring`` overrides the default list (already in the customer's language).
    """

    service_point_name: str
    service_point_address: str
    starts_at: datetime
    reservation_key: str
    pin: str
    party_size: int
    language: str
    manage_url: str | None = None
    things_to_bring: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        check_language(self.language)
        if self.party_size < 1:
            raise ValueError(f"party_size must be at least 1, not {self.party_size}")
        if self.starts_at.tzinfo is None:
            raise ValueError("starts_at must be an aware datetime in local time")


def ticket_slip(facts: TicketFacts) -> Document:
    """Lay out the waiting-number slip the kiosk prints.

    :param facts: the ticket as the customer should read it
    """
    language = facts.language
    blocks: list[Block] = [
        Text(facts.service_point_name, bold=True, align="center"),
        Spacer(),
        Text(say(language, "waiting_number"), align="center"),
        Text(facts.number, size=4, bold=True, align="center"),
        Spacer(),
        Text(facts.queue_name, size=2, bold=True, align="center"),
        Text(persons(language, facts.party_size), align="center"),
        Spacer(),
    ]
    if facts.kind == "booking_help":
        blocks.append(Text(say(language, "booking_help"), bold=True))
    if facts.kind == "appointment":
        blocks.append(Text(say(language, "checked_in"), bold=True))
    else:
        blocks.extend(_queue_position(facts))
    blocks.append(Text(say(language, "watch_display")))
    blocks.append(Spacer())
    blocks.append(Text(say(language, "fill_in_application"), bold=True))
    if facts.kind != "appointment":
        blocks.append(Text(say(language, "long_queue")))
    blocks.extend(
        [
            Spacer(),
            Text(say(language, "follow_on_phone"), align="center"),
            QR(facts.status_url),
            Text(facts.status_url, align="center"),
            Spacer(),
            Text(_issued(language, facts.issued_at), align="center"),
            Cut(),
        ]
    )
    return Document(tuple(blocks))


def _queue_position(facts: TicketFacts) -> list[Block]:
    language = facts.language
    if facts.people_ahead == 0:
        lines = [Text(say(language, "you_are_next"), bold=True)]
    else:
        lines = [Text(say(language, "people_ahead", count=facts.people_ahead), bold=True)]
    if facts.estimated_wait_minutes is not None:
        wait = format_wait(language, facts.estimated_wait_minutes)
        lines.append(Text(say(language, "estimated_wait", wait=wait), bold=True))
    return lines


def _issued(language: str, moment: datetime) -> str:
    return say(
        language,
        "issued",
        date=format_date(language, moment),
        time=format_time(language, moment),
    )


def confirmation_slip(facts: ConfirmationFacts) -> Document:
    """Lay out the slip that confirms a booked appointment.

    :param facts: the appointment as the customer should read it
    """
    language = facts.language
    starts_at = facts.starts_at
    when = (
        f"{format_weekday(language, starts_at)} {format_date(language, starts_at)} "
        f"{format_time(language, starts_at)}"
    )
    things_to_bring = facts.things_to_bring or tuple(
        say(language, key) for key in ("bring_identity", "bring_attachments", "bring_everyone")
    )
    blocks: list[Block] = [
        Text(say(language, "confirmation"), bold=True, align="center"),
        Spacer(),
        Text(f"{say(language, 'reservation_key')}:", align="center"),
        Text(facts.reservation_key, size=2, bold=True, align="center"),
        Text(f"{say(language, 'pin_code')}:", align="center"),
        Text(facts.pin, size=2, bold=True, align="center"),
        Spacer(),
        Text(f"{say(language, 'time')}: {when}", bold=True),
        Text(f"{say(language, 'service_point')}: {facts.service_point_name}"),
        Text(facts.service_point_address),
        Text(persons(language, facts.party_size)),
        Spacer(),
        Text(say(language, "late_means_lost"), bold=True),
        Spacer(),
        Text(say(language, "bring"), bold=True),
        *(Text(f"- {thing}") for thing in things_to_bring),
        Spacer(),
        Text(say(language, "keep_key")),
    ]
    if facts.manage_url:
        blocks.extend(
            [
                Spacer(),
                Text(say(language, "manage_online"), align="center"),
                QR(facts.manage_url),
                Text(facts.manage_url, align="center"),
            ]
        )
    blocks.append(Cut())
    return Document(tuple(blocks))
