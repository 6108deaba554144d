"""Kiosk triage: from a walk-in's answers to what they should do, following the seed page.

A waiting number is only for urgent matters: a residence permit, or a passport issued by
Finland, that expires within the urgency window, when no suitable appointment could be found.
Everyone else is pointed to online booking, or gets a booking-help number if they cannot use it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

MATTERS = (
    "residence_permit",
    "travel_document",
    "citizenship",
    "eu_registration",
    "additional_documents",
    "asylum",
)
# Matters whose urgency depends on when a document expires.
DOCUMENT_MATTERS = ("residence_permit", "travel_document")

URGENT_TICKET = "urgent_ticket"
BOOKING_HELP_TICKET = "booking_help_ticket"
BOOK_ONLINE = "book_online"
POSTBOX = "postbox"
ASYLUM_INVITATION = "asylum_invitation"
OUTCOMES = (URGENT_TICKET, BOOKING_HELP_TICKET, BOOK_ONLINE, POSTBOX, ASYLUM_INVITATION)
TICKET_OUTCOMES = {URGENT_TICKET: "urgent", BOOKING_HELP_TICKET: "booking_help"}


@dataclass(frozen=True)
class Answers:
    """What the walk-in told the kiosk.

    :param matter: one of MATTERS
    :param expiry_year: year the current permit or passport expires (document matters only)
    :param expiry_month: month (1-12) it expires
    :param passport_issued_by_finland: for travel documents: only a Finnish passport can be urgent
    :param found_appointment: True if they found a suitable appointment time online
    :param can_use_online_booking: False if they cannot use the online system at all
    :param party_size: persons who came together (family appointment)
    :param no_expiring_document: True for "no permit yet, or it expires later than the kiosk's
        picker reaches": never urgent, and no expiry month is needed
    """

    matter: str
    party_size: int = 1
    expiry_year: int | None = None
    expiry_month: int | None = None
    passport_issued_by_finland: bool | None = None
    found_appointment: bool | None = None
    can_use_online_booking: bool | None = None
    no_expiring_document: bool = False


@dataclass(frozen=True)
class Triage:
    """The kiosk's verdict.

    `party_groups` splits a large party into groups of at most `max_party_size`: one number or
    appointment per group. `reasons` names the facts that decided, for the screen and the clerk.
    """

    outcome: str
    is_urgent: bool
    queue_kind: str | None
    party_groups: tuple[int, ...]
    months_until_expiry: int | None = None
    reasons: tuple[str, ...] = field(default_factory=tuple)

    @property
    def gives_ticket(self) -> bool:
        """True when the outcome is a waiting number."""
        return self.queue_kind is not None


class TriageError(ValueError):
    """The answers are incomplete or contradictory; `code` says which."""

    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code = code
        self.params = params


def months_until(today: date, year: int, month: int) -> int:
    """Whole calendar months from this month to the expiry month (0: this month; <0: expired)."""
    return (year * 12 + month) - (today.year * 12 + today.month)


def split_party(party_size: int, max_party_size: int) -> tuple[int, ...]:
    """Split a party into groups of at most `max_party_size`, largest first (9 -> 6, 3)."""
    full, rest = divmod(party_size, max_party_size)
    return (max_party_size,) * full + ((rest,) if rest else ())


def triage(
    answers: Answers, today: date, urgency_window_months: int, max_party_size: int
) -> Triage:
    """Decide what a walk-in should do.

    :param answers: the kiosk's answers
    :param today: the service point's local date
    :param urgency_window_months: an expiry this many months ahead (or nearer, or past) is urgent
    :param max_party_size: the most persons on one number or appointment
    """
    if answers.matter not in MATTERS:
        raise TriageError("unknown_matter", matter=answers.matter)
    if not 1 <= answers.party_size <= 99:
        raise TriageError("invalid_party_size", party_size=answers.party_size)
    groups = split_party(answers.party_size, max_party_size)
    if answers.matter == "additional_documents":
        return Triage(POSTBOX, False, None, groups, reasons=("additional_documents",))
    if answers.matter == "asylum":
        return Triage(ASYLUM_INVITATION, False, None, groups, reasons=("asylum_seeker",))

    months = None
    reasons: list[str] = []
    is_urgent = False
    if answers.matter in DOCUMENT_MATTERS:
        document_counts = answers.matter == "residence_permit" or answers.passport_issued_by_finland
        if answers.matter == "travel_document" and answers.passport_issued_by_finland is None:
            raise TriageError("missing_answer", question="passport_issued_by_finland")
        if document_counts and answers.no_expiring_document:
            reasons.append("no_expiring_document")
        elif document_counts:
            if answers.expiry_year is None or answers.expiry_month is None:
                raise TriageError("missing_answer", question="expiry")
            if not 1 <= answers.expiry_month <= 12 or not 1900 <= answers.expiry_year <= 2200:
                raise TriageError(
                    "invalid_expiry", year=answers.expiry_year, month=answers.expiry_month
                )
            months = months_until(today, answers.expiry_year, answers.expiry_month)
            if months <= urgency_window_months:
                reasons.append("expires_within_window")
                if answers.found_appointment is None:
                    raise TriageError("missing_answer", question="found_appointment")
                if answers.found_appointment:
                    reasons.append("appointment_found")
                else:
                    reasons.append("no_appointment_found")
                    is_urgent = True
            else:
                reasons.append("expires_later")
        else:
            reasons.append("passport_not_issued_by_finland")
    else:
        reasons.append("not_urgent_matter")

    if is_urgent:
        return Triage(URGENT_TICKET, True, "urgent", groups, months, tuple(reasons))
    if answers.can_use_online_booking is False:
        reasons.append("cannot_use_online_booking")
        return Triage(BOOKING_HELP_TICKET, False, "booking_help", groups, months, tuple(reasons))
    return Triage(BOOK_ONLINE, False, None, groups, months, tuple(reasons))
