"""Login throttling: counted before the password check, locked after a few, never raced."""

from __future__ import annotations

import threading
from datetime import timedelta

from shared.accounts.login_throttle import (
    Lock,
    LoginKeys,
    forget_old_tries,
    record_failure,
    record_success,
    release_try,
    reserve_try,
)
from shared.config.accounts import AccountSettings
from shared.storage.connections import connect

SETTINGS = AccountSettings(
    failed_logins_before_lock=5, failed_logins_per_address=8, lock_minutes=15
)


def wrong_try(db, keys, now):
    """One try with a wrong password: the lock that refused it, or what the failure left."""
    lock = reserve_try(db, keys, SETTINGS, now)
    return lock if lock else record_failure(db, keys, SETTINGS, now)


def test_each_wrong_password_says_the_tries_left_then_locks(db, clock):
    keys = LoginKeys("tiina", "192.0.2.1")
    left = [wrong_try(db, keys, clock.now()).tries_left for _ in range(4)]
    assert left == [4, 3, 2, 1]
    fifth = wrong_try(db, keys, clock.now())
    assert fifth.lock == Lock("user", clock.now() + timedelta(minutes=15))


def test_a_lock_refuses_every_try_from_every_address_until_its_time(db, clock):
    for address in ("192.0.2.1", "192.0.2.2", "192.0.2.3", "192.0.2.4", "192.0.2.5"):
        wrong_try(db, LoginKeys("tiina", address), clock.now())
    locked_at = clock.now()
    clock.advance(minutes=14, seconds=59)
    # Whatever the password: nothing is counted, nothing would be checked.
    assert reserve_try(db, LoginKeys("tiina", "198.51.100.7"), SETTINGS, clock.now()) == Lock(
        "user", locked_at + timedelta(minutes=15)
    )
    clock.advance(seconds=1)
    assert reserve_try(db, LoginKeys("tiina", "198.51.100.7"), SETTINGS, clock.now()) is None


def test_the_right_password_forgets_the_failures_but_not_a_lock(db, clock):
    keys = LoginKeys("tiina", "192.0.2.1")
    for _ in range(3):
        wrong_try(db, keys, clock.now())
    assert reserve_try(db, keys, SETTINGS, clock.now()) is None
    record_success(db, keys, SETTINGS, clock.now())
    assert wrong_try(db, keys, clock.now()).tries_left == 4
    for _ in range(4):
        wrong_try(db, keys, clock.now())
    record_success(db, keys, SETTINGS, clock.now())  # a right try that was in flight
    assert isinstance(reserve_try(db, keys, SETTINGS, clock.now()), Lock)


def test_failures_older_than_the_lock_time_are_forgotten(db, clock):
    keys = LoginKeys("tiina", "192.0.2.1")
    for _ in range(4):
        wrong_try(db, keys, clock.now())
    clock.advance(minutes=15)
    assert wrong_try(db, keys, clock.now()).tries_left == 4


def test_one_address_trying_many_names_is_locked(db, clock):
    results = [wrong_try(db, LoginKeys(f"name{n}", "192.0.2.1"), clock.now()) for n in range(8)]
    assert results[-1].lock == Lock("address", clock.now() + timedelta(minutes=15))
    # A right password of a real account from there is refused too, until the lock's time.
    assert reserve_try(db, LoginKeys("tiina", "192.0.2.1"), SETTINGS, clock.now()).kind == (
        "address"
    )
    assert reserve_try(db, LoginKeys("tiina", "192.0.2.2"), SETTINGS, clock.now()) is None


def test_a_right_password_gives_the_address_its_try_back_only(db, clock):
    for n in range(6):
        wrong_try(db, LoginKeys(f"name{n}", "192.0.2.1"), clock.now())
    keys = LoginKeys("tiina", "192.0.2.1")
    assert reserve_try(db, keys, SETTINGS, clock.now()) is None
    record_success(db, keys, SETTINGS, clock.now())
    # Six failures stay: a valid account does not wash an address's record clean.
    assert wrong_try(db, LoginKeys("name6", "192.0.2.1"), clock.now()).tries_left == 1


def test_a_try_never_checked_is_given_back(db, clock):
    keys = LoginKeys("tiina", "192.0.2.1")
    wrong_try(db, keys, clock.now())
    assert reserve_try(db, keys, SETTINGS, clock.now()) is None
    release_try(db, keys, SETTINGS, clock.now())  # the server was too busy to check it
    assert wrong_try(db, keys, clock.now()).tries_left == 3


def test_sixteen_threads_at_once_check_no_more_passwords_than_the_limit(config, db, clock):
    """Every thread has its own connection to the one SQLite file, as requests do."""
    passed, refused = [], []
    start = threading.Barrier(16)

    def guess(number: int) -> None:
        own = connect(config.database)
        try:
            start.wait()
            keys = LoginKeys("tiina", f"192.0.2.{number}")
            lock = reserve_try(own, keys, SETTINGS, clock.now())
            (refused if lock else passed).append(number)
            if not lock:  # the password check would run here; it was wrong
                record_failure(own, keys, SETTINGS, clock.now())
        finally:
            own.close()

    threads = [threading.Thread(target=guess, args=(number,)) for number in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(passed) == SETTINGS.failed_logins_before_lock
    assert len(refused) == 16 - SETTINGS.failed_logins_before_lock


def test_old_rows_are_deleted(db, clock):
    wrong_try(db, LoginKeys("tiina", "192.0.2.1"), clock.now())
    for _ in range(5):
        wrong_try(db, LoginKeys("ville", "192.0.2.2"), clock.now())
    clock.advance(minutes=15)
    assert forget_old_tries(db, SETTINGS, clock.now()) == 4  # both names, both addresses
    assert db.execute("SELECT COUNT(*) FROM login_throttle").fetchone()[0] == 0
