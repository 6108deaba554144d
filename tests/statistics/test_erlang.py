"""Erlang C against published values, and its edges."""

from __future__ import annotations

import math

import pytest

from shared.statistics.erlang import (
    agents_needed,
    erlang_b,
    erlang_c,
    mean_wait_seconds,
    offered_load,
    service_level,
)

# Call Centre Helper's worked example of the Erlang C formula ("Erlang C Formula - Made Simple
# with an Easy Worked Example"): 100 calls in 30 minutes (200 an hour), 3 minutes each, so
# A = 10 Erlangs, and a target of 80 % answered within 20 seconds. Its table for 11 to 14
# agents gives the probability of waiting, the service level and, for 13, the mean wait.
CALLS_PER_HOUR = 200
HANDLE_SECONDS = 180
TARGET_SECONDS = 20


@pytest.mark.parametrize(
    ("agents", "waiting", "level"),
    [(11, 0.6821, 0.3896), (12, 0.4494, 0.6402), (13, 0.2853, 0.7956), (14, 0.1741, 0.8884)],
)
def test_the_worked_example_of_ten_erlangs(agents, waiting, level):
    """Pw and the service level of Call Centre Helper's example, to 1e-3."""
    assert offered_load(CALLS_PER_HOUR, HANDLE_SECONDS) == pytest.approx(10)
    assert erlang_c(agents, 10) == pytest.approx(waiting, abs=1e-3)
    assert service_level(agents, CALLS_PER_HOUR, HANDLE_SECONDS, TARGET_SECONDS) == pytest.approx(
        level, abs=1e-3
    )


def test_the_worked_example_needs_fourteen_agents_for_eighty_percent():
    """13 agents reach 79.6 %, just short of 80 %: the answer is 14, with a mean wait of 7.8 s
    (and 17.1 s with 13)."""
    assert agents_needed(CALLS_PER_HOUR, HANDLE_SECONDS, TARGET_SECONDS, 0.8) == 14
    assert mean_wait_seconds(13, CALLS_PER_HOUR, HANDLE_SECONDS) == pytest.approx(17.12, abs=1e-2)
    assert mean_wait_seconds(14, CALLS_PER_HOUR, HANDLE_SECONDS) == pytest.approx(7.84, abs=1e-2)


@pytest.mark.parametrize(
    ("agents", "load", "blocking"),
    # The Erlang B table (blocking probability by lines and offered traffic), as printed in
    # teletraffic handbooks such as the ITU-D Teletraffic Engineering Handbook.
    [(5, 2.0, 0.0367), (10, 10.0, 0.2146), (1, 1.0, 0.5), (2, 1.0, 0.2)],
)
def test_erlang_b_against_its_table(agents, load, blocking):
    """The recursion Erlang C is built on gives the table's blocking probabilities."""
    assert erlang_b(agents, load) == pytest.approx(blocking, abs=1e-3)


def test_one_counter_is_the_single_server_queue():
    """With one counter Erlang C is the M/M/1 queue: Pw is the utilisation, the mean wait
    ρ/(1−ρ) service times."""
    assert erlang_c(1, 0.5) == pytest.approx(0.5)
    assert mean_wait_seconds(1, 30, 60) == pytest.approx(60.0)  # ρ = 0.5: one service time


def _textbook_erlang_c(agents: int, load: float) -> float:
    """The textbook form, A^N/N!·N/(N−A) over the sum, in logarithms so it does not overflow."""
    terms = [k * math.log(load) - math.lgamma(k + 1) for k in range(agents)]
    last = agents * math.log(load) - math.lgamma(agents + 1) + math.log(agents / (agents - load))
    biggest = max([*terms, last])
    total = sum(math.exp(t - biggest) for t in terms) + math.exp(last - biggest)
    return math.exp(last - biggest) / total


@pytest.mark.parametrize(("agents", "load"), [(50, 45.0), (50, 49.9), (300, 280.0)])
def test_many_counters_do_not_overflow(agents, load):
    """50 counters (and 300) give the textbook value: 45^50/50! alone is past 1e17, and
    factorials overflow floats past 170."""
    assert erlang_c(agents, load) == pytest.approx(_textbook_erlang_c(agents, load), rel=1e-9)


@pytest.mark.parametrize("agents", [0, 5, 10])
def test_counters_that_cannot_keep_up(agents):
    """N ≤ A: everyone waits, the queue grows without end, nobody is called within target."""
    assert erlang_c(agents, 10.0) == 1.0
    assert service_level(agents, 200, 180, 20) == 0.0
    assert mean_wait_seconds(agents, 200, 180) == math.inf


def test_nobody_coming_needs_no_counter():
    """Zero arrivals: no counter needed, nobody waits."""
    assert agents_needed(0, 600, 1800, 0.8) == 0
    assert erlang_c(3, 0.0) == 0.0
    assert service_level(0, 0, 600, 1800) == 1.0
    assert mean_wait_seconds(0, 0, 600) == 0.0


def test_the_answer_is_the_least_count_meeting_the_target():
    """agents_needed gives a count that meets the target while one fewer does not."""
    for arrivals in (1, 7.5, 12, 30, 61):
        needed = agents_needed(arrivals, 600, 1800, 0.8)
        assert needed > offered_load(arrivals, 600)
        assert service_level(needed, arrivals, 600, 1800) >= 0.8
        if needed - 1 > offered_load(arrivals, 600):
            assert service_level(needed - 1, arrivals, 600, 1800) < 0.8


def test_the_cap_of_counters():
    """Past `max_agents` the answer is the cap: 100 Erlangs cannot be served by 50."""
    assert agents_needed(600, 600, 1800, 0.8) == 50
    assert agents_needed(600, 600, 1800, 0.8, max_agents=120) > 100
    assert agents_needed(200, 180, 20, 0.8, max_agents=12) == 12


def test_a_stricter_target_needs_more_counters():
    """A shorter target wait or a higher share needs more counters (A = 5 Erlangs here)."""
    assert agents_needed(30, 600, 600, 0.8) > agents_needed(30, 600, 1800, 0.8)
    assert agents_needed(30, 600, 1800, 0.99) > agents_needed(30, 600, 1800, 0.5)


def test_nonsense_is_refused():
    """Negative counts and shares outside 0..1 are programming errors."""
    with pytest.raises(ValueError):
        erlang_c(-1, 2.0)
    with pytest.raises(ValueError):
        erlang_c(2, -1.0)
    with pytest.raises(ValueError):
        agents_needed(10, 600, 1800, 80)
