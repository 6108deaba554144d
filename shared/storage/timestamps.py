"""Moments as the database stores them: ISO-8601 text in UTC."""

from __future__ import annotations

from datetime import UTC, datetime


def utc_text(moment: datetime) -> str:
    """Store a moment as ISO-8601 text in UTC."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def parse_utc(text: str | None) -> datetime | None:
    """Read a moment stored by `utc_text`."""
    return datetime.fromisoformat(text) if text else None
