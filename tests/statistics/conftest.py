"""Fixtures: the demo config's database holding the constructed week (constructed_week.py)."""

from __future__ import annotations

import pytest

from tests.statistics.constructed_week import write_constructed_week


@pytest.fixture
def week_db(db):
    """The migrated test database with the constructed week and the Monday after."""
    write_constructed_week(db)
    return db
