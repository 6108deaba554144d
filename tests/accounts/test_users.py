"""Accounts: the service points a user may work at, disabling, removing, and new passwords."""

from __future__ import annotations

import pytest

from shared.accounts.sessions import find_session, start_session
from shared.accounts.users import (
    MINIMUM_PASSWORD_LENGTH,
    accounts_with_password,
    add_user,
    authenticate,
    get_user,
    list_users,
    new_one_time_password,
    remove_user,
    set_disabled,
    set_password,
    set_service_points,
)
from shared.config.accounts import AccountSettings
from shared.errors import DomainError

KNOWN = ("helsinki", "tampere")
SETTINGS = AccountSettings()


def test_a_clerk_of_some_points_may_work_only_there(db, clock):
    user = add_user(db, "tiina", "long-password", "clerk", clock.now(), ["tampere"], KNOWN)
    assert user.service_points == ("tampere",)
    assert user.may_work_at("tampere") and not user.may_work_at("helsinki")
    assert get_user(db, "tiina") == user


def test_every_point_by_default(db, clock):
    admin = add_user(db, "anna", "long-password", "admin", clock.now())
    assert admin.service_points is None
    assert admin.may_work_at("helsinki") and admin.may_work_at("tampere")


@pytest.mark.parametrize(
    ("points", "code"),
    [(["oulu"], "unknown_service_points"), (["helsinki", "oulu"], "unknown_service_points")],
)
def test_unknown_points_are_refused_by_name(db, clock, points, code):
    with pytest.raises(DomainError) as refused:
        add_user(db, "tiina", "long-password", "clerk", clock.now(), points, KNOWN)
    assert refused.value.code == code
    assert refused.value.params == {"service_points": "oulu", "known": "helsinki, tampere"}
    assert list_users(db) == []


def test_an_empty_list_of_points_is_refused(db, clock):
    add_user(db, "tiina", "long-password", "clerk", clock.now(), ["tampere"], KNOWN)
    with pytest.raises(DomainError) as refused:
        set_service_points(db, "tiina", [" ", ""], KNOWN)
    assert refused.value.code == "service_points_required"
    assert get_user(db, "tiina").service_points == ("tampere",)


def test_points_can_change_and_become_all(db, clock):
    add_user(db, "tiina", "long-password", "clerk", clock.now(), ["tampere"], KNOWN)
    assert set_service_points(db, "tiina", ["helsinki", "tampere", "helsinki"], KNOWN) == (
        get_user(db, "tiina")
    )
    assert get_user(db, "tiina").service_points == ("helsinki", "tampere")
    set_service_points(db, "tiina", None, KNOWN)
    assert get_user(db, "tiina").service_points is None


def test_a_new_password_ends_the_sessions_and_the_old_one_stops_working(db, clock):
    add_user(db, "tiina", "old-password", "clerk", clock.now())
    session_id = start_session(db, "tiina", SETTINGS, clock.now())
    set_password(db, "tiina", "new-password", clock.now())
    assert find_session(db, session_id, SETTINGS, clock.now()) is None
    assert authenticate(db, "tiina", "old-password") is None
    assert authenticate(db, "tiina", "new-password").username == "tiina"


def test_a_short_new_password_is_refused_and_the_sessions_stay(db, clock):
    add_user(db, "tiina", "old-password", "clerk", clock.now())
    session_id = start_session(db, "tiina", SETTINGS, clock.now())
    with pytest.raises(DomainError) as refused:
        set_password(db, "tiina", "short", clock.now())
    assert refused.value.code == "password_too_short"
    assert find_session(db, session_id, SETTINGS, clock.now()) is not None


def test_disabling_ends_the_sessions_until_enabled_again(db, clock):
    add_user(db, "tiina", "long-password", "clerk", clock.now())
    session_id = start_session(db, "tiina", SETTINGS, clock.now())
    set_disabled(db, "tiina", True, clock.now())
    assert get_user(db, "tiina").is_disabled
    assert find_session(db, session_id, SETTINGS, clock.now()) is None
    set_disabled(db, "tiina", False, clock.now())
    assert not get_user(db, "tiina").is_disabled
    assert find_session(db, session_id, SETTINGS, clock.now()) is None  # ended, not paused


def test_removing_deletes_the_account_and_its_sessions(db, clock):
    add_user(db, "tiina", "long-password", "clerk", clock.now())
    start_session(db, "tiina", SETTINGS, clock.now())
    remove_user(db, "tiina")
    assert get_user(db, "tiina") is None
    assert db.execute("SELECT COUNT(*) FROM clerk_sessions").fetchone()[0] == 0


@pytest.mark.parametrize(
    "change",
    [
        lambda db, now: set_password(db, "nobody", "long-password", now),
        lambda db, now: set_disabled(db, "nobody", True, now),
        lambda db, now: remove_user(db, "nobody"),
        lambda db, now: set_service_points(db, "nobody", ["tampere"], KNOWN),
    ],
)
def test_an_unknown_user_is_named(db, clock, change):
    with pytest.raises(DomainError) as refused:
        change(db, clock.now())
    assert (refused.value.code, refused.value.params) == ("unknown_user", {"username": "nobody"})


def test_accounts_with_a_given_password(db, clock):
    add_user(db, "clerk1", "jono-demo-1", "clerk", clock.now())
    add_user(db, "clerk2", "jono-demo-2", "clerk", clock.now())
    add_user(db, "admin", "jono-admin", "admin", clock.now())
    demo = [("clerk1", "jono-demo-1"), ("clerk2", "jono-demo-2"), ("admin", "jono-admin")]
    assert accounts_with_password(db, demo) == ["clerk1", "clerk2", "admin"]
    set_password(db, "clerk1", "a-secret-one", clock.now())
    set_disabled(db, "clerk2", True, clock.now())  # cannot log in, so no danger
    remove_user(db, "admin")
    assert accounts_with_password(db, demo) == []


def test_the_roles_and_what_each_may_manage(db, clock):
    clerk = add_user(db, "kalle", "long-password", "clerk", clock.now(), ["helsinki"])
    manager = add_user(db, "tuula", "long-password", "manager", clock.now(), ["tampere"])
    admin = add_user(db, "anna", "long-password", "admin", clock.now())
    assert [clerk.is_manager, manager.is_manager, admin.is_manager] == [False, True, True]
    assert not clerk.may_manage("helsinki")
    assert manager.may_manage("tampere") and not manager.may_manage("helsinki")
    assert admin.may_manage("helsinki") and admin.may_manage("tampere")
    assert manager.may_work_at("tampere")  # a manager may also sit at a counter of theirs


def test_a_guard_refuses_inside_the_change_and_nothing_changes(db, clock):
    add_user(db, "kalle", "long-password", "clerk", clock.now(), ["helsinki"])

    def refuse(account):
        assert account.username == "kalle"
        raise DomainError("account_not_managed", status=403)

    with pytest.raises(DomainError):
        set_disabled(db, "kalle", True, clock.now(), refuse)
    with pytest.raises(DomainError):
        set_password(db, "kalle", "another-password", clock.now(), refuse)
    assert not get_user(db, "kalle").is_disabled
    assert authenticate(db, "kalle", "long-password") is not None


def test_one_time_passwords_are_long_enough_and_differ():
    passwords = {new_one_time_password() for _ in range(50)}
    assert len(passwords) == 50
    assert all(len(password) >= MINIMUM_PASSWORD_LENGTH for password in passwords)
