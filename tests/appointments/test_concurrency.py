"""Bookings under contention, with real threads on the real SQLite file.

Each thread has its own connection, as each server thread has; BEGIN IMMEDIATE and the UNIQUE
seat constraint must give every place to exactly one person.
"""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from shared.appointments.booking import book_appointment, hold_slot
from shared.appointments.changes import reschedule_appointment
from shared.errors import DomainError
from shared.storage.connections import connect
from tests.appointment_helpers import MONDAY_EARLY, local, one_day_config

THREADS = 100
ATTEMPTS = 1000
START_TIMES = [local(8) + timedelta(minutes=15 * index) for index in range(25)]


class Connections:
    """One connection per thread, all closed at the end."""

    def __init__(self, path: str):
        self.path = path
        self.local = threading.local()
        self.opened = []
        self.lock = threading.Lock()

    def get(self):
        if not hasattr(self.local, "db"):
            self.local.db = connect(self.path)
            with self.lock:
                self.opened.append(self.local.db)
        return self.local.db

    def close(self):
        for connection in self.opened:
            connection.close()


def hold_and_book(db, config, starts_at, email, now=MONDAY_EARLY):
    """What one person does: hold a time, then book it; returns the booking or the error code."""
    try:
        held = hold_slot(
            db,
            config,
            service_point_id="helsinki",
            category="travel_document",
            party_size=1,
            starts_at=starts_at,
            now=now,
        )
        return book_appointment(
            db, config, hold_token=held.token, email=email, phone=None, language="fi", now=now
        )
    except DomainError as error:
        return error.code


def test_a_thousand_attempts_on_a_hundred_places(db, config):
    small = one_day_config(config, desks=4)  # 25 start times x 4 desks = 100 places
    connections = Connections(small.database)
    barrier = threading.Barrier(THREADS)

    def attempt(number):
        if number < THREADS:
            barrier.wait(timeout=30)  # the first wave starts at the same moment
        return hold_and_book(
            connections.get(), small, START_TIMES[number % 25], f"person{number}@example.fi"
        )

    try:
        with ThreadPoolExecutor(max_workers=THREADS) as pool:
            results = list(pool.map(attempt, range(ATTEMPTS)))
    finally:
        connections.close()
    booked = [result for result in results if not isinstance(result, str)]
    refused = Counter(result for result in results if isinstance(result, str))
    assert len(booked) == 100
    assert refused == {"slot_taken": 900}
    assert len({booking.appointment.id for booking in booked}) == 100
    assert len({booking.appointment.reservation_key for booking in booked}) == 100
    places = Counter(
        (booking.appointment.starts_at, booking.appointment.desk) for booking in booked
    )
    assert max(places.values()) == 1  # none twice
    assert db.execute("SELECT COUNT(*) FROM appointments").fetchone()[0] == 100
    assert db.execute("SELECT COUNT(*) FROM slot_seats").fetchone()[0] == 100
    assert db.execute("SELECT COUNT(*) FROM appointment_holds").fetchone()[0] == 0
    events = db.execute(
        "SELECT COUNT(*), COUNT(DISTINCT sequence) FROM events WHERE type = 'AppointmentBooked'"
    ).fetchone()
    assert events == (100, 100)


def test_holds_that_expire_free_their_places_for_the_next_wave(db, config):
    small = one_day_config(config, desks=2, closes="08:30")  # 2 times x 2 desks = 4 places
    connections = Connections(small.database)

    def hold_only(number, now):
        try:
            return hold_slot(
                connections.get(),
                small,
                service_point_id="helsinki",
                category="travel_document",
                party_size=1,
                starts_at=START_TIMES[number % 2],
                now=now,
            )
        except DomainError as error:
            return error.code

    try:
        with ThreadPoolExecutor(max_workers=20) as pool:
            first = list(pool.map(lambda n: hold_only(n, MONDAY_EARLY), range(40)))
            assert sum(not isinstance(result, str) for result in first) == 4
            later = MONDAY_EARLY + timedelta(minutes=small.appointments.hold_minutes, seconds=1)
            second = list(
                pool.map(
                    lambda n: hold_and_book(
                        connections.get(), small, START_TIMES[n % 2], f"p{n}@x.fi", later
                    ),
                    range(40),
                )
            )
    finally:
        connections.close()
    assert sum(not isinstance(result, str) for result in second) == 4
    assert db.execute("SELECT COUNT(*) FROM appointments").fetchone()[0] == 4


def test_reschedule_under_contention_never_loses_the_old_time(db, config):
    """Twenty people move to five new places while twenty others grab the times they leave."""
    small = one_day_config(config, desks=1)
    movers = [
        hold_and_book(db, small, START_TIMES[index], f"mover{index}@example.fi")
        for index in range(20)
    ]
    new_times = START_TIMES[20:25]
    connections = Connections(small.database)
    barrier = threading.Barrier(40)
    move_finished = [threading.Event() for _ in movers]

    def move(index):
        try:
            return try_to_move(index)
        finally:
            move_finished[index].set()

    def try_to_move(index):
        db_here = connections.get()
        barrier.wait(timeout=30)
        try:
            held = hold_slot(
                db_here,
                small,
                service_point_id="helsinki",
                category="travel_document",
                party_size=1,
                starts_at=new_times[index % 5],
                now=MONDAY_EARLY,
            )
        except DomainError as error:
            return error.code
        mover = movers[index]
        try:
            return reschedule_appointment(
                db_here,
                small,
                reservation_key=mover.appointment.reservation_key,
                pin=mover.pin,
                hold_token=held.token,
                now=MONDAY_EARLY,
            )
        except DomainError as error:
            return error.code

    def grab(index):
        db_here = connections.get()
        barrier.wait(timeout=30)
        while True:  # keep trying the mover's old time while they move, and once after
            finished = move_finished[index].is_set()
            result = hold_and_book(db_here, small, START_TIMES[index], f"grab{index}@x.fi")
            if not isinstance(result, str) or finished:
                return result

    try:
        with ThreadPoolExecutor(max_workers=40) as pool:
            moves = [pool.submit(move, index) for index in range(20)]
            grabs = [pool.submit(grab, index) for index in range(20)]
            moved = [future.result() for future in moves]
            grabbed = [future.result() for future in grabs]
    finally:
        connections.close()
    succeeded = [index for index, result in enumerate(moved) if not isinstance(result, str)]
    assert len(succeeded) == 5  # five new places, one desk each
    for index, mover in enumerate(movers):
        seats = db.execute(
            "SELECT minute FROM slot_seats WHERE appointment_id = ?", [mover.appointment.id]
        ).fetchall()
        status, starts_at = db.execute(
            "SELECT status, starts_at FROM appointments WHERE id = ?", [mover.appointment.id]
        ).fetchone()
        assert status == "booked"
        assert len(seats) == 1, f"mover {index} has {len(seats)} seats"
        expected = new_times[index % 5] if index in succeeded else START_TIMES[index]
        assert seats[0][0] == expected.hour * 60 + expected.minute
        # the old time went to a grabber exactly when its owner had moved away
        assert (not isinstance(grabbed[index], str)) == (index in succeeded)
    taken = db.execute("SELECT day, desk, minute, COUNT(*) FROM slot_seats GROUP BY 1, 2, 3")
    assert all(row[3] == 1 for row in taken.fetchall())
