"""Kiosk triage: from a walk-in's answers to an urgent number, booking help, or another way."""

from __future__ import annotations

from datetime import date

import pytest

from shared.queue.triage import (
    ASYLUM_INVITATION,
    BOOK_ONLINE,
    BOOKING_HELP_TICKET,
    POSTBOX,
    URGENT_TICKET,
    Answers,
    TriageError,
    split_party,
    triage,
)

TODAY = date(2026, 11, 30)
WINDOW_MONTHS = 3
MAX_PARTY_SIZE = 6


def decide(**answers):
    """Triage the answers on the reference day with the demo rules."""
    return triage(
        Answers(**answers),
        TODAY,
        urgency_window_months=WINDOW_MONTHS,
        max_party_size=MAX_PARTY_SIZE,
    )


def test_expiring_residence_permit_without_appointment_gets_urgent_ticket():
    result = decide(
        matter="residence_permit", expiry_year=2027, expiry_month=1, found_appointment=False
    )
    assert result.outcome == URGENT_TICKET
    assert result.is_urgent
    assert result.queue_kind == "urgent"
    assert result.gives_ticket
    assert result.months_until_expiry == 2
    assert result.reasons == ("expires_within_window", "no_appointment_found")


def test_finnish_passport_expiring_soon_gets_urgent_ticket():
    result = decide(
        matter="travel_document",
        passport_issued_by_finland=True,
        expiry_year=2026,
        expiry_month=12,
        found_appointment=False,
    )
    assert result.outcome == URGENT_TICKET
    assert result.queue_kind == "urgent"


def test_non_urgent_matter_that_cannot_book_online_gets_booking_help_ticket():
    result = decide(matter="citizenship", can_use_online_booking=False)
    assert result.outcome == BOOKING_HELP_TICKET
    assert not result.is_urgent
    assert result.queue_kind == "booking_help"
    assert result.gives_ticket
    assert "cannot_use_online_booking" in result.reasons


@pytest.mark.parametrize("can_use_online_booking", [True, None])
def test_non_urgent_matter_is_sent_to_online_booking(can_use_online_booking):
    result = decide(matter="citizenship", can_use_online_booking=can_use_online_booking)
    assert result.outcome == BOOK_ONLINE
    assert not result.gives_ticket
    assert result.queue_kind is None


def test_additional_documents_go_to_the_postbox():
    result = decide(matter="additional_documents")
    assert result.outcome == POSTBOX
    assert not result.gives_ticket


def test_asylum_seekers_get_an_invitation():
    result = decide(matter="asylum")
    assert result.outcome == ASYLUM_INVITATION
    assert not result.gives_ticket


@pytest.mark.parametrize(
    ("expiry_year", "expiry_month", "is_urgent", "months"),
    [
        pytest.param(2027, 2, True, 3, id="exactly-at-window"),
        pytest.param(2027, 1, True, 2, id="month-before-window-end"),
        pytest.param(2027, 3, False, 4, id="month-after-window-end"),
        pytest.param(2026, 11, True, 0, id="expires-this-month"),
        pytest.param(2026, 10, True, -1, id="already-expired"),
        pytest.param(2024, 5, True, -30, id="long-expired"),
    ],
)
def test_urgency_window_edges(expiry_year, expiry_month, is_urgent, months):
    result = decide(
        matter="residence_permit",
        expiry_year=expiry_year,
        expiry_month=expiry_month,
        found_appointment=False,
    )
    assert result.is_urgent is is_urgent
    assert result.outcome == (URGENT_TICKET if is_urgent else BOOK_ONLINE)
    assert result.months_until_expiry == months


def test_window_setting_is_honoured():
    """With a two-month window, the same February expiry is no longer urgent."""
    answers = Answers(
        matter="residence_permit", expiry_year=2027, expiry_month=2, found_appointment=False
    )
    assert triage(answers, TODAY, urgency_window_months=2, max_party_size=6).outcome == BOOK_ONLINE
    assert (
        triage(answers, TODAY, urgency_window_months=3, max_party_size=6).outcome == URGENT_TICKET
    )


def test_permit_expiring_later_that_cannot_book_online_gets_booking_help():
    result = decide(
        matter="residence_permit", expiry_year=2027, expiry_month=6, can_use_online_booking=False
    )
    assert result.outcome == BOOKING_HELP_TICKET
    assert "expires_later" in result.reasons


@pytest.mark.parametrize("expiry_year, expiry_month", [(2026, 12), (2025, 1)])
def test_non_finnish_passport_is_never_urgent(expiry_year, expiry_month):
    result = decide(
        matter="travel_document",
        passport_issued_by_finland=False,
        expiry_year=expiry_year,
        expiry_month=expiry_month,
        found_appointment=False,
    )
    assert not result.is_urgent
    assert result.outcome == BOOK_ONLINE
    assert "passport_not_issued_by_finland" in result.reasons


def test_urgent_expiry_but_found_appointment_books_online():
    result = decide(
        matter="residence_permit", expiry_year=2027, expiry_month=1, found_appointment=True
    )
    assert result.outcome == BOOK_ONLINE
    assert not result.is_urgent
    assert "appointment_found" in result.reasons


@pytest.mark.parametrize(
    ("party_size", "groups"),
    [(1, (1,)), (6, (6,)), (7, (6, 1)), (9, (6, 3)), (12, (6, 6)), (13, (6, 6, 1))],
)
def test_large_party_splits_into_groups(party_size, groups):
    assert split_party(party_size, MAX_PARTY_SIZE) == groups
    result = decide(
        matter="residence_permit",
        party_size=party_size,
        expiry_year=2027,
        expiry_month=1,
        found_appointment=False,
    )
    assert result.party_groups == groups


def test_party_of_nine_in_triage_gives_two_groups():
    result = decide(matter="citizenship", party_size=9)
    assert result.party_groups == (6, 3)


@pytest.mark.parametrize(
    ("answers", "code", "params"),
    [
        pytest.param(
            {"matter": "residence_permit", "found_appointment": False},
            "missing_answer",
            {"question": "expiry"},
            id="permit-without-expiry",
        ),
        pytest.param(
            {"matter": "residence_permit", "expiry_year": 2027, "found_appointment": False},
            "missing_answer",
            {"question": "expiry"},
            id="permit-without-month",
        ),
        pytest.param(
            {"matter": "travel_document", "expiry_year": 2027, "expiry_month": 1},
            "missing_answer",
            {"question": "passport_issued_by_finland"},
            id="passport-without-issuer",
        ),
        pytest.param(
            {"matter": "residence_permit", "expiry_year": 2027, "expiry_month": 1},
            "missing_answer",
            {"question": "found_appointment"},
            id="urgent-without-appointment-answer",
        ),
        pytest.param(
            {
                "matter": "residence_permit",
                "expiry_year": 2027,
                "expiry_month": 13,
                "found_appointment": False,
            },
            "invalid_expiry",
            {"year": 2027, "month": 13},
            id="month-thirteen",
        ),
        pytest.param(
            {"matter": "parking_ticket"},
            "unknown_matter",
            {"matter": "parking_ticket"},
            id="unknown-matter",
        ),
        pytest.param(
            {"matter": "citizenship", "party_size": 0},
            "invalid_party_size",
            {"party_size": 0},
            id="party-of-zero",
        ),
    ],
)
def test_incomplete_answers_raise_triage_error(answers, code, params):
    with pytest.raises(TriageError) as raised:
        decide(**answers)
    assert raised.value.code == code
    assert raised.value.params == params


def test_permit_expiring_later_needs_no_appointment_answer():
    """The appointment question is only asked when the expiry is inside the window."""
    result = decide(matter="residence_permit", expiry_year=2027, expiry_month=9)
    assert result.outcome == BOOK_ONLINE


@pytest.mark.parametrize(
    "answers",
    [
        {"matter": "residence_permit", "expiry_year": 2027, "expiry_month": 3},  # 4 months
        {
            "matter": "travel_document",
            "passport_issued_by_finland": True,
            "expiry_year": 2028,
            "expiry_month": 1,
        },
        {"matter": "travel_document", "passport_issued_by_finland": False},
        {"matter": "residence_permit", "no_expiring_document": True},
    ],
)
def test_a_document_beyond_the_window_needs_no_more_answers(answers):
    """The kiosk's shorter path: neither "did you find a time?" nor the persons are asked."""
    result = decide(**answers)
    assert (result.outcome, result.party_groups) == (BOOK_ONLINE, (1,))


def test_the_last_month_of_the_window_still_asks_whether_a_time_was_found():
    with pytest.raises(TriageError) as missing:
        decide(matter="residence_permit", expiry_year=2027, expiry_month=2)  # 3 months
    assert missing.value.params == {"question": "found_appointment"}


def test_a_foreign_passport_is_told_why():
    result = decide(matter="travel_document", passport_issued_by_finland=False)
    assert result.reasons == ("passport_not_issued_by_finland",)
