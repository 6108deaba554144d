"""Daylight saving in Helsinki: the spring-forward and fall-back days of 2027.

On Sunday 28 March 2027 the clock jumps from 03:00 to 04:00 (UTC+2 to UTC+3, at 01:00 UTC);
on Sunday 31 October 2027 it falls back from 04:00 to 03:00 (at 01:00 UTC), so 03:00-03:59
comes twice. A point open all night puts slots on the edge; normal office hours are tested on
the same dates. The rules are in docs/appointments.md, "Daylight saving".
"""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, date, datetime, time, timedelta

import pytest

from shared.appointments import free_days, slots
from shared.appointments.booking import book_appointment, hold_slot
from shared.appointments.reminders import schedule_reminders
from shared.config.appointments import DeskBand
from shared.config.opening_hours import OpeningHours
from shared.errors import DomainError
from tests.appointment_helpers import HELSINKI
from tests.notification_helpers import with_notifications

SPRING = date(2027, 3, 28)  # 03:00 local does not exist: the clock reads 04:00
AUTUMN = date(2027, 10, 31)  # 03:00-03:59 local comes twice
ALL_NIGHT = (0, 24 * 60)
OFFICE = (8 * 60, 16 * 60 + 15)


def dst_config(config, hours=ALL_NIGHT, desks: int = 1):
    """Helsinki open 00:00-24:00 every day (Sundays too: both change days are Sundays), taking
    appointments in `hours` on `desks` desks; nothing else closes it."""
    helsinki = config.service_point("helsinki")
    settings = dataclasses.replace(
        helsinki.appointments,
        hours={weekday: hours for weekday in range(7)},
        desk_bands=(DeskBand(0, 24 * 60, desks),),
        closed_days=frozenset(),
    )
    point = dataclasses.replace(
        helsinki,
        appointments=settings,
        opening_hours={weekday: OpeningHours(time(0), time.max) for weekday in range(7)},
        closed_days=frozenset(),
        opening_exceptions={},
    )
    points = tuple(point if p.id == "helsinki" else p for p in config.service_points)
    rules = dataclasses.replace(config.appointments, closed_days=frozenset())
    return dataclasses.replace(config, service_points=points, appointments=rules)


def utc(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    """A moment in UTC in 2027."""
    return datetime(2027, month, day, hour, minute, tzinfo=UTC)


def the_day_before(day: date) -> datetime:
    """Noon in Helsinki the day before `day`: all of `day` is ahead."""
    return datetime.combine(day - timedelta(days=1), time(12), tzinfo=HELSINKI)


def offered(db, config, day, now, category="travel_document"):
    """The slots the search offers at Helsinki on `day`."""
    result = slots.search_free_slots(
        db,
        config,
        service_point_ids=["helsinki"],
        category=category,
        party_size=1,
        now=now,
        first_day=day,
        days=1,
    )
    return [slot for slot in result.slots if slot.day == day]


def counted(db, config, day, now, category="travel_document") -> int:
    """The free-day count of `day` at Helsinki."""
    result = free_days.count_free_days(
        db,
        config,
        service_point_ids=["helsinki"],
        category=category,
        party_size=1,
        now=now,
        first_day=day,
        days=1,
    )
    return dict(result.days).get(day, 0)


def wall(moment: datetime) -> str:
    """The clock on the wall in Helsinki at `moment` (HH:MM)."""
    return moment.astimezone(HELSINKI).strftime("%H:%M")


def hold(db, config, starts_at, now, category="travel_document"):
    """Hold a time at Helsinki for one person."""
    return hold_slot(
        db,
        config,
        service_point_id="helsinki",
        category=category,
        party_size=1,
        starts_at=starts_at,
        now=now,
    )


@pytest.mark.parametrize(
    ("day", "category", "count", "missing"),
    [
        # 23 hours of 15-minute times; 03:00-03:45 do not exist.
        (SPRING, "travel_document", 23 * 4, ["03:00", "03:15", "03:30", "03:45"]),
        # A 30-minute time at 02:45 would run across the jump (02:45-04:15 on the wall).
        (SPRING, "residence_permit", 11 + 79, ["02:45", "03:00", "03:30"]),
        # The repeated hour is offered once: its first pass (UTC+3) only.
        (AUTUMN, "travel_document", 24 * 4, []),
        # A 30-minute time at 03:45 (first pass) would run into the second pass.
        (AUTUMN, "residence_permit", 95 - 1, ["03:45"]),
    ],
)
def test_each_offered_time_exists_once_and_lasts_its_real_minutes(
    db, config, day, category, count, missing
):
    settings = dst_config(config)
    point = settings.service_point("helsinki")
    length = slots.appointment_length(settings, point, category, 1)
    found = offered(db, settings, day, the_day_before(day), category)
    times = [wall(slot.starts_at) for slot in found]
    assert len(found) == count
    assert len(set(times)) == len(times)  # no wall time twice
    assert len({slot.starts_at for slot in found}) == len(found)  # no moment twice
    assert not set(missing) & set(times)
    for slot in found:
        # The slot's minute is what the wall clock shows at its start, and it lasts its length
        # in real minutes (no clock change inside it).
        assert wall(slot.starts_at) == f"{slot.start_minute // 60:02d}:{slot.start_minute % 60:02d}"
        assert slot.ends_at - slot.starts_at == timedelta(minutes=length)
        inside = slot.ends_at - timedelta(microseconds=1)
        assert slot.starts_at.astimezone(HELSINKI).utcoffset() == (
            inside.astimezone(HELSINKI).utcoffset()
        )


def test_the_spring_gap_is_skipped_in_utc(db, config):
    settings = dst_config(config)
    found = offered(db, settings, SPRING, the_day_before(SPRING))
    [before_the_jump] = [slot for slot in found if slot.start_minute == 2 * 60 + 45]
    after_the_jump = found[found.index(before_the_jump) + 1]
    assert (before_the_jump.starts_at, before_the_jump.ends_at) == (
        utc(3, 28, 0, 45),
        utc(3, 28, 1),
    )
    # Next comes 04:00 (UTC+3), the same moment as 02:45-03:00 (UTC+2) ends.
    assert (after_the_jump.start_minute, after_the_jump.starts_at) == (4 * 60, utc(3, 28, 1))
    assert found[-1].starts_at == utc(3, 28, 20, 45)  # 23:45 at UTC+3


def test_the_autumn_repeated_hour_is_its_first_pass(db, config):
    settings = dst_config(config)
    found = offered(db, settings, AUTUMN, the_day_before(AUTUMN))
    by_wall = {wall(slot.starts_at): slot for slot in found}
    assert by_wall["02:45"].starts_at == utc(10, 30, 23, 45)
    assert by_wall["03:00"].starts_at == utc(10, 31, 0)  # 03:00 at UTC+3, the first time
    # The last time of the first pass ends when the clock falls back, 15 real minutes later.
    assert (by_wall["03:45"].starts_at, by_wall["03:45"].ends_at) == (
        utc(10, 31, 0, 45),
        utc(10, 31, 1),
    )
    assert by_wall["04:00"].starts_at == utc(10, 31, 2)  # UTC+2 from here
    # Nothing starts in the second pass of 03:00-03:59 (01:00-02:00 UTC).
    assert not [slot for slot in found if utc(10, 31, 1) <= slot.starts_at < utc(10, 31, 2)]


@pytest.mark.parametrize(
    ("day", "ten_o_clock"),
    [
        (SPRING - timedelta(days=1), utc(3, 27, 8)),  # winter time, UTC+2
        (SPRING, utc(3, 28, 7)),  # summer time from 03:00 on: UTC+3
        (AUTUMN - timedelta(days=1), utc(10, 30, 7)),  # summer time
        (AUTUMN, utc(10, 31, 8)),  # winter time again from the second 03:00
    ],
)
def test_office_hours_on_the_change_days(db, config, day, ten_o_clock):
    settings = dst_config(config, hours=OFFICE)
    found = offered(db, settings, day, the_day_before(day))
    assert len(found) == 33  # 08:00-16:00 by quarter hours: the change is outside the hours
    assert {wall(slot.starts_at): slot.starts_at for slot in found}["10:00"] == ten_o_clock


@pytest.mark.parametrize("day", [SPRING, AUTUMN])
@pytest.mark.parametrize("category", ["travel_document", "residence_permit"])
@pytest.mark.parametrize(
    "moment", ["the day before", "00:45 UTC", "01:30 UTC", "12:00 UTC"], ids=str
)
def test_free_day_counts_equal_the_search(db, config, day, category, moment):
    settings = dst_config(config, desks=2)
    if moment == "the day before":
        now = the_day_before(day)
    else:  # during the change day: before, at and after the change (01:00 UTC), some gone by
        hour, minute = (int(part) for part in moment.removesuffix(" UTC").split(":"))
        now = datetime.combine(day, time(hour, minute), tzinfo=UTC)
    # A few booked times around the change, so the counts see taken seats too.
    booked_at = the_day_before(day)
    for starts_at in (utc(day.month, day.day, 0, 30), utc(day.month, day.day, 2, 15)):
        if starts_at > now:
            book_appointment(
                db,
                settings,
                hold_token=hold(db, settings, starts_at, booked_at).token,
                email=f"{starts_at:%H%M}@example.fi",
                phone=None,
                language="fi",
                now=booked_at,
            )
    listed = offered(db, settings, day, now, category)
    assert counted(db, settings, day, now, category) == len(listed)
    assert all(slot.starts_at > now for slot in listed)


def test_a_time_that_runs_across_the_jump_is_not_held(db, config):
    settings = dst_config(config)
    now = the_day_before(SPRING)
    with pytest.raises(DomainError) as refused:
        hold(db, settings, utc(3, 28, 0, 45), now, category="residence_permit")  # 02:45, 30 min
    assert refused.value.code == "slot_not_offered"
    # The same moment for 15 minutes ends as the clock jumps: that one is offered and held.
    held = hold(db, settings, utc(3, 28, 0, 45), now)
    assert (held.start_minute, held.starts_at, held.ends_at) == (
        165,
        utc(3, 28, 0, 45),
        utc(3, 28, 1),
    )


def test_the_second_pass_of_the_repeated_hour_is_not_held(db, config):
    settings = dst_config(config)
    now = the_day_before(AUTUMN)
    before = counted(db, settings, AUTUMN, now)
    second_pass = utc(10, 31, 1, 15)  # 03:15 at UTC+2
    assert wall(second_pass) == "03:15"
    with pytest.raises(DomainError) as refused:
        hold(db, settings, second_pass, now)
    assert refused.value.code == "slot_not_offered"
    assert counted(db, settings, AUTUMN, now) == before


def test_a_booking_in_the_repeated_hour_round_trips(db, config):
    settings = with_notifications(dst_config(config), reminder_offsets_hours=())
    now = the_day_before(AUTUMN)
    first_pass = utc(10, 31, 0, 45)  # 03:45 at UTC+3, the last quarter before the clock falls back
    before = offered(db, settings, AUTUMN, now)
    held = hold(db, settings, first_pass, now)
    assert (held.day, held.start_minute) == (AUTUMN, 3 * 60 + 45)
    assert (held.starts_at, held.ends_at) == (first_pass, utc(10, 31, 1))
    while_held = offered(db, settings, AUTUMN, now)
    assert [slot.starts_at for slot in before if slot not in while_held] == [first_pass]
    assert counted(db, settings, AUTUMN, now) == len(while_held)

    booking = book_appointment(
        db,
        settings,
        hold_token=held.token,
        email="anna@example.fi",
        phone=None,
        language="en",
        now=now,
    )
    appointment = booking.appointment
    assert (appointment.starts_at, appointment.ends_at) == (first_pass, utc(10, 31, 1))
    assert offered(db, settings, AUTUMN, now) == while_held
    assert counted(db, settings, AUTUMN, now) == len(while_held)

    text, attachments = db.execute(
        "SELECT body_text, attachments FROM messages WHERE appointment_id = ?"
        " AND channel = 'email'",
        [appointment.id],
    ).fetchone()
    assert "31 October 2027, 03:45" in text  # the wall clock's time, as the customer sees it
    [calendar] = [item["content"] for item in json.loads(attachments) if item["type"] == "calendar"]
    assert "DTSTART:20271031T004500Z" in calendar
    assert "DTEND:20271031T010000Z" in calendar  # 15 real minutes, not 75 (04:00 at UTC+2)


def test_a_booking_after_the_spring_jump_is_told_in_summer_time(db, config):
    settings = with_notifications(dst_config(config, hours=OFFICE), reminder_offsets_hours=())
    now = the_day_before(SPRING)
    ten = datetime(2027, 3, 28, 10, 0, tzinfo=HELSINKI)
    booking = book_appointment(
        db,
        settings,
        hold_token=hold(db, settings, ten, now, category="residence_permit").token,
        email="anna@example.fi",
        phone=None,
        language="fi",
        now=now,
    )
    text, attachments = db.execute(
        "SELECT body_text, attachments FROM messages WHERE appointment_id = ?",
        [booking.appointment.id],
    ).fetchone()
    assert "28. maaliskuuta 2027 klo 10.00" in text
    [calendar] = [item["content"] for item in json.loads(attachments) if item["type"] == "calendar"]
    assert "DTSTART:20270328T070000Z" in calendar
    assert "DTEND:20270328T073000Z" in calendar


@pytest.mark.parametrize(
    ("starts_at", "due"),
    [
        # The day after the jump: 24 hours before 10:00 (UTC+3) is 10:00 on the change day.
        (datetime(2027, 3, 29, 10, 0, tzinfo=HELSINKI), utc(3, 28, 7)),
        # On the change day: 24 real hours before 10:00 (UTC+3) is 09:00 the day before (UTC+2).
        (datetime(2027, 3, 28, 10, 0, tzinfo=HELSINKI), utc(3, 27, 7)),
        # The day after falling back: 24 hours before 10:00 (UTC+2) is 10:00 on the change day.
        (datetime(2027, 11, 1, 10, 0, tzinfo=HELSINKI), utc(10, 31, 8)),
        # On the change day: 24 real hours before 10:00 (UTC+2) is 11:00 the day before (UTC+3).
        (datetime(2027, 10, 31, 10, 0, tzinfo=HELSINKI), utc(10, 30, 8)),
    ],
)
def test_reminders_come_24_real_hours_before(db, config, starts_at, due):
    settings = with_notifications(dst_config(config, hours=OFFICE), reminder_offsets_hours=(24,))
    booked_at = starts_at - timedelta(days=3)
    book_appointment(
        db,
        settings,
        hold_token=hold(db, settings, starts_at, booked_at).token,
        email="anna@example.fi",
        phone=None,
        language="en",
        now=booked_at,
    )
    assert schedule_reminders(db, settings, due - timedelta(seconds=1)) == 0
    assert schedule_reminders(db, settings, due) == 1
    [(kind, text)] = db.execute(
        "SELECT kind, body_text FROM messages WHERE kind = 'reminder'"
    ).fetchall()
    assert f"{starts_at.day} " in text and "10:00" in text
