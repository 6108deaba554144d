"""What a customer reads on the printed slip, in Finnish, Swedish and English.

The slips are rendered to ESC/POS and read back with the decoder, so these tests check the
paper, not the layout's data structure.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from printers.escpos_render import render_escpos
from printers.layout import ConfirmationFacts, TicketFacts, confirmation_slip, ticket_slip
from printers.wording import WORDING
from tests.printers.escpos_decoder import decode

HELSINKI = ZoneInfo("Europe/Helsinki")
STATUS_URL = "http://127.0.0.1:8000/status/helsinki/A042-7f3k9q"

QUEUE_NAMES = {"fi": "Oleskelulupa", "sv": "Uppehållstillstånd", "en": "Residence permit"}

EXPECTED = {
    "fi": {
        "title": "Vuoronumero",
        "persons": "2 henkilöä",
        "ahead": "Edelläsi jonossa: 7",
        "wait": "Arvioitu odotusaika noin 35 min",
        "form": "Täytä hakemus valmiiksi ennen vuoroasi.",
        "issued": "Tulostettu 14.3.2025 klo 9.05",
        "long_queue": "Jono voi olla pitkä",
        "booking_help": "Virkailija auttaa sinua varaamaan ajan.",
        "checked_in": "Olet ilmoittautunut ajanvaraukseesi.",
        "next": "Olet seuraavana vuorossa.",
    },
    "sv": {
        "title": "Könummer",
        "persons": "2 personer",
        "ahead": "Före dig i kön: 7",
        "wait": "Beräknad väntetid cirka 35 min",
        "form": "Fyll i ansökan färdigt innan det är din tur.",
        "issued": "Utskriven 14.3.2025 kl. 9.05",
        "long_queue": "Kön kan vara lång",
        "booking_help": "En handläggare hjälper dig att boka en tid.",
        "checked_in": "Du har anmält dig till din bokade tid.",
        "next": "Du står näst i tur.",
    },
    "en": {
        "title": "Waiting number",
        "persons": "2 persons",
        "ahead": "People ahead of you: 7",
        "wait": "Estimated wait about 35 min",
        "form": "Have your application filled in before your turn.",
        "issued": "Issued 14 March 2025 at 09:05",
        "long_queue": "The queue may be long",
        "booking_help": "A clerk will help you book an appointment.",
        "checked_in": "You have checked in for your appointment.",
        "next": "You are next in line.",
    },
}


def make_ticket(language="fi", kind="urgent", **changes) -> TicketFacts:
    values = dict(
        service_point_name="Helsinki, Malmi",
        number="A042",
        queue_name=QUEUE_NAMES.get(language, "Residence permit"),
        party_size=2,
        issued_at=datetime(2025, 3, 14, 9, 5, tzinfo=HELSINKI),
        people_ahead=7,
        estimated_wait_minutes=35,
        language=language,
        status_url=STATUS_URL,
        kind=kind,
    )
    values.update(changes)
    return TicketFacts(**values)


def printed(facts: TicketFacts):
    return decode(render_escpos(ticket_slip(facts)))


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_urgent_ticket_reads_right_in_each_language(language):
    expected = EXPECTED[language]
    receipt = printed(make_ticket(language))
    words = receipt.words

    number = receipt.line_containing("A042")
    assert number.text.strip() == "A042"
    assert number.style.bold and number.style.width == 4 and number.style.height == 4
    assert number.style.align == "center"
    assert receipt.line_containing(expected["title"]).style.align == "center"
    queue = receipt.line_containing(QUEUE_NAMES[language])
    assert queue.style.width == 2 and queue.style.bold

    for key in ("persons", "ahead", "wait", "form", "issued", "long_queue"):
        assert expected[key] in words, key
    assert receipt.line_containing(expected["form"].split()[0]).style.bold
    assert "Helsinki, Malmi" in words
    assert expected["booking_help"] not in words
    assert expected["checked_in"] not in words


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_ticket_ends_with_a_qr_code_of_the_status_page_and_a_cut(language):
    receipt = printed(make_ticket(language))

    assert [code.payload for code in receipt.qr_codes] == [STATUS_URL]
    assert len(receipt.cuts) == 1
    assert receipt.elements[-1] == receipt.cuts[0]
    # The address is also printed, for those who cannot scan it.
    assert STATUS_URL in receipt.words.replace(" ", "")


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_booking_help_ticket_says_a_clerk_will_help_book(language):
    words = printed(make_ticket(language, kind="booking_help", number="B007")).words

    assert EXPECTED[language]["booking_help"] in words
    assert "B007" in words
    assert EXPECTED[language]["form"] in words


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_appointment_check_in_ticket_says_so_without_queue_estimates(language):
    words = printed(make_ticket(language, kind="appointment", number="C003")).words

    assert EXPECTED[language]["checked_in"] in words
    assert EXPECTED[language]["ahead"] not in words
    assert EXPECTED[language]["wait"] not in words
    assert EXPECTED[language]["long_queue"] not in words


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_first_in_line_is_told_so_and_unknown_wait_is_left_out(language):
    words = printed(make_ticket(language, people_ahead=0, estimated_wait_minutes=None)).words

    assert EXPECTED[language]["next"] in words
    assert "35 min" not in words


def test_one_person_is_singular():
    assert "1 henkilö " in printed(make_ticket("fi", party_size=1)).words + " "
    assert "1 person " in printed(make_ticket("en", party_size=1)).words + " "
    assert "1 persons" not in printed(make_ticket("en", party_size=1)).words


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"language": "de"}, "language"),
        ({"kind": "vip"}, "kind"),
        ({"party_size": 0}, "party_size"),
        ({"people_ahead": -1}, "people_ahead"),
        ({"issued_at": datetime(2025, 3, 14, 9, 5)}, "issued_at"),
    ],
)
def test_impossible_ticket_facts_are_refused(changes, message):
    with pytest.raises(ValueError, match=message):
        make_ticket(**{"language": "fi", **changes})


def test_every_language_has_the_same_sentences():
    keys = {language: set(sentences) for language, sentences in WORDING.items()}
    assert keys["fi"] == keys["sv"] == keys["en"]


CONFIRMATION_EXPECTED = {
    "fi": ("Varaustunnus", "PIN-koodi", "Aika: to 17.4.2025 9.30", "menetät varatun ajan"),
    "sv": ("Bokningsnummer", "PIN-kod", "Tid: tors 17.4.2025 9.30", "förlorar du din bokade tid"),
    "en": (
        "Reservation key",
        "PIN code",
        "Time: Thu 17 April 2025 09:30",
        "you lose the appointment",
    ),
}


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_confirmation_slip_gives_key_pin_time_place_and_the_late_rule(language):
    facts = ConfirmationFacts(
        service_point_name="Tampere",
        service_point_address="Hatanpään valtatie 24, 33100 Tampere",
        starts_at=datetime(2025, 4, 17, 9, 30, tzinfo=HELSINKI),
        reservation_key="K7M-4QX-92B",
        pin="5821",
        party_size=3,
        language=language,
        manage_url="http://127.0.0.1:8000/booking/manage",
    )
    receipt = decode(render_escpos(confirmation_slip(facts)))
    words = receipt.words
    key_label, pin_label, when, late_rule = CONFIRMATION_EXPECTED[language]

    assert key_label in words and pin_label in words
    assert receipt.line_containing("K7M-4QX-92B").style.width == 2
    assert receipt.line_containing("5821").style.bold
    assert when in words
    assert "Hatanpään valtatie 24, 33100 Tampere" in words
    assert late_rule in words
    assert receipt.line_containing(late_rule.split()[-1]).style.bold
    assert WORDING[language]["bring"] in words
    assert WORDING[language]["bring_identity"] in words
    assert [code.payload for code in receipt.qr_codes] == ["http://127.0.0.1:8000/booking/manage"]
    assert len(receipt.cuts) == 1
