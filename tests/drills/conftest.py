"""Drill fixtures: the end-to-end live server and clients (tests/e2e/conftest.py), reused."""

from __future__ import annotations

from tests.e2e.conftest import (  # noqa: F401  (fixtures are found by name)
    LiveServer,
    clerk,
    clerk_credentials,
    http,
    issue_ticket,
    jono_server,
    kiosk_session,
    live_client,
    live_server,
    urgent_expiry,
)
