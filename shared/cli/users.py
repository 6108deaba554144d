"""`jono users`: add, list, passwd, disable, enable, remove and points of clerk, manager and
admin accounts.

A password is read from a prompt (twice) on a terminal, else as one line of standard input, so
scripts can pipe it in and it never appears in the process list or the shell's history.
Changing a password, disabling or removing an account ends its sessions at once; a counter the
user held is freed by the server within a minute (`shared.web.ended_sessions`).
"""

from __future__ import annotations

import argparse
import getpass
import sys

from shared.accounts.users import (
    ROLES,
    accounts_with_password,
    add_user,
    checked_service_points,
    list_users,
    remove_user,
    require_user,
    set_disabled,
    set_password,
    set_service_points,
)
from shared.clock import SystemClock
from shared.errors import DomainError
from shared.storage.connections import connect
from shared.storage.migrations import migrate

EVERY_POINT = "all"
# What the operator reads for the refusals these commands meet (the web's texts are Babel's).
MESSAGES = {
    "unknown_service_points": "there is no service point {service_points}"
    " (the service points are: {known})",
    "service_points_required": "give the service points the user may work at",
    "unknown_user": "there is no user called {username}",
    "password_too_short": "the password must have at least {minimum} characters",
    "invalid_username": "a user name has 2 to 40 letters, digits, dots or dashes",
    "username_taken": "the user name {username} is already taken",
    "invalid_role": "the role must be clerk, manager or admin",
}


def add_parsers(commands) -> list[argparse.ArgumentParser]:
    """Add `users` and its subcommands to the `jono` parser; return every parser that takes
    `--config` after its name."""
    users = commands.add_parser("users", help="manage clerk, manager and admin accounts")
    user_commands = users.add_subparsers(dest="users_command", required=True)
    add = user_commands.add_parser("add", help="add an account (password from a prompt or stdin)")
    add.add_argument("name")
    add.add_argument(
        "--role",
        choices=ROLES,
        default="clerk",
        help="clerk: the counters; manager: also the manager pages of their points;"
        " admin: everything",
    )
    add.add_argument(
        "--service-points",
        help="comma-separated ids of the points the user may work at, or 'all'"
        " (required for clerks and managers; admins: default all)",
    )
    user_commands.add_parser("list", help="list the accounts: role, service points, state")
    passwd = user_commands.add_parser(
        "passwd", help="set a new password (prompt or stdin); ends the user's sessions"
    )
    disable = user_commands.add_parser(
        "disable", help="stop an account from logging in; ends its sessions"
    )
    enable = user_commands.add_parser("enable", help="let a disabled account log in again")
    remove = user_commands.add_parser("remove", help="delete an account; ends its sessions")
    for sub in (passwd, disable, enable, remove):
        sub.add_argument("name")
    points = user_commands.add_parser("points", help="change the points a user may work at")
    points.add_argument("name")
    points.add_argument("service_points", help="comma-separated point ids, or 'all'")
    return list(user_commands.choices.values())


def read_password(name: str) -> str | None:
    """A password from the terminal (asked twice) or one line of stdin; None if they differ."""
    if sys.stdin.isatty():
        password = getpass.getpass(f"Password for {name}: ")
        if getpass.getpass("Again: ") != password:
            return None
        return password
    return sys.stdin.readline().rstrip("\n")


def parse_points(text: str | None) -> list[str] | None:
    """'helsinki,tampere' as a list, 'all' as None (every point)."""
    if text is None or text.strip() == EVERY_POINT:
        return None
    return [point.strip() for point in text.split(",")]


def describe_points(points: tuple[str, ...] | None) -> str:
    """How `list` shows a user's points."""
    return EVERY_POINT if points is None else ",".join(points)


def run_users(args, config) -> int:
    """Run one `jono users` subcommand; a refusal is said in words, with its code."""
    db = connect(config.database)
    migrate(db)
    try:
        return _run(args, config, db)
    except DomainError as error:
        text = MESSAGES.get(error.code, error.code).format(**error.params)
        print(f"jono: {text} ({error.code})", file=sys.stderr)
        return 1
    finally:
        db.close()


def _run(args, config, db) -> int:
    known = [point.id for point in config.service_points]
    now = SystemClock().now()
    command = args.users_command
    if command == "list":
        for user in list_users(db):
            state = "disabled" if user.is_disabled else "enabled"
            print(f"{user.username}\t{user.role}\t{describe_points(user.service_points)}\t{state}")
    elif command == "add":
        return _add(args, db, known, now)
    elif command == "passwd":
        require_user(db, args.name)  # before the password is asked for
        password = read_password(args.name)
        if password is None:
            print("jono: the passwords differ", file=sys.stderr)
            return 1
        set_password(db, args.name, password, now)
        print(f"Changed the password of {args.name}; their sessions have ended.")
    elif command == "disable":
        set_disabled(db, args.name, True, now)
        print(f"Disabled {args.name}; their sessions have ended.")
    elif command == "enable":
        set_disabled(db, args.name, False, now)
        print(f"Enabled {args.name}.")
    elif command == "remove":
        remove_user(db, args.name)
        print(f"Removed {args.name}; their sessions have ended.")
    else:
        user = set_service_points(db, args.name, parse_points(args.service_points), known)
        print(f"{user.username} may work at: {describe_points(user.service_points)}.")
    return 0


def _add(args, db, known: list[str], now) -> int:
    """`jono users add`: the points are checked before the password is asked for."""
    if args.role in ("clerk", "manager") and args.service_points is None:
        print(
            f"jono: a {args.role} needs --service-points, the ids of the points they may work"
            f" at ({', '.join(known)}), or 'all'",
            file=sys.stderr,
        )
        return 1
    points = checked_service_points(parse_points(args.service_points), known)
    password = read_password(args.name)
    if password is None:
        print("jono: the passwords differ", file=sys.stderr)
        return 1
    user = add_user(db, args.name, password, args.role, now, points, known)
    print(f"Added {user.role} {user.username}.")
    print(f"{user.username} may work at: {describe_points(user.service_points)}.")
    return 0


def demo_accounts_in_use(config, demo_users) -> list[str]:
    """The demo accounts whose published password still works (enabled, not changed).

    :param demo_users: (name, password, role, service points), as `jono init-db --demo` makes them
    """
    db = connect(config.database)
    try:
        migrate(db)
        return accounts_with_password(db, [(name, password) for name, password, *_ in demo_users])
    finally:
        db.close()
