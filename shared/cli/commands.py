"""The `jono` command: serve, init-db, users, ticket-preview, worker."""

from __future__ import annotations

import argparse
import getpass
import logging
import signal
import sys

from printers.preview import sample_ticket, write_preview
from shared.accounts.users import add_user, list_users
from shared.cli.server import DEFAULT_CONNECTIONS, serve
from shared.clock import SystemClock
from shared.config import ConfigError, load_config
from shared.errors import DomainError
from shared.notifications.sender import NotificationSender
from shared.storage.connections import connect
from shared.storage.migrations import migrate

DEMO_USERS = (
    ("clerk1", "jono-demo-1", "clerk"),
    ("clerk2", "jono-demo-2", "clerk"),
    ("admin", "jono-admin", "admin"),
)


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run a subcommand; return the exit status."""
    parser = argparse.ArgumentParser(prog="jono", description="Jono queue and appointment system")
    parser.add_argument(
        "--config", default="config.toml", help="path of config.toml (default ./config.toml)"
    )
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser(
        "serve", help="run the server (gunicorn, one event-driven gevent worker)"
    )
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument(
        "--connections",
        type=int,
        default=DEFAULT_CONNECTIONS,
        help=f"the most sockets and requests at once (default {DEFAULT_CONNECTIONS})",
    )

    init_db = commands.add_parser("init-db", help="create or update the database")
    init_db.add_argument("--demo", action="store_true", help="also create the demo clerk accounts")

    users = commands.add_parser("users", help="manage clerk and admin accounts")
    user_commands = users.add_subparsers(dest="users_command", required=True)
    add = user_commands.add_parser("add", help="add an account (password from a prompt or stdin)")
    add.add_argument("name")
    add.add_argument("--role", choices=("clerk", "admin"), default="clerk")
    user_commands.add_parser("list", help="list the accounts")

    preview = commands.add_parser(
        "ticket-preview", help="write a sample ticket slip as PNG and PDF, to check the layout"
    )
    preview.add_argument("--out", default=".", help="folder to write into (default: here)")
    preview.add_argument("--language", choices=("fi", "sv", "en"), default="fi")

    worker = commands.add_parser(
        "worker", help="send the queued e-mails and text messages (and the due reminders)"
    )
    worker.add_argument("--once", action="store_true", help="send what is due now, then stop")

    # Every subcommand takes --config too, before or after its name.
    for sub in (serve, init_db, add, user_commands.choices["list"], preview, worker):
        sub.add_argument("--config", default=argparse.SUPPRESS, help=argparse.SUPPRESS)

    args = parser.parse_args(argv)
    try:
        config = load_config(args.config)
    except ConfigError as error:
        print(f"jono: bad configuration: {error}", file=sys.stderr)
        return 2
    try:
        return COMMANDS[args.command](args, config)
    except DomainError as error:
        print(f"jono: {error.code} {error.params or ''}".rstrip(), file=sys.stderr)
        return 1


def run_init_db(args, config) -> int:
    """Create or migrate the database, and with --demo add the demo accounts."""

    db = connect(config.database)
    applied = migrate(db)
    print(f"Database {config.database}: {applied} migration(s) applied.")
    if args.demo:
        existing = {user.username for user in list_users(db)}
        for name, password, role in DEMO_USERS:
            if name not in existing:
                add_user(db, name, password, role, SystemClock().now())
        print("Demo accounts (user name / password):")
        for name, password, role in DEMO_USERS:
            print(f"  {name} / {password}  ({role})")
    return 0


def run_users(args, config) -> int:
    """Add or list accounts."""

    db = connect(config.database)
    migrate(db)
    if args.users_command == "list":
        for user in list_users(db):
            print(f"{user.username}\t{user.role}")
        return 0
    if sys.stdin.isatty():
        password = getpass.getpass(f"Password for {args.name}: ")
        if getpass.getpass("Again: ") != password:
            print("jono: the passwords differ", file=sys.stderr)
            return 1
    else:
        password = sys.stdin.readline().rstrip("\n")
    add_user(db, args.name, password, args.role, SystemClock().now())
    print(f"Added {args.role} {args.name}.")
    return 0


def run_serve(args, config) -> int:
    """Start gunicorn with one gevent worker (an idle WebSocket costs memory, not a thread)."""

    base = f"http://{args.host}:{args.port}"
    print("Jono is starting. Open:")
    for point in config.service_points:
        print(f"  {point.name.en}: kiosk   {base}/kiosk/{point.id}")
        print(f"  {point.name.en}: display {base}/display/{point.id}")
    print(f"  Counter (clerks):  {base}/counter")
    print(f"  Book an appointment: {base}/booking  (manage: {base}/booking/manage)")
    print(f"  API document:      {base}/api/v1/openapi.json")
    sys.stdout.flush()
    serve(args.config, args.host, args.port, args.connections)
    return 0


def run_ticket_preview(args, config) -> int:
    """Write ticket-preview.png and ticket-preview.pdf of a sample ticket into --out."""

    for path in write_preview(args.out, sample_ticket(args.language)):
        print(f"Wrote {path}")
    return 0


def run_worker(args, config) -> int:
    """Run the notification sender as its own process until interrupted (or once)."""

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    db = connect(config.database)
    migrate(db)
    db.close()
    sender = NotificationSender(config, SystemClock())
    if args.once:
        print(f"Sent {sender.run_once()} messages.")
        return 0
    signal.signal(signal.SIGTERM, lambda *_: sender.stop_soon())
    try:
        sender.run()
    except KeyboardInterrupt:
        sender.stop_soon()
    return 0


COMMANDS = {
    "serve": run_serve,
    "init-db": run_init_db,
    "users": run_users,
    "ticket-preview": run_ticket_preview,
    "worker": run_worker,
}

if __name__ == "__main__":
    sys.exit(main())
