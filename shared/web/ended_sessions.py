"""Counters of clerks whose session ended without a logout: freed, as a logout would.

A clerk who walks away leaves their session unused; after `accounts.idle_minutes` it ends
(or after `accounts.lifetime_hours` in any case, or at once when an admin disables or removes
the account or changes its password). The sweeper thread (`shared.web.lost_appointments`) calls
`free_counters_of_ended_sessions` every minute: every counter held by a clerk with no live
session is closed, the number called there goes back to its place in the queue, and the
events are broadcast like those of a logout.
"""

from __future__ import annotations

import logging

from shared.accounts.login_throttle import forget_old_tries
from shared.accounts.sessions import end_expired_sessions, users_with_live_session
from shared.queue.counters import close_counters_of, seated_clerks
from shared.storage.event_log import Event
from shared.web.context import get_db, jono
from shared.web.realtime import publish

log = logging.getLogger(__name__)


def free_counters_of_ended_sessions() -> tuple[Event, ...]:
    """Delete the ended sessions, free the counters of clerks left without one, and publish.

    Call inside an app context. A clerk who logs in again between the check and the closing
    loses the counter they were about to return to, and simply opens it again.
    """
    state = jono()
    db, settings, now = get_db(), state.config.accounts, state.clock.now()
    end_expired_sessions(db, settings, now)
    forget_old_tries(db, settings, now)
    seated = seated_clerks(db)
    events: list[Event] = []
    for clerk in sorted(seated - users_with_live_session(db, seated, settings, now)):
        log.info("clerk %s has no live session: their counter is freed", clerk)
        events += close_counters_of(db, clerk, now)
    if events:
        publish(events)
    return tuple(events)
