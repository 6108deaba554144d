"""Free days: the counts per day equal what the free-time search lists, on a busy calendar."""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, timedelta

import pytest

from shared.appointments import free_days, slots
from shared.appointments.booking import book_appointment, hold_slot
from shared.appointments.changes import cancel_appointment, reschedule_appointment
from shared.errors import InvalidRequest
from shared.storage.migrations import MIGRATIONS, m007_appointment_seat_masks, migrate
from shared.storage.transactions import write_transaction
from tests.appointment_helpers import local

POINTS = ["helsinki", "tampere"]


def listed_per_day(db, config, now, points, category, party_size, first_day=None, days=92):
    """Free times per day as search_free_slots lists them, page by page over `days` days."""
    counts: Counter[date] = Counter()
    first = first_day or slots.local_today(config.service_point(points[0]), now)
    end = first + timedelta(days=days - 1)
    while first <= end:
        page = slots.search_free_slots(
            db,
            config,
            service_point_ids=points,
            category=category,
            party_size=party_size,
            now=now,
            first_day=first,
            days=min(slots.MAX_DAYS_PER_SEARCH, (end - first).days + 1),
        )
        counts.update(slot.day for slot in page.slots)
        if page.next_day is None:
            break
        first = page.next_day
    return counts


def counted(db, config, now, points, category, party_size, **page):
    """count_free_days as a dict {day: count}."""
    result = free_days.count_free_days(
        db,
        config,
        service_point_ids=points,
        category=category,
        party_size=party_size,
        now=now,
        **page,
    )
    return dict(result.days)


def make_busy(db, config, now, operations=120, seed=7):
    """Holds (live and run out), bookings, cancellations and reschedules at random free times
    of the next three weeks at both service points."""
    chance = random.Random(seed)
    booked = []

    def offered(point, category, party_size, days_ahead, days):
        return slots.search_free_slots(
            db,
            config,
            service_point_ids=[point],
            category=category,
            party_size=party_size,
            now=now,
            first_day=now.date() + timedelta(days=chance.randrange(days_ahead)),
            days=days,
        ).slots

    def hold(point, category, party_size, starts_at, when):
        return hold_slot(
            db,
            config,
            service_point_id=point,
            category=category,
            party_size=party_size,
            starts_at=starts_at,
            now=when,
        )

    for number in range(operations):
        category = chance.choice(["travel_document", "residence_permit", "citizenship"])
        party_size = chance.choice([1, 1, 1, 2, 4])
        point = chance.choice(POINTS)
        free = offered(point, category, party_size, 3, chance.choice([1, 3, 21]))
        if not free:
            continue
        slot = chance.choice(free)
        when = now - timedelta(minutes=30) if chance.random() < 0.15 else now  # ran out
        held = hold(point, category, party_size, slot.starts_at, when)
        action = chance.random()
        if when != now or action < 0.2:
            continue  # a hold, live or run out
        booking = book_appointment(
            db,
            config,
            hold_token=held.token,
            email=f"person{number}@example.fi",
            phone=None,
            language="fi",
            now=now,
        )
        booked.append((booking, point, category, party_size))
        if action < 0.35:
            cancel_appointment(
                db,
                config,
                reservation_key=booking.appointment.reservation_key,
                pin=booking.pin,
                now=now,
            )
        elif action < 0.5:
            later = offered(point, category, party_size, 10, 5)
            if later:
                new_hold = hold(point, category, party_size, chance.choice(later).starts_at, now)
                reschedule_appointment(
                    db,
                    config,
                    reservation_key=booking.appointment.reservation_key,
                    pin=booking.pin,
                    hold_token=new_hold.token,
                    now=now,
                )
    return booked


def test_the_demo_counts_equal_the_listed_times(db, config):
    now = local(10, 5)  # Monday 10:05: today's earlier times have begun
    for points in (["helsinki"], ["tampere"], POINTS):
        for category, party_size in (("travel_document", 1), ("residence_permit", 3)):
            expected = listed_per_day(db, config, now, points, category, party_size)
            assert counted(db, config, now, points, category, party_size, days=92) == expected
    today = counted(db, config, now, ["helsinki"], "travel_document", 1, days=1)
    assert 0 < today[date(2026, 11, 30)] < 32  # 10:00 has begun; 10:15 onwards is offered


def test_a_busy_calendar_counts_equal_the_listed_times(db, config):
    now = local(10, 5)
    assert make_busy(db, config, now)
    assert db.execute("SELECT COUNT(*) FROM slot_seats WHERE hold_id IS NOT NULL").fetchone()[0]
    assert db.execute("SELECT COUNT(*) FROM appointments WHERE status = 'cancelled'").fetchone()[0]
    for points in (["helsinki"], POINTS):
        for category, party_size in (
            ("travel_document", 1),
            ("residence_permit", 1),
            ("citizenship", 4),
        ):
            expected = listed_per_day(db, config, now, points, category, party_size)
            assert counted(db, config, now, points, category, party_size, days=92) == expected
    later = now + timedelta(hours=3, minutes=20)  # more of today has begun, holds ran out
    assert counted(db, config, later, POINTS, "travel_document", 1, days=92) == listed_per_day(
        db, config, later, POINTS, "travel_document", 1
    )


def test_closed_days_and_the_page_bounds(db, config):
    now = local(7)

    def helsinki_page(**page):
        return free_days.count_free_days(
            db,
            config,
            service_point_ids=["helsinki"],
            category="travel_document",
            party_size=1,
            now=now,
            **page,
        )

    result = helsinki_page(first_day=date(2026, 12, 21), days=14)
    days = dict(result.days)
    assert date(2026, 12, 24) not in days and date(2026, 12, 27) not in days
    assert date(2026, 12, 23) in days and date(2026, 12, 28) in days
    assert (result.first_day, result.last_day) == (date(2026, 12, 21), date(2027, 1, 3))
    assert result.next_day == date(2027, 1, 4)
    whole = helsinki_page(days=92)
    assert whole.first_day == date(2026, 11, 30)
    assert whole.last_day == date(2027, 3, 1)  # 92 days; the horizon is 92 days after today
    assert whole.next_day == whole.horizon_day == date(2027, 3, 2)
    rest = helsinki_page(first_day=whole.next_day, days=92)
    assert [day for day, _ in rest.days] == [date(2027, 3, 2)] and rest.next_day is None
    with pytest.raises(InvalidRequest):
        counted(db, config, now, ["helsinki"], "travel_document", 1, days=93)


def masks_from_seats(db):
    """The appointments' seats per (service point, day) as slot_seats says, as masks."""
    masks: dict[tuple[str, str], int] = {}
    for point, day, desk, minute in db.execute(
        "SELECT service_point, day, desk, minute FROM slot_seats WHERE appointment_id IS NOT NULL"
    ).fetchall():
        masks[(point, day)] = masks.get((point, day), 0) | 1 << (desk - 1) * 1440 + minute
    return masks


def masks_kept(db):
    """The maintained table, without the days whose seats were all let go."""
    rows = db.execute("SELECT service_point, day, mask FROM appointment_seat_masks").fetchall()
    assert all(isinstance(mask, bytes) and len(mask) % 180 == 0 for _, _, mask in rows)
    return {(point, day): int.from_bytes(mask, "little") for point, day, mask in rows if any(mask)}


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_seat_mask_table_follows_every_seat_change(db, config, seed):
    """After random holds, bookings, cancellations and reschedules the triggers' table is
    exactly the appointment seats of slot_seats (holds are not in it)."""
    booked = make_busy(db, config, local(10, 5), operations=80, seed=seed)
    assert booked
    expected = masks_from_seats(db)
    assert expected and masks_kept(db) == expected
    assert db.execute("SELECT MAX(desk) FROM slot_seats").fetchone()[0] >= 2  # several desks


def test_the_seat_mask_table_follows_direct_writes_too(db):
    """Any writer of slot_seats keeps the table: raw inserts, updates and deletes."""
    with write_transaction(db):
        for number, minute in enumerate((0, 7, 8, 479, 480, 1439), 1):
            db.execute(
                "INSERT INTO appointments (id, service_point, reservation_key, pin_hash, category,"
                " party_size, day, start_minute, end_minute, desk, starts_at, ends_at, status,"
                " email, language, booked_at, updated_at) VALUES (?, 'helsinki', ?, 'x',"
                " 'citizenship', 1, '2026-12-01', 0, 15, 1, 'a', 'b', 'booked', ?, 'fi', 'c', 'd')",
                [number, f"KEY{number}", f"p{number}@example.fi"],
            )
            db.execute(
                "INSERT INTO slot_seats (service_point, day, desk, minute, appointment_id)"
                " VALUES ('helsinki', '2026-12-01', ?, ?, ?)",
                [1 + number % 2, minute, number],
            )
    assert masks_kept(db) == masks_from_seats(db)
    with write_transaction(db):
        db.execute("UPDATE slot_seats SET desk = 5, minute = 900 WHERE appointment_id = 2")
        db.execute("UPDATE slot_seats SET day = '2026-12-02' WHERE appointment_id = 3")
        db.execute("DELETE FROM slot_seats WHERE appointment_id IN (1, 4)")
    assert masks_kept(db) == masks_from_seats(db)
    assert len(masks_from_seats(db)) == 2


def test_the_migration_fills_the_table_from_the_seats_already_taken(db, config):
    make_busy(db, config, local(10, 5), operations=40, seed=5)
    expected = masks_from_seats(db)
    assert expected
    number = MIGRATIONS.index(m007_appointment_seat_masks.apply) + 1
    with write_transaction(db):
        for trigger in ("insert", "update", "delete"):
            db.execute(f"DROP TRIGGER appointment_seat_masks_{trigger}")
        db.execute("DROP TABLE appointment_seat_masks")
        db.execute("DELETE FROM migrations WHERE number = ?", [number])
    assert migrate(db) == 1
    assert masks_kept(db) == expected
