"""One calendar for the whole service point: holidays and per-date exceptions apply to walk-ins,
the kiosk, the display's snapshot and the free appointment times alike; "24:00" is midnight."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, time

import pytest

from shared.appointments.free_days import count_free_days
from shared.appointments.slots import search_free_slots
from shared.config import ConfigError, load_config
from shared.config.calendar import appointment_hours_on, walk_in_hours_on
from shared.config.opening_hours import OpeningHours
from shared.errors import DomainError
from shared.queue.opening import walk_in_hours
from tests.conftest import HELSINKI, PROJECT_ROOT
from tests.kiosk.test_api import URGENT_ANSWERS, ticket_body

TUESDAY = date(2026, 12, 1)
WEDNESDAY = date(2026, 12, 2)


def with_calendar(config, **point_settings):
    """The config with Helsinki's calendar settings changed."""
    points = tuple(
        dataclasses.replace(point, **point_settings) if point.id == "helsinki" else point
        for point in config.service_points
    )
    return dataclasses.replace(config, service_points=points)


def with_holidays(config, *days: date):
    """The config with these deployment-wide closed days."""
    rules = dataclasses.replace(config.appointments, closed_days=frozenset(days))
    return dataclasses.replace(config, appointments=rules)


def helsinki(config):
    """Helsinki's service point in this config."""
    return config.service_point("helsinki")


def at(day: date, hour: int, minute: int = 0) -> datetime:
    """A moment in Helsinki."""
    return datetime.combine(day, time(hour, minute), tzinfo=HELSINKI)


@pytest.fixture
def holiday_tuesday(app, config):
    """Tuesday 1 December is a holiday (deployment-wide) and Wednesday closes at 12:00."""
    changed = with_calendar(
        with_holidays(config, TUESDAY),
        opening_exceptions={WEDNESDAY: OpeningHours(time(8), time(12))},
    )
    app.extensions["jono"].config = changed
    return changed


def test_a_holiday_closes_the_kiosk_and_the_snapshot_says_when_it_opens(
    holiday_tuesday, client, clock, db
):
    clock.set(at(TUESDAY, 10))
    snapshot = client.get("/api/v1/service-points/helsinki/snapshot").json
    assert snapshot["hours"]["is_open"] is False
    assert snapshot["hours"]["next_opens_at"] == "2026-12-02T06:00:00.000000+00:00"
    triage = client.post("/api/v1/service-points/helsinki/triage", json=URGENT_ANSWERS).json
    assert triage["is_accepting_tickets"] is False
    refused = client.post("/api/v1/service-points/helsinki/tickets", json=ticket_body())
    assert (refused.status_code, refused.json["error"]["code"]) == (409, "not_issuing")
    assert db.execute("SELECT COUNT(*) FROM tickets").fetchone()[0] == 0


def test_an_exception_shortens_the_day_for_walk_ins(holiday_tuesday, client, clock):
    clock.set(at(WEDNESDAY, 11, 0))
    hours = client.get("/api/v1/service-points/helsinki/snapshot").json["hours"]
    assert hours["closes_at"] == "2026-12-02T10:00:00.000000+00:00"  # 12:00 in Helsinki
    assert hours["last_ticket_at"] == "2026-12-02T09:30:00.000000+00:00"
    assert hours["is_accepting_tickets"] is True
    clock.set(at(WEDNESDAY, 11, 31))
    refused = client.post("/api/v1/service-points/helsinki/tickets", json=ticket_body())
    assert refused.json["error"]["code"] == "not_issuing"


def test_the_free_times_follow_the_same_calendar(holiday_tuesday, db):
    config, now = holiday_tuesday, at(date(2026, 11, 30), 7)
    search = search_free_slots(
        db,
        config,
        service_point_ids=["helsinki"],
        category="travel_document",
        party_size=1,
        now=now,
        first_day=TUESDAY,
        days=2,
    )
    assert {slot.day for slot in search.slots} == {WEDNESDAY}
    wednesday = [slot.starts_at.astimezone(HELSINKI).time() for slot in search.slots]
    assert max(wednesday) < time(12) and min(wednesday) >= time(8)
    counted = count_free_days(
        db,
        config,
        service_point_ids=["helsinki"],
        category="travel_document",
        party_size=1,
        now=now,
        first_day=TUESDAY,
        days=2,
    )
    assert [day for day, _ in counted.days] == [WEDNESDAY]
    assert dict(counted.days)[WEDNESDAY] == len(search.slots)  # both see the short day alike


def test_a_point_of_its_own_closed_day_and_an_exception_that_opens_a_saturday(config):
    saturday = date(2026, 12, 5)
    changed = with_calendar(
        config,
        closed_days=frozenset({TUESDAY}),
        opening_exceptions={saturday: OpeningHours(time(9), time(13)), WEDNESDAY: None},
    )
    point = helsinki(changed)
    assert walk_in_hours_on(changed, point, TUESDAY) is None
    assert walk_in_hours_on(changed, point, WEDNESDAY) is None
    assert walk_in_hours_on(changed, point, saturday) == OpeningHours(time(9), time(13))
    assert appointment_hours_on(changed, point, saturday) == (9 * 60, 13 * 60)
    assert walk_in_hours_on(changed, helsinki(config), TUESDAY) is not None
    tampere = changed.service_point("tampere")
    assert walk_in_hours_on(changed, tampere, TUESDAY) is not None  # Helsinki's own day


def test_24_00_closes_at_midnight_exactly(config):
    until_midnight = {weekday: OpeningHours(time(8), time.max) for weekday in range(7)}
    changed = with_calendar(config, opening_hours=until_midnight)
    hours = walk_in_hours(changed, helsinki(changed), at(TUESDAY, 12))
    assert hours.closes_at == datetime(2026, 12, 2, 0, 0, tzinfo=HELSINKI)
    assert hours.last_ticket_at == at(TUESDAY, 23, 30)
    assert walk_in_hours(changed, helsinki(changed), at(TUESDAY, 23, 29)).is_accepting_tickets
    late = walk_in_hours(changed, helsinki(changed), at(TUESDAY, 23, 30))
    assert not late.is_accepting_tickets and late.is_open


def test_exceptions_are_read_from_the_config_and_bad_ones_name_their_key(tmp_path):
    text = (PROJECT_ROOT / "config.toml").read_text()
    anchor = 'timezone = "Europe/Helsinki"'
    good = text.replace(
        anchor,
        anchor + '\nclosed_days = ["2026-12-01"]\n'
        'opening_exceptions = { "2026-12-23" = "08:00-12:00", "2027-04-30" = "closed" }',
        1,
    )
    path = tmp_path / "config.toml"
    path.write_text(good)
    point = load_config(path).service_point("helsinki")
    assert point.closed_days == frozenset({TUESDAY})
    assert point.opening_exceptions == {
        date(2026, 12, 23): OpeningHours(time(8), time(12)),
        date(2027, 4, 30): None,
    }
    for bad, key in (
        ('{ "2026-12-23" = "8-12" }', "opening_exceptions.2026-12-23"),
        ('{ "23.12.2026" = "closed" }', "opening_exceptions.23.12.2026"),
    ):
        path.write_text(text.replace(anchor, anchor + f"\nopening_exceptions = {bad}", 1))
        with pytest.raises(ConfigError, match=key.replace(".", r"\.")):
            load_config(path)


def test_the_domain_refuses_a_number_on_a_holiday(issue, config, clock):
    clock.set(at(TUESDAY, 10))
    with pytest.raises(DomainError) as refused:
        issue(settings=with_holidays(config, TUESDAY))
    assert refused.value.code == "not_issuing"


def test_opening_hours_count_real_time_on_the_night_the_clock_falls_back(config):
    """2027-10-31: 04:00 local falls back to 03:00. A point closing at 03:30 closes at the first
    03:30 and stays closed in the repeated hour; its last ticket is 30 real minutes before."""
    night = date(2027, 10, 31)
    hours = {night.weekday(): OpeningHours(time(0), time(3, 30))}
    changed = with_calendar(config, opening_hours=hours)
    point = helsinki(changed)
    first_pass = datetime(2027, 10, 31, 0, 10, tzinfo=UTC)  # 03:10 local, summer time
    opened = walk_in_hours(changed, point, first_pass)
    assert opened.is_open and opened.closes_at == datetime(2027, 10, 31, 0, 30, tzinfo=UTC)
    assert opened.last_ticket_at == datetime(2027, 10, 31, 0, 0, tzinfo=UTC)
    second_pass = datetime(2027, 10, 31, 1, 10, tzinfo=UTC)  # 03:10 local again, winter time
    assert not walk_in_hours(changed, point, second_pass).is_open
