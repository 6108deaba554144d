"""What a request or an event handler reaches through the app: the config, the clock, the
database connection of its thread, and the print service."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import sqlite_utils
from flask import current_app, g

from shared.clock import SystemClock
from shared.config import Config
from shared.storage.connections import ConnectionPool

if TYPE_CHECKING:
    # Lazy (type checkers only): ticket_printing imports this module for jono() and get_db().
    from shared.web.ticket_printing import TicketPrinting  # lazy: annotation only, see above

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SOCKET_IO_CLIENT = PROJECT_ROOT / "node_modules" / "socket.io-client" / "dist" / "socket.io.min.js"
WEB_ROOT = Path(__file__).resolve().parent


@dataclass
class Jono:
    """What every request needs besides Flask: the config, the clock and the printing."""

    config: Config
    clock: SystemClock
    printing: TicketPrinting | None = None
    connections: ConnectionPool | None = None


def jono() -> Jono:
    """The Jono state of the current app."""
    return current_app.extensions["jono"]


def get_db() -> sqlite_utils.Database:
    """The database connection of this app context: checked out of the pool on first use, given
    back when the context ends (a request, a Socket.IO event, a background job)."""
    connection = g.get("jono_db")
    if connection is None:
        connection = g.jono_db = jono().connections.checkout()
    return connection


def release_database(_error=None) -> None:
    """End of an app context: give its connection back to the pool (rolled back if need be)."""
    connection = g.pop("jono_db", None)
    if connection is not None:
        current_app.extensions["jono"].connections.give_back(connection)
