"""PIN tries: counted and checked in one transaction, so a lock cannot be raced.

The concurrency tests use real threads on the real SQLite file, each with its own connection, as
each server thread has. PIN checks are counted by wrapping the real check (the hash comparison
still runs); the clock is the only thing the tests make up.
"""

from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta

import pytest

import shared.appointments.changes
from shared.appointments.booking import book_appointment, hold_slot
from shared.appointments.changes import authenticate
from shared.errors import DomainError
from shared.storage.connections import connect
from shared.storage.timestamps import parse_utc
from tests.appointment_helpers import MONDAY_EARLY, local, one_day_config

GUESSERS = 16


def book(db, config):
    """Book the first travel-document time at Helsinki; returns (reservation key, PIN)."""
    held = hold_slot(
        db,
        config,
        service_point_id="helsinki",
        category="travel_document",
        party_size=1,
        starts_at=local(9),
        now=MONDAY_EARLY,
    )
    booking = book_appointment(
        db,
        config,
        hold_token=held.token,
        email="anna@example.fi",
        phone=None,
        language="fi",
        now=MONDAY_EARLY,
    )
    return booking.appointment.reservation_key, booking.pin


def wrong_pins(pin: str, count: int) -> list[str]:
    """`count` different six-digit guesses, none of them `pin`."""
    guesses = (f"{number:06d}" for number in range(100, 1_000_000, 7919))
    return [guess for guess in guesses if guess != pin][:count]


@pytest.fixture
def small(config):
    """Only Monday 30 November 2026 bookable at Helsinki: the appointment is in the future."""
    return one_day_config(config)


@pytest.fixture
def pin_checks(monkeypatch):
    """Every call of the real PIN check, counted (thread-safe); the check itself still runs."""
    real_check = shared.appointments.changes._pin_matches
    checks: list[bool] = []
    guard = threading.Lock()

    def counting_check(pin_hash, pin):
        matched = real_check(pin_hash, pin)
        with guard:
            checks.append(matched)
        return matched

    monkeypatch.setattr(shared.appointments.changes, "_pin_matches", counting_check)
    return checks


def try_pin(db, config, key, pin, now):
    """One try: the appointment, or the refusal as (code, params)."""
    try:
        return authenticate(db, config, key, pin, now)
    except DomainError as error:
        return error.code, error.params


def run_at_once(path: str, count: int, work) -> list:
    """Start `count` threads together, each with its own connection, on `work(db, index)`."""
    barrier = threading.Barrier(count)
    results: list = [None] * count
    errors: list[BaseException] = []

    def target(index: int) -> None:
        connection = connect(path)
        try:
            barrier.wait(timeout=30)
            results[index] = work(connection, index)
        except BaseException as error:  # handed to the test thread below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=target, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    if errors:
        raise errors[0]
    return results


def stored_lock(db, key):
    """The lock's end as stored for the key, or None."""
    row = db.execute("SELECT locked_until FROM pin_failures WHERE reservation_key = ?", [key])
    found = row.fetchone()
    return parse_utc(found[0]) if found and found[0] else None


def test_sixteen_guessers_at_once_check_no_more_pins_than_the_limit(db, small, pin_checks):
    key, pin = book(db, small)
    limit = small.appointments.wrong_pins_before_lock
    guesses = wrong_pins(pin, GUESSERS)
    # Each guesser's request began a second after the one before, and they all arrive at once.
    moments = [MONDAY_EARLY + timedelta(seconds=index) for index in range(GUESSERS)]

    answers = run_at_once(
        small.database,
        GUESSERS,
        lambda connection, index: try_pin(connection, small, key, guesses[index], moments[index]),
    )

    assert len(pin_checks) == limit
    assert not any(pin_checks)
    assert Counter(code for code, _ in answers) == {
        "wrong_key_or_pin": limit,
        "key_locked": GUESSERS - limit,
    }
    wrong = [params for code, params in answers if code == "wrong_key_or_pin"]
    # Each checked try saw the count the one before it left: no two counted the same try.
    assert sorted(params["tries_left"] for params in wrong) == list(range(limit))
    (locking,) = [params for params in wrong if params["tries_left"] == 0]
    lock_ends = locking["locked_until"]
    assert {params["locked_until"] for code, params in answers if code == "key_locked"} == {
        lock_ends
    }
    # No try that was in flight when the lock was made cleared, shortened or moved it.
    assert stored_lock(db, key) == lock_ends
    assert lock_ends - timedelta(minutes=small.appointments.lock_minutes) in moments

    after = try_pin(db, small, key, pin, moments[-1] + timedelta(seconds=1))
    assert after == ("key_locked", after[1])
    assert after[1]["locked_until"] == lock_ends
    assert len(pin_checks) == limit  # refused before any PIN was checked
    assert stored_lock(db, key) == lock_ends

    opened = try_pin(db, small, key, pin, lock_ends)
    assert opened.reservation_key == key
    assert stored_lock(db, key) is None


def test_right_pins_at_once_are_refused_while_locked_and_clear_nothing(db, small, pin_checks):
    key, pin = book(db, small)
    limit = small.appointments.wrong_pins_before_lock
    for guess in wrong_pins(pin, limit):
        try_pin(db, small, key, guess, MONDAY_EARLY)
    lock_ends = stored_lock(db, key)
    assert lock_ends == MONDAY_EARLY + timedelta(minutes=small.appointments.lock_minutes)
    checks_before = len(pin_checks)
    guesses = wrong_pins(pin, GUESSERS)
    tries = [pin if index % 2 else guesses[index] for index in range(GUESSERS)]

    answers = run_at_once(
        small.database,
        GUESSERS,
        lambda connection, index: try_pin(
            connection, small, key, tries[index], MONDAY_EARLY + timedelta(minutes=1)
        ),
    )

    assert [code for code, _ in answers] == ["key_locked"] * GUESSERS
    assert {params["locked_until"] for _, params in answers} == {lock_ends}
    assert len(pin_checks) == checks_before
    assert stored_lock(db, key) == lock_ends


def test_tries_left_count_down_and_the_locking_try_says_until_when(db, small):
    key, pin = book(db, small)
    rules = small.appointments
    guesses = wrong_pins(pin, rules.wrong_pins_before_lock + 1)
    answers = [try_pin(db, small, key, guess, MONDAY_EARLY) for guess in guesses]
    lock_ends = MONDAY_EARLY + timedelta(minutes=rules.lock_minutes)
    assert [params.get("tries_left") for _, params in answers] == [4, 3, 2, 1, 0, None]
    assert [params.get("locked_until") for _, params in answers] == [None] * 4 + [lock_ends] * 2
    assert answers[-1] == (
        "key_locked",
        {"minutes": rules.lock_minutes, "locked_until": lock_ends},
    )
    almost = try_pin(db, small, key, pin, lock_ends - timedelta(seconds=30))
    assert almost == ("key_locked", {"minutes": 1, "locked_until": lock_ends})
    # Once the lock has ended, counting starts over.
    code, params = try_pin(db, small, key, guesses[0], lock_ends)
    assert (code, params["tries_left"], params.get("locked_until")) == ("wrong_key_or_pin", 4, None)


def test_a_right_pin_forgets_the_wrong_tries(db, small):
    key, pin = book(db, small)
    guesses = wrong_pins(pin, 2)
    for guess in guesses:
        try_pin(db, small, key, guess, MONDAY_EARLY)
    assert try_pin(db, small, key, pin, MONDAY_EARLY).reservation_key == key
    code, params = try_pin(db, small, key, guesses[0], MONDAY_EARLY)
    assert (code, params["tries_left"]) == ("wrong_key_or_pin", 4)


def test_a_try_begun_before_the_lock_and_arriving_after_it_changes_nothing(db, small):
    """A request that took its time before another try locked the key, and reaches the database
    after: it is refused, and the lock keeps its end."""
    key, pin = book(db, small)
    rules = small.appointments
    later = MONDAY_EARLY + timedelta(minutes=5)
    for guess in wrong_pins(pin, rules.wrong_pins_before_lock):
        try_pin(db, small, key, guess, later)
    for attempt in (pin, wrong_pins(pin, 1)[0]):
        code, params = try_pin(db, small, key, attempt, MONDAY_EARLY)
        assert code == "key_locked"
        assert params["locked_until"] == later + timedelta(minutes=rules.lock_minutes)
    assert stored_lock(db, key) == later + timedelta(minutes=rules.lock_minutes)


def test_unknown_keys_count_down_like_known_ones(db, small):
    """Else the tries left would tell which keys exist."""
    key, pin = book(db, small)
    unknown = "ACEFHJKM" if key != "ACEFHJKM" else "ACEFHJKN"
    guess = wrong_pins(pin, 1)[0]
    known_answers = [try_pin(db, small, key, guess, MONDAY_EARLY) for _ in range(6)]
    unknown_answers = [try_pin(db, small, unknown, guess, MONDAY_EARLY) for _ in range(6)]
    assert known_answers == unknown_answers
