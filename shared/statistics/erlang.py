"""Erlang C: how many counters a stream of customers needs, and how long they wait.

The model is the M/M/N queue: customers arrive at random (a Poisson stream) at a steady rate,
service times vary at random (exponentially) about their mean, N counters serve one queue in
order of arrival and nobody leaves the queue. The offered load A (in Erlangs) is the arrival
rate times the mean service time: how many counters the work would keep busy all the time.

Erlang C is computed from the Erlang B recursion, B(0) = 1, B(n) = A·B(n−1) / (n + A·B(n−1)),
then C = N·B / (N − A·(1 − B)). Every step stays between 0 and 1, so no factorial or power
overflows however many counters there are (the textbook form A^N/N! overflows a float past
about 170 counters and loses precision long before).
"""

from __future__ import annotations

import math

SECONDS_PER_HOUR = 3600


def erlang_b(agents: int, load: float) -> float:
    """The probability that all `agents` are busy when nobody may queue (Erlang B, the blocking
    probability): the building block of Erlang C.

    :param agents: the number of servers, 0 or more
    :param load: the offered load in Erlangs, 0 or more
    """
    _check(agents, load)
    blocking = 1.0
    for servers in range(1, agents + 1):
        blocking = load * blocking / (servers + load * blocking)
    return blocking


def erlang_c(agents: int, load: float) -> float:
    """The probability that a customer has to wait (Erlang C, "Pw"): 1 when the counters
    cannot keep up (agents ≤ load), 0 when nobody comes.

    :param agents: the number of counters open, 0 or more
    :param load: the offered load in Erlangs (arrivals per hour × mean service hours)
    """
    _check(agents, load)
    if load == 0:
        return 0.0
    if agents <= load:
        return 1.0
    blocking = erlang_b(agents, load)
    return agents * blocking / (agents - load * (1 - blocking))


def offered_load(arrivals_per_hour: float, mean_service_seconds: float) -> float:
    """The offered load in Erlangs: arrivals per hour × mean service time in hours."""
    if arrivals_per_hour < 0 or mean_service_seconds < 0:
        raise ValueError("arrivals and service time must not be negative")
    return arrivals_per_hour * mean_service_seconds / SECONDS_PER_HOUR


def service_level(
    agents: int, arrivals_per_hour: float, mean_service_seconds: float, target_seconds: float
) -> float:
    """The share of customers called within `target_seconds`: 1 − C·e^(−(N−A)·t/AHT).

    0 when the counters cannot keep up (the queue grows without end), 1 when nobody comes.

    :param agents: the number of counters open (N)
    :param arrivals_per_hour: customers arriving per hour (λ)
    :param mean_service_seconds: the mean service time (AHT), more than 0 when anyone comes
    :param target_seconds: the wait each customer should be called within (t)
    """
    load = offered_load(arrivals_per_hour, mean_service_seconds)
    if load == 0:
        return 1.0
    if agents <= load:
        return 0.0
    waiting = erlang_c(agents, load)
    return 1.0 - waiting * math.exp(-(agents - load) * target_seconds / mean_service_seconds)


def mean_wait_seconds(agents: int, arrivals_per_hour: float, mean_service_seconds: float) -> float:
    """The mean wait of all customers (those called at once count as 0): C·AHT / (N − A).

    `math.inf` when the counters cannot keep up (agents ≤ load), 0 when nobody comes.

    :param agents: the number of counters open (N)
    :param arrivals_per_hour: customers arriving per hour (λ)
    :param mean_service_seconds: the mean service time (AHT)
    """
    load = offered_load(arrivals_per_hour, mean_service_seconds)
    if load == 0:
        return 0.0
    if agents <= load:
        return math.inf
    return erlang_c(agents, load) * mean_service_seconds / (agents - load)


def agents_needed(
    arrivals_per_hour: float,
    mean_service_seconds: float,
    target_seconds: float,
    target_level: float,
    max_agents: int = 50,
) -> int:
    """The fewest counters that call `target_level` of the customers within `target_seconds`:
    the least N > A whose service level reaches the target, 0 when nobody comes, and
    `max_agents` when even that many fall short (check `service_level` to tell).

    :param arrivals_per_hour: customers arriving per hour (λ)
    :param mean_service_seconds: the mean service time (AHT)
    :param target_seconds: the wait each customer should be called within
    :param target_level: the share to be called within it, 0..1 (0.8 for 80 %)
    :param max_agents: the most counters to consider
    """
    if not 0 <= target_level <= 1:
        raise ValueError("target_level is a share between 0 and 1")
    load = offered_load(arrivals_per_hour, mean_service_seconds)
    if load == 0:
        return 0
    agents = math.floor(load) + 1
    while agents < max_agents:
        level = service_level(agents, arrivals_per_hour, mean_service_seconds, target_seconds)
        if level >= target_level:
            return agents
        agents += 1
    return max_agents


def _check(agents: int, load: float) -> None:
    """Refuse a negative number of counters or a negative load."""
    if agents < 0 or load < 0:
        raise ValueError("agents and load must not be negative")
