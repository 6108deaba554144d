"""The print worker: order per printer, retries until the printer is back, late slips skipped."""

import threading
import time

import pytest

from printers.backends import PrinterError
from printers.worker import JobStatus, PrintWorker, RetryPolicy
from tests.printers.printer_listener import PrinterListener, free_port

QUEUED, PRINTED, FAILED, SKIPPED = (
    JobStatus.QUEUED,
    JobStatus.PRINTED,
    JobStatus.FAILED,
    JobStatus.SKIPPED,
)
WAIT_SECONDS = 10.0


class StatusLog:
    """Collects on_status calls and lets a test wait for one."""

    def __init__(self):
        self.entries: list[tuple[object, JobStatus, str]] = []
        self.changed = threading.Condition()

    def __call__(self, job_id, status, detail):
        with self.changed:
            self.entries.append((job_id, status, detail))
            self.changed.notify_all()

    def statuses(self, job_id) -> list[JobStatus]:
        with self.changed:
            return [status for job, status, _ in self.entries if job == job_id]

    def details(self, job_id, status) -> list[str]:
        with self.changed:
            return [detail for job, seen, detail in self.entries if (job, seen) == (job_id, status)]

    def wait_for(self, job_id, status) -> None:
        with self.changed:
            reached = self.changed.wait_for(
                lambda: (job_id, status) in [(job, seen) for job, seen, _ in self.entries],
                WAIT_SECONDS,
            )
        assert reached, f"{job_id} never became {status}: {self.entries}"


class FakeClock:
    """A monotonic clock that only moves when the worker sleeps."""

    def __init__(self):
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def network(port: int) -> dict:
    return {"type": "network", "host": "127.0.0.1", "port": port, "timeout": 1}


@pytest.fixture
def status_log():
    return StatusLog()


def test_jobs_go_out_whole_and_in_order(status_log):
    payloads = [f"ticket {number}\n".encode() * 200 for number in range(5)]
    worker = PrintWorker(status_log)
    with PrinterListener() as printer:
        for number, payload in enumerate(payloads):
            worker.submit(f"A00{number}", network(printer.port), payload)
        status_log.wait_for("A004", PRINTED)
        received = printer.wait_for_jobs(5)
    worker.stop()

    assert received == payloads
    for number in range(5):
        assert status_log.statuses(f"A00{number}") == [QUEUED, PRINTED]


def test_failed_jobs_are_retried_and_printed_in_order_when_the_printer_comes_back(status_log):
    port = free_port()  # nothing listens yet: the printer is switched off
    printer = PrinterListener(port=port)
    clock = FakeClock()

    def sleep(seconds):
        clock.sleep(seconds)
        if len(clock.sleeps) == 3:
            printer.start()  # someone switches the printer on during the third wait

    worker = PrintWorker(
        status_log, retry=RetryPolicy(base_delay=1, max_delay=3), sleep=sleep, clock=clock
    )
    worker.submit("A001", network(port), b"first slip\n")
    worker.submit("A002", network(port), b"second slip\n")
    try:
        status_log.wait_for("A002", PRINTED)
        received = printer.wait_for_jobs(2)
    finally:
        worker.stop()
        printer.stop()

    assert received == [b"first slip\n", b"second slip\n"]
    assert status_log.statuses("A001") == [QUEUED, FAILED, FAILED, FAILED, PRINTED]
    # The second slip is told at the first failure that the printer is down, not left queued.
    assert status_log.statuses("A002") == [QUEUED, FAILED, PRINTED]
    assert clock.sleeps == [1, 2, 3]  # doubling, capped at max_delay
    first_failure = status_log.details("A001", FAILED)[0]
    assert "connection refused" in first_failure and "next try in 1 s" in first_failure


def test_a_ticket_called_before_its_slip_could_print_is_skipped(status_log):
    called = threading.Event()
    sent = []

    def send(printer, payload):
        sent.append(payload)
        raise PrinterError("paper out")

    def sleep(seconds):
        called.set()  # the clerk calls the number while the printer is out of paper

    worker = PrintWorker(status_log, send=send, sleep=sleep)
    worker.submit("A001", network(9100), b"slip", should_print=lambda: not called.is_set())
    status_log.wait_for("A001", SKIPPED)
    worker.stop()

    assert status_log.statuses("A001") == [QUEUED, FAILED, SKIPPED]
    assert sent == [b"slip"]


def test_max_attempts_gives_up_and_the_next_job_still_gets_its_turn(status_log):
    attempts = []

    def send(printer, payload):
        attempts.append(payload)
        if payload == b"first":
            raise PrinterError("paper jam")

    worker = PrintWorker(
        status_log, retry=RetryPolicy(max_attempts=3), send=send, sleep=lambda seconds: None
    )
    worker.submit("A001", network(9100), b"first")
    worker.submit("A002", network(9100), b"second")
    status_log.wait_for("A002", PRINTED)
    worker.stop()

    assert attempts == [b"first", b"first", b"first", b"second"]
    assert status_log.statuses("A001") == [QUEUED, FAILED, FAILED, FAILED]
    assert "gave up after 3 attempts" in status_log.details("A001", FAILED)[-1]


def test_give_up_after_counts_time_on_the_clock(status_log):
    clock = FakeClock()

    def send(printer, payload):
        raise PrinterError("offline")

    worker = PrintWorker(
        status_log,
        retry=RetryPolicy(base_delay=10, max_delay=60, give_up_after=60),
        send=send,
        sleep=clock.sleep,
        clock=clock,
    )
    worker.submit("A001", network(9100), b"slip")
    status_log.wait_for("A001", FAILED)
    deadline = time.monotonic() + WAIT_SECONDS
    while "gave up" not in status_log.details("A001", FAILED)[-1]:
        assert time.monotonic() < deadline, status_log.entries
        time.sleep(0.01)
    worker.stop()

    assert clock.sleeps == [10, 20, 40]


def test_reprint_is_submitting_again(status_log):
    sent = []
    worker = PrintWorker(status_log, send=lambda printer, payload: sent.append(payload))
    worker.submit("A001", network(9100), b"slip")
    status_log.wait_for("A001", PRINTED)
    worker.submit("A001-reprint", network(9100), b"slip")
    status_log.wait_for("A001-reprint", PRINTED)
    worker.stop()

    assert sent == [b"slip", b"slip"]


def test_a_dead_printer_does_not_hold_up_another_printer(status_log):
    release = threading.Event()

    def send(printer, payload):
        if printer.host == "10.0.0.1":
            release.wait(WAIT_SECONDS)  # this printer hangs for as long as it may
            raise PrinterError("no answer")

    worker = PrintWorker(status_log, send=send, sleep=lambda seconds: release.wait(WAIT_SECONDS))
    worker.submit("A001", {"type": "network", "host": "10.0.0.1"}, b"slip")
    worker.submit("B001", {"type": "network", "host": "10.0.0.2"}, b"slip")
    status_log.wait_for("B001", PRINTED)
    status_log.wait_for("A001", QUEUED)
    assert status_log.statuses("A001") == [QUEUED]  # still hanging, neither failed nor printed
    release.set()
    worker.stop()


def test_submit_never_waits_for_a_printer(status_log):
    sending = threading.Event()
    release = threading.Event()

    def send(printer, payload):
        sending.set()
        release.wait(WAIT_SECONDS)

    worker = PrintWorker(status_log, send=send)
    worker.submit("A001", network(9100), b"slip")
    assert sending.wait(WAIT_SECONDS)
    started = time.monotonic()
    for number in range(2, 50):
        worker.submit(f"A{number:03d}", network(9100), b"slip")
    submitting = time.monotonic() - started
    release.set()
    status_log.wait_for("A049", PRINTED)
    worker.stop()

    assert submitting < WAIT_SECONDS / 2  # far less in practice; the send holds for 10 s


def test_stop_interrupts_the_wait_between_retries(status_log):
    def send(printer, payload):
        raise PrinterError("offline")

    worker = PrintWorker(status_log, retry=RetryPolicy(base_delay=600, max_delay=600), send=send)
    worker.submit("A001", network(9100), b"slip")
    status_log.wait_for("A001", FAILED)
    started = time.monotonic()
    worker.stop(timeout=5)

    assert time.monotonic() - started < 5
    with pytest.raises(RuntimeError, match="stopped"):
        worker.submit("A002", network(9100), b"slip")


def test_a_failing_status_callback_does_not_stop_printing():
    sent = []
    printed = threading.Event()

    def on_status(job_id, status, detail):
        if status == PRINTED and job_id == "A002":
            printed.set()
        raise RuntimeError("database is locked")

    worker = PrintWorker(on_status, send=lambda printer, payload: sent.append(payload))
    worker.submit("A001", network(9100), b"one")
    worker.submit("A002", network(9100), b"two")
    assert printed.wait(WAIT_SECONDS)
    worker.stop()

    assert sent == [b"one", b"two"]


def test_screen_only_printer_skips_the_job(status_log):
    worker = PrintWorker(status_log, send=lambda printer, payload: pytest.fail("sent"))
    worker.submit("A001", {"type": "none"}, b"slip")
    status_log.wait_for("A001", SKIPPED)
    worker.stop()


def test_bad_printer_settings_are_refused_at_submit(status_log):
    worker = PrintWorker(status_log)
    with pytest.raises(ValueError, match="'host'"):
        worker.submit("A001", {"type": "network"}, b"slip")
    worker.stop()


def test_every_job_waiting_on_a_printer_that_refuses_reports_failed_at_once(status_log):
    # A closed port: the first attempt fails, and every slip behind it hears so at once
    # instead of waiting, queued, behind the first one's retries.
    worker = PrintWorker(status_log, retry=RetryPolicy(base_delay=600, max_delay=600))
    port = free_port()
    for number in range(1, 6):
        worker.submit(f"B00{number}", network(port), b"slip")
    for number in range(1, 6):
        status_log.wait_for(f"B00{number}", FAILED)
    worker.stop()

    assert "connection refused" in status_log.details("B005", FAILED)[0]


def test_a_job_past_its_limit_is_discarded_where_it_waits_and_never_printed_late(status_log):
    clock = FakeClock()
    finished = []
    port = free_port()  # the printer is off
    worker = PrintWorker(
        status_log,
        retry=RetryPolicy(base_delay=0.05, max_delay=0.1),
        clock=clock,
        on_finished=lambda job_id, status: finished.append((job_id, status)),
    )
    worker.submit("A001", network(port), b"ticket slip\n")
    worker.submit("PIN", network(port), b"PIN 4711\n", time_limit=30)
    status_log.wait_for("PIN", FAILED)  # told the printer is down, behind A001
    clock.now += 31  # the PIN slip's limit runs out while it waits behind A001
    with PrinterListener(port=port) as printer:
        status_log.wait_for("A001", PRINTED)
        worker.submit("A002", network(port), b"next slip\n")
        status_log.wait_for("A002", PRINTED)
        received = printer.wait_for_jobs(2)
    worker.stop()

    assert received == [b"ticket slip\n", b"next slip\n"]
    assert "will not be printed late" in status_log.details("PIN", FAILED)[-1]
    assert ("PIN", FAILED) in finished and PRINTED not in status_log.statuses("PIN")
