"""Concurrency: real threads on a real SQLite file, each with its own connection.

Numbers stay unique and consecutive, two counters never call the same ticket, and a double tap
on the kiosk makes one ticket.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections import Counter as Tally

from shared.config.service_points import Counter
from shared.errors import DomainError
from shared.queue.ticket_actions import call_next_ticket, finish_ticket
from shared.queue.tickets import issue_ticket
from shared.storage.connections import connect

THREADS = 20
TICKETS_PER_THREAD = 50
CLERKS = 10
WAITING_TICKETS = 200


def run_in_threads(count: int, work) -> list:
    """Start `count` threads at once on `work(index)`; return the results, re-raise errors."""
    barrier = threading.Barrier(count)
    results: list = [None] * count
    errors: list[BaseException] = []

    def target(index: int) -> None:
        try:
            barrier.wait()
            results[index] = work(index)
        except BaseException as error:  # handed to the test thread below
            errors.append(error)

    threads = [threading.Thread(target=target, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    if errors:
        raise errors[0]
    return results


def issue(db, config, now, key=None):
    """Issue an urgent number at Helsinki."""
    return issue_ticket(
        db,
        config,
        service_point_id="helsinki",
        queue_id="urgent",
        party_size=1,
        language="fi",
        category="residence_permit",
        triage_answers={},
        idempotency_key=key,
        now=now,
        kiosk="kiosk:1",
    )


def test_parallel_issuing_gives_distinct_consecutive_numbers(config, db, clock):
    now = clock.now()

    def issue_many(_index):
        connection = connect(config.database)
        try:
            return [issue(connection, config, now).ticket.number for _ in range(TICKETS_PER_THREAD)]
        finally:
            connection.close()

    numbers = [number for batch in run_in_threads(THREADS, issue_many) for number in batch]
    total = THREADS * TICKETS_PER_THREAD
    assert len(numbers) == total
    assert sorted(numbers, key=lambda number: int(number[1:])) == [
        f"A{sequence:03d}" for sequence in range(1, total + 1)
    ]
    assert "A1000" in numbers
    stored = [row[0] for row in db.execute("SELECT sequence FROM tickets ORDER BY sequence")]
    assert stored == list(range(1, total + 1))
    events = [row[0] for row in db.execute("SELECT sequence FROM events ORDER BY sequence")]
    assert events == list(range(1, total + 1))


def test_parallel_clerks_never_call_the_same_ticket(config, db, clock):
    helsinki = config.service_point("helsinki")
    busy_office = dataclasses.replace(
        helsinki, counters=tuple(Counter(number, ("urgent",)) for number in range(1, CLERKS + 1))
    )
    office_config = dataclasses.replace(
        config, service_points=(busy_office, config.service_point("tampere"))
    )
    now = clock.now()
    issued = [issue(db, office_config, now).ticket.id for _ in range(WAITING_TICKETS)]

    def serve_until_empty(index):
        counter_number = index + 1
        clerk = f"clerk{counter_number}"
        connection = connect(config.database)
        served = []
        try:
            while True:
                try:
                    called = call_next_ticket(
                        connection,
                        office_config,
                        service_point_id="helsinki",
                        counter_number=counter_number,
                        clerk=clerk,
                        now=now,
                    ).ticket
                except DomainError as error:
                    assert error.code == "queue_empty"
                    return served
                assert called.counter == counter_number
                served.append(called.id)
                time.sleep(0.001)  # the customer walks to the counter: others get the lock too
                finish_ticket(
                    connection,
                    office_config,
                    ticket_id=called.id,
                    service_point_id="helsinki",
                    counter_number=counter_number,
                    clerk=clerk,
                    now=now,
                )
        finally:
            connection.close()

    served_by_counter = run_in_threads(CLERKS, serve_until_empty)
    served = [ticket_id for batch in served_by_counter for ticket_id in batch]
    assert sorted(served) == sorted(issued)  # every ticket once, none twice
    assert sum(1 for batch in served_by_counter if batch) > 1, "the clerks did not overlap at all"
    calls = Tally(
        row[0] for row in db.execute("SELECT ticket_id FROM events WHERE type = 'TicketCalled'")
    )
    assert set(calls) == set(issued)
    assert set(calls.values()) == {1}
    statuses = Tally(row[0] for row in db.execute("SELECT status FROM tickets"))
    assert statuses == {"finished": WAITING_TICKETS}
    # The event log stayed gap-free under contention: issued, called and finished, numbered 1..n.
    sequences = [row[0] for row in db.execute("SELECT sequence FROM events ORDER BY sequence")]
    assert sequences == list(range(1, 3 * WAITING_TICKETS + 1))


def test_parallel_double_taps_make_one_ticket(config, db, clock):
    now = clock.now()

    def tap(_index):
        connection = connect(config.database)
        try:
            outcome = issue(connection, config, now, key="kiosk-2-interaction-41")
            return outcome.ticket.id, len(outcome.events)
        finally:
            connection.close()

    results = run_in_threads(8, tap)
    assert len({ticket_id for ticket_id, _ in results}) == 1
    assert sorted(event_count for _, event_count in results) == [0] * 7 + [1]
    assert db.execute("SELECT COUNT(*) FROM tickets").fetchone()[0] == 1
    assert db.execute("SELECT COUNT(*) FROM events").fetchone()[0] == 1
