"""Slow work keeps to its own small limit: a caller beyond it is refused, not queued forever."""

from __future__ import annotations

import threading

import pytest

from shared.errors import DomainError
from shared.web.slow_work import SlowWorkLimit, off_the_loop


def test_a_caller_beyond_the_limit_is_refused_as_busy_and_a_freed_place_is_used_again():
    limit = SlowWorkLimit(2, wait_seconds=0.05)
    inside = threading.Event()
    release = threading.Event()

    def hold():
        with limit.place():
            inside.set()
            release.wait(5)

    holders = [threading.Thread(target=hold) for _ in range(2)]
    for holder in holders:
        holder.start()
    inside.wait(5)
    while limit._places.acquire(blocking=False):  # wait until both places are held
        limit._places.release()
    with pytest.raises(DomainError) as refused:
        with limit.place():
            pass
    assert (refused.value.code, refused.value.status) == ("busy", 503)
    release.set()
    for holder in holders:
        holder.join()
    with limit.place():  # both places were given back
        with limit.place():
            pass


def test_work_off_the_loop_returns_its_result_without_gevent():
    assert off_the_loop(sum, [1, 2, 3]) == 6
