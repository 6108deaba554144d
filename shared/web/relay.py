"""Several `jono serve` processes, one order of events: the relay.

With `deployment.message_queue` set, Socket.IO emits go through Redis, so an event emitted by
any process reaches the clients of every process. To keep every client's events exactly once and
in sequence order, one process at a time is the **relay**: it holds a lease row in the shared
database and is the only one that publishes the event log, in order, from the last event sent
(recorded in `relay_progress`). Another process that commits an event tells the relay over Redis,
and the relay also looks at every renewal of its lease; if the relay dies, another takes the
lease when it runs out and goes on from the recorded progress. Without a message queue this
process is always the relay and nothing of this runs. docs/architecture.md explains the choice.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid

import redis
from flask import Flask

from shared.storage import relay_lease
from shared.web import realtime
from shared.web.context import get_db

log = logging.getLogger(__name__)
CHANNEL = "jono-committed"  # "service point id" or "service point id|state"
LEASE_SECONDS = 3.0  # how long a dead relay keeps the others waiting, at most
RENEW_SECONDS = 0.5  # the relay renews its lease, and the others try for it, this often
LISTEN_SECONDS = 1.0  # how long the listener waits for a notice before checking for a stop


class EventRelay:
    """Whether this process publishes the live events, and the work that decides it.

    :param app: the Flask app (its delivery and database)
    :param message_queue: the Redis URL shared with the other processes, or None (alone)
    """

    def __init__(self, app: Flask, message_queue: str | None) -> None:
        self.app = app
        self.message_queue = message_queue
        self.is_shared = message_queue is not None
        self.is_publisher = not self.is_shared
        self.holder = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.redis = redis.Redis.from_url(message_queue) if self.is_shared else None
        self._stopping = threading.Event()
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        """Take part in the election and listen for other processes' commits (shared only)."""
        if not self.is_shared:
            return
        for target, name in ((self._lead, "event-relay"), (self._listen, "event-relay-listen")):
            thread = threading.Thread(target=target, name=name, daemon=True)
            thread.start()
            self._threads.append(thread)

    def committed(self, service_point_id: str, state: bool = False) -> None:
        """Tell the relay that this process committed an event (or changed the state) there."""
        try:
            self.redis.publish(CHANNEL, f"{service_point_id}|state" if state else service_point_id)
        except redis.RedisError:  # the relay still finds it at its next look
            log.warning("could not tell the event relay about %s", service_point_id)

    def sent(self, service_point_id: str, last_sent: int) -> None:
        """Record, for a relay that takes over, that events up to `last_sent` went out."""
        if self.is_shared:
            relay_lease.record_progress(get_db(), service_point_id, last_sent)

    def stop(self) -> None:
        """Stop, and hand the lease on at once if this process held it."""
        self._stopping.set()
        if self.is_shared and self.is_publisher:
            try:
                with self.app.app_context():
                    relay_lease.give_up_lease(get_db(), self.holder)
            except Exception:  # stopping anyway: the lease runs out by itself
                log.exception("could not give up the relay lease")

    def _lead(self) -> None:
        """Hold or try for the lease; while holding it, publish what is unsent."""
        while not self._stopping.is_set():
            try:
                with self.app.app_context():
                    self._take_turn()
            except Exception:  # a failed turn must not end the relaying
                log.exception("event relay turn failed")
            self._stopping.wait(RENEW_SECONDS)

    def _take_turn(self) -> None:
        """One turn of the lead loop: renew or take the lease, and publish if it is ours."""
        was_publisher = self.is_publisher
        self.is_publisher = relay_lease.take_or_renew_lease(get_db(), self.holder, LEASE_SECONDS)
        if self.is_publisher and not was_publisher:
            log.info("this process is now the event relay")
            realtime.restart_delivery(relay_lease.sent_progress(get_db()))
        if self.is_publisher:
            self._deliver_all()

    def _deliver_all(self) -> None:
        """Publish every service point's unsent events (the relay's look)."""
        for point in self.app.extensions["jono"].config.service_points:
            realtime.deliver_pending(point.id)

    def _listen(self) -> None:
        """Publish as soon as another process says it committed (while this one is the relay)."""
        while not self._stopping.is_set():
            try:
                subscription = self.redis.pubsub(ignore_subscribe_messages=True)
                subscription.subscribe(CHANNEL)
                while not self._stopping.is_set():
                    message = subscription.get_message(timeout=LISTEN_SECONDS)
                    if message is not None and self.is_publisher:
                        point, _, state = message["data"].decode().partition("|")
                        with self.app.app_context():
                            realtime.deliver_pending(point, whole_state_if_none=bool(state))
                subscription.close()
            except redis.RedisError:
                log.warning("event relay lost Redis; trying again")
                self._stopping.wait(1)
            except Exception:  # a failed wake-up must not end the listening
                log.exception("event relay listener failed")
                self._stopping.wait(1)
        self.redis.close()
