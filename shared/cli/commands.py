"""The `jono` command: serve, init-db, users, kiosks, ticket-preview, worker, backup, purge."""

from __future__ import annotations

import argparse
import ipaddress
import logging
import signal
import sys

from printers.preview import sample_ticket, write_preview
from shared.accounts.kiosks import (
    PAIRING_VALID_HOURS,
    add_kiosk,
    forget_unused_pairings,
    list_kiosks,
    revoke_kiosk,
)
from shared.accounts.users import add_user, list_users
from shared.appointments.retention import purge
from shared.cli.server import DEFAULT_CONNECTIONS, GRACEFUL_TIMEOUT_SECONDS, serve
from shared.cli.users import add_parsers as add_user_parsers
from shared.cli.users import demo_accounts_in_use, run_users
from shared.clock import SystemClock
from shared.config import ConfigError, load_config
from shared.errors import DomainError
from shared.notifications.sender import NotificationSender
from shared.storage.backup import BackupError, back_up
from shared.storage.connections import connect
from shared.storage.migrations import migrate

DEMO_KIOSK_NAME = "Demo kiosk"
# (user name, password, role, service points: None for every point)
DEMO_USERS = (
    ("clerk1", "jono-demo-1", "clerk", None),
    ("clerk2", "jono-demo-2", "clerk", None),
    ("manager", "jono-demo-manager", "manager", ("helsinki",)),
    ("admin", "jono-admin", "admin", None),
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
    serve.add_argument(
        "--graceful-timeout",
        type=int,
        default=GRACEFUL_TIMEOUT_SECONDS,
        help=f"seconds a stop waits for open sockets (default {GRACEFUL_TIMEOUT_SECONDS}: longer"
        " than the e-mail/SMS sender's stop)",
    )

    init_db = commands.add_parser("init-db", help="create or update the database")
    init_db.add_argument("--demo", action="store_true", help="also create the demo clerk accounts")

    user_parsers = add_user_parsers(commands)

    kiosks = commands.add_parser("kiosks", help="pair kiosk screens with service points")
    kiosk_commands = kiosks.add_subparsers(dest="kiosks_command", required=True)
    add_kiosk_command = kiosk_commands.add_parser(
        "add", help="add a kiosk and print its one-time pairing address (valid 24 hours)"
    )
    add_kiosk_command.add_argument("service_point", help="the service point's id")
    add_kiosk_command.add_argument("--name", required=True, help='what to call it ("Lobby 1")')
    revoke = kiosk_commands.add_parser("revoke", help="unpair a kiosk at once")
    revoke.add_argument("kiosk_id", type=int)
    kiosk_commands.add_parser("list", help="list the kiosks and their state")

    preview = commands.add_parser(
        "ticket-preview", help="write a sample ticket slip as PNG and PDF, to check the layout"
    )
    preview.add_argument("--out", default=".", help="folder to write into (default: here)")
    preview.add_argument("--language", choices=("fi", "sv", "en"), default="fi")

    worker = commands.add_parser(
        "worker", help="send the queued e-mails and text messages (and the due reminders)"
    )
    worker.add_argument("--once", action="store_true", help="send what is due now, then stop")

    backup = commands.add_parser(
        "backup", help="write a consistent copy of the database, safe while the server runs"
    )
    backup.add_argument("path", help="the backup file to write")
    backup.add_argument("--force", action="store_true", help="overwrite the file if it exists")

    purge_parser = commands.add_parser(
        "purge", help="delete the personal data whose [retention] time is over (docs/privacy.md)"
    )
    purge_parser.add_argument(
        "--dry-run", action="store_true", help="only count what would be purged"
    )

    # Every subcommand takes --config too, before or after its name.
    for sub in (serve, init_db, *user_parsers, preview, worker, backup, purge_parser):
        sub.add_argument("--config", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    for sub in kiosk_commands.choices.values():
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
        known = [point.id for point in config.service_points]
        demo_users = [user for user in DEMO_USERS if user[3] is None or set(user[3]) <= set(known)]
        for name, password, role, points in demo_users:
            if name not in existing:
                add_user(db, name, password, role, SystemClock().now(), points, known)
        print("Demo accounts (user name / password):")
        for name, password, role, points in demo_users:
            print(f"  {name} / {password}  ({role}{', ' + ', '.join(points) if points else ''})")
        print(f"Manager pages: {config.public_base_url}/manage")
        print_demo_pairings(db, config)
    return 0


def is_loopback(host: str) -> bool:
    """Whether `host` (an address or a name) is reachable from this machine only."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name: it may resolve to any address


def run_serve(args, config) -> int:
    """Start gunicorn with one gevent worker (an idle WebSocket costs memory, not a thread).

    On an address others can reach, refuse while a demo account keeps its published password.
    """

    if not is_loopback(args.host):
        in_use = demo_accounts_in_use(config, DEMO_USERS)
        if in_use:
            print(
                f"jono: refusing to serve on {args.host}: the demo account(s)"
                f" {', '.join(in_use)} still have the published demo password, so anyone who"
                " reaches this address could log in. Change each password with"
                f" `jono users passwd NAME` (for example `jono users passwd {in_use[0]}`),"
                " or remove the account with `jono users remove NAME`; or serve on 127.0.0.1.",
                file=sys.stderr,
            )
            return 1
    base = f"http://{args.host}:{args.port}"
    print("Jono is starting. Open:")
    for point in config.service_points:
        print(f"  {point.name.en}: kiosk   {base}/kiosk/{point.id}")
        print(f"  {point.name.en}: display {base}/display/{point.id}")
    print(f"  Counter (clerks):  {base}/counter")
    print(f"  Book an appointment: {base}/booking  (manage: {base}/booking/manage)")
    print(f"  API document:      {base}/api/v1/openapi.json")
    sys.stdout.flush()
    serve(args.config, args.host, args.port, args.connections, args.graceful_timeout)
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


def run_backup(args, config) -> int:
    """Copy the database to PATH with SQLite's online backup API and say what was written."""

    try:
        result = back_up(config.database, args.path, force=args.force)
    except BackupError as error:
        print(f"jono: backup: {error}", file=sys.stderr)
        return 1
    print(
        f"Backed up {config.database} to {result.path}: {result.size_bytes} bytes,"
        f" {result.pages} pages, integrity ok."
    )
    return 0


def run_purge(args, config) -> int:
    """Apply the [retention] settings now (the server does it daily) and print the rows of
    each step; with --dry-run only count them."""

    db = connect(config.database)
    migrate(db)
    report = purge(db, config, SystemClock().now(), dry_run=args.dry_run)
    print("Dry run: nothing changed. Would purge:" if report.dry_run else "Purged:")
    for count in report.counts:
        print(f"  {count.rows:>7}  {count.table}: {count.change}")
    print(f"  {report.total:>7}  in all")
    return 0


def run_kiosks(args, config) -> int:
    """Add a kiosk (printing its pairing address), revoke one, or list them."""

    db = connect(config.database)
    migrate(db)
    now = SystemClock().now()
    if args.kiosks_command == "add":
        pairing = add_kiosk(db, config, args.service_point, args.name, now)
        print(f'Kiosk {pairing.kiosk.id} "{pairing.kiosk.name}" of {args.service_point}.')
        print(f"Open this address once on the kiosk itself, within {PAIRING_VALID_HOURS} hours:")
        print(f"  {pairing_address(config, pairing.code)}")
    elif args.kiosks_command == "revoke":
        kiosk = revoke_kiosk(db, args.kiosk_id, now)
        print(f'Kiosk {kiosk.id} "{kiosk.name}" of {kiosk.service_point} is revoked.')
    else:
        for kiosk in list_kiosks(db):
            print(f"{kiosk.id}\t{kiosk.service_point}\t{kiosk.state(now)}\t{kiosk.name}")
    return 0


def pairing_address(config, code: str) -> str:
    """The address that pairs a kiosk, to open on the kiosk's own browser."""
    return f"{config.public_base_url}/kiosk/pair/{code}"


def print_demo_pairings(db, config) -> None:
    """A fresh pairing address per demo service point (the previous unused ones stop working),
    so `make run` opens a working kiosk without pairing anything by itself."""
    now = SystemClock().now()
    print("Kiosks: open a pairing address on the kiosk's screen, once, to make it a kiosk:")
    for point in config.service_points:
        forget_unused_pairings(db, point.id, DEMO_KIOSK_NAME, now)
        pairing = add_kiosk(db, config, point.id, DEMO_KIOSK_NAME, now)
        print(f"  {point.name.en}: {pairing_address(config, pairing.code)}")


COMMANDS = {
    "serve": run_serve,
    "init-db": run_init_db,
    "users": run_users,
    "kiosks": run_kiosks,
    "ticket-preview": run_ticket_preview,
    "worker": run_worker,
    "backup": run_backup,
    "purge": run_purge,
}

if __name__ == "__main__":
    sys.exit(main())
