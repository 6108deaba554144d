"""The Finnish and Swedish catalogues are complete and safe to format.

For every message in shared/translations/messages.pot, each catalogue must have a translation
that is non-empty and not marked fuzzy, that uses exactly the same placeholders as the English
text (both the ``%(name)s`` style of the error messages and the ``{name}`` style that the
JavaScript fills in), and that is not simply the English text left in place.

A message with a plural (ngettext) must have every plural form of the language, each with the
placeholders of the English plural.

After new strings are extracted and ``pybabel update`` is run, these tests fail until the new
strings are translated: that is on purpose.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

TRANSLATIONS = Path(__file__).resolve().parents[2] / "shared" / "translations"
TEMPLATE = TRANSLATIONS / "messages.pot"
LANGUAGES = ("fi", "sv")

# %(name)s with any conversion type, and {name} as filled in by the JavaScript format().
PERCENT_PLACEHOLDER = re.compile(r"%\((\w+)\)[#0 +-]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]")
BRACE_PLACEHOLDER = re.compile(r"\{(\w+)\}")

# Messages whose translation may equal the English text. Keep this list short and justified:
# - "{minutes} min": "min" is the standard abbreviation for minutes in Finnish and Swedish too,
#   and a spelled-out word would need an inflection that depends on the number.
SAME_AS_ENGLISH = frozenset({"{minutes} min"})


def load(path: Path, locale: str | None = None) -> Catalog:
    """Read a .pot or .po file into a Babel catalogue."""
    with path.open("rb") as handle:
        return read_po(handle, locale=locale)


def placeholders(text: str) -> set[str]:
    """The placeholders in a text, both styles, marked by style so they cannot be confused."""
    return {f"%({name})" for name in PERCENT_PLACEHOLDER.findall(text)} | {
        f"{{{name}}}" for name in BRACE_PLACEHOLDER.findall(text)
    }


def template_ids() -> list[str | tuple[str, str]]:
    """Every msgid in the template, without the header entry: a text, or (singular, plural)."""
    return [message.id for message in load(TEMPLATE) if message.id]


def english(message_id: str | tuple[str, str]) -> str:
    """The English text to compare with: the plural one of a message with a plural."""
    return message_id[-1] if isinstance(message_id, tuple) else message_id


def forms(string) -> tuple[str, ...]:
    """A translation's forms: one, or one per plural form of the language."""
    return tuple(string) if isinstance(string, tuple | list) else (string,)


def catalogue(language: str) -> Catalog:
    """The .po catalogue of one language."""
    return load(TRANSLATIONS / language / "LC_MESSAGES" / "messages.po", locale=language)


def test_the_template_has_messages():
    ids = template_ids()
    assert ids
    plurals = [message_id for message_id in ids if isinstance(message_id, tuple)]
    assert all(len(message_id) == 2 for message_id in plurals)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated(language):
    translations = catalogue(language)
    problems = []
    for message_id in template_ids():
        message = translations.get(message_id)
        if message is None:
            problems.append(f"missing from the .po: {message_id!r}")
        elif message.fuzzy:
            problems.append(f"fuzzy: {message_id!r}")
        elif isinstance(message_id, tuple) and len(forms(message.string)) != 2:
            problems.append(f"not both plural forms: {message_id!r}")
        elif not all(isinstance(form, str) and form.strip() for form in forms(message.string)):
            problems.append(f"empty: {message_id!r}")
    assert not problems, f"{language}:\n" + "\n".join(problems)


@pytest.mark.parametrize("language", LANGUAGES)
def test_placeholders_match_the_english(language):
    translations = catalogue(language)
    problems = []
    for message_id in template_ids():
        message = translations.get(message_id)
        if message is None or not message.string:
            continue  # reported by test_every_message_is_translated
        expected = placeholders(english(message_id))
        for form in forms(message.string):
            found = placeholders(form)
            if expected != found:
                problems.append(f"{message_id!r}: expected {sorted(expected)}, got {sorted(found)}")
    assert not problems, f"{language}:\n" + "\n".join(problems)


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_english_left_in_place(language):
    translations = catalogue(language)
    problems = [
        repr(message_id)
        for message_id in template_ids()
        if message_id not in SAME_AS_ENGLISH
        and (message := translations.get(message_id)) is not None
        and any(
            isinstance(form, str) and form.strip() == english(message_id).strip()
            for form in forms(message.string)
        )
    ]
    assert not problems, f"{language}: still the English text:\n" + "\n".join(problems)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("At most %(limit)s persons.", {"%(limit)"}),
        ("{queue}: {count} waiting, about {minutes} min", {"{queue}", "{count}", "{minutes}"}),
        ("Number %(number)d at counter {counter}", {"%(number)", "{counter}"}),
        ("No placeholders; 100 % plain.", set()),
    ],
)
def test_placeholder_finder(text, expected):
    assert placeholders(text) == expected
