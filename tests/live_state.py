"""What a live page holds, by the rules of shared/web/static/live.js, for tests in Python.

A page takes the whole snapshot on connect (and when it asks), handles the numbered events in
order, and applies the delta of a batch's last event when the delta's base is the state it
holds; otherwise it would ask for a snapshot (`needs_snapshot`).
"""

from __future__ import annotations

from shared.web.snapshot_delta import apply_delta


class PageState:
    """The snapshot a page holds, kept from the messages of a Socket.IO (test) client."""

    def __init__(self) -> None:
        self.snapshot: dict | None = None
        self.last_event = -1
        self.needs_snapshot = False
        self.events: list[dict] = []
        self.after: dict[int, dict] = {}  # event sequence -> the state the page held after it

    def receive(self, name: str, payload: dict) -> None:
        """One message from the server, as the page handles it."""
        if name == "snapshot":
            if self.snapshot is None or payload["sequence"] >= self.snapshot["sequence"]:
                self.snapshot = payload
            self.last_event = max(self.last_event, payload["sequence"])
            return
        if name != "queue_event" or payload["sequence"] <= self.last_event:
            return
        self.last_event = payload["sequence"]
        self.events.append(payload)
        if "snapshot" in payload:
            self.snapshot = payload["snapshot"]
        elif "delta" in payload:
            if self.snapshot is not None and self.snapshot["sequence"] == payload["delta"]["base"]:
                self.snapshot = apply_delta(self.snapshot, payload["delta"]["change"])
            elif self.snapshot is None or self.snapshot["sequence"] < payload["sequence"]:
                self.needs_snapshot = True
        self.after[payload["sequence"]] = self.snapshot

    def feed(self, socket) -> list[dict]:
        """Handle every message a Socket.IO test client got since the last look; return the
        new events."""
        first = len(self.events)
        for message in socket.get_received():
            self.receive(message["name"], message["args"][0])
        return self.events[first:]
