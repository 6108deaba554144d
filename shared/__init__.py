"""Jono: the domain rooms (queue, appointments, notifications, speech, accounts), storage and
config beneath them, the web glue above them, the app factory and the CLI (docs/architecture.md)."""
