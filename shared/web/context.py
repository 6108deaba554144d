"""What a request or an event handler reaches through the app: the config, the clock, the
database connection of its thread, and the print service."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import sqlite_utils
from flask import current_app

from shared.clock import SystemClock
from shared.config import Config
from shared.storage.connections import ThreadConnections

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
    connections: ThreadConnections | None = None


def jono() -> Jono:
    """The Jono state of the current app."""
    return current_app.extensions["jono"]


def get_db() -> sqlite_utils.Database:
    """This thread's database connection (kept open between requests)."""
    return jono().connections.get()


def release_database(_error=None) -> None:
    """End of an app context: make sure no transaction is left open on the thread's connection."""
    state = current_app.extensions.get("jono")
    if state is not None and state.connections is not None:
        state.connections.release()
