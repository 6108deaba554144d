"""Printing from the app: a ticket issued at the kiosk comes out of a (pretend) network printer.

A TCP listener on loopback plays the service point's printer. The ticket exists before it is
printed; a printer that is away makes the print fail, then succeed on a retry; a ticket called
in the meantime is not printed late; a clerk can reprint. A printer that is stuck fails every
ticket waiting on it at once; a slip past its time limit is never printed; a restart resumes
the jobs within their limit and shows the others as failed.
"""

from __future__ import annotations

import dataclasses
import json
import re
import threading
import time

import pytest

from printers.printer_config import parse_printer_config
from shared.web.ticket_printing import TicketPrinting
from tests.printers.escpos_decoder import decode
from tests.printers.printer_listener import PrinterListener, free_port

URGENT_ANSWERS = {
    "matter": "residence_permit",
    "expiry_year": 2027,
    "expiry_month": 1,
    "found_appointment": False,
}
DEADLINE_SECONDS = 10.0
KEY = "kiosk-1-visit-0001"
# More than the socket buffers hold, so that it can only go out to a printer that reads.
BIG_SLIP = b"\x00" * (16 * 1024 * 1024)
PIN_SLIP = b"\x1b@Varaustunnus 7HK4-2QX9\nPIN 4711\n\x1dV\x00"


@pytest.fixture
def printer_port():
    """The loopback port the Helsinki kiosk printer listens on (nothing listens yet)."""
    return free_port()


@pytest.fixture
def config(config, printer_port):
    """The demo config with Helsinki's kiosk printer on loopback and quick retries."""
    printer = parse_printer_config(
        {"type": "network", "host": "127.0.0.1", "port": printer_port, "timeout": 1}
    )
    points = tuple(
        dataclasses.replace(point, printer=printer) if point.id == "helsinki" else point
        for point in config.service_points
    )
    rules = dataclasses.replace(
        config.rules,
        print_retry_base_seconds=0.05,
        print_retry_max_seconds=0.2,
        printer_probe_seconds=0.0,
    )
    return dataclasses.replace(config, service_points=points, rules=rules)


@pytest.fixture(autouse=True)
def stop_printing(app):
    """Stop the app's print worker after each test, so no thread outlives it."""
    yield
    app.extensions["jono"].printing.stop()


def issue(client, key=KEY):
    """Issue an urgent number at the Helsinki kiosk; return the response body."""
    response = client.post(
        "/api/v1/service-points/helsinki/tickets",
        json={"answers": URGENT_ANSWERS, "language": "fi", "idempotency_key": key},
    )
    assert response.status_code == 201, response.json
    return response.json


def print_status(client, ticket):
    """The ticket's print status as the kiosk asks for it."""
    response = client.get(
        f"/api/v1/tickets/{ticket['id']}/print-status?token={ticket['status_token']}"
    )
    assert response.status_code == 200, response.json
    return response.json["print_status"]


def wait_for_print_status(client, ticket, wanted):
    """Poll until the ticket's print status is ``wanted``; fail after the deadline."""
    deadline = time.monotonic() + DEADLINE_SECONDS
    while (status := print_status(client, ticket)) != wanted:
        assert time.monotonic() < deadline, f"print status stayed {status!r}, not {wanted!r}"
        time.sleep(0.01)


def event_types(socket):
    """The queue_event types a socket client has received so far, in order."""
    return [
        message["args"][0]["type"]
        for message in socket.get_received()
        if message["name"] == "queue_event"
    ]


def test_an_issued_ticket_comes_out_of_the_printer_whole(client, printer_port):
    with PrinterListener(port=printer_port) as printer:
        ticket = issue(client)
        assert ticket["print_status"] == "queued"
        jobs = printer.wait_for_jobs(1)
        wait_for_print_status(client, ticket, "printed")

    assert len(jobs) == 1
    receipt = decode(jobs[0])
    assert receipt.line_containing(ticket["number"]).style.width == 4
    assert "Vuoronumero" in receipt.words
    assert receipt.qr_codes[0].payload.endswith(f"/t/{ticket['status_token']}")
    assert len(receipt.cuts) == 1


def test_a_replayed_request_prints_nothing_more(client, printer_port):
    with PrinterListener(port=printer_port) as printer:
        first = issue(client)
        wait_for_print_status(client, first, "printed")
        replay = client.post(
            "/api/v1/service-points/helsinki/tickets",
            json={"answers": URGENT_ANSWERS, "language": "fi", "idempotency_key": KEY},
        )
        assert replay.status_code == 200
        assert replay.json["print_status"] == "printed"
        assert len(printer.wait_for_jobs(1)) == 1
    assert len(printer.jobs) == 1


def test_a_printer_that_comes_back_prints_the_ticket_after_a_retry(
    client, printer_port, socket_client
):
    socket = socket_client("helsinki")
    socket.get_received()  # the snapshot on connect
    ticket = issue(client)
    wait_for_print_status(client, ticket, "failed")
    snapshot = client.get("/api/v1/service-points/helsinki/snapshot").json
    assert snapshot["printer"]["status"] == "offline"
    assert [row["number"] for row in snapshot["failed_prints"]] == [ticket["number"]]

    with PrinterListener(port=printer_port) as printer:
        wait_for_print_status(client, ticket, "printed")
        jobs = printer.wait_for_jobs(1)

    assert ticket["number"] in decode(jobs[0]).words
    assert event_types(socket) == ["TicketIssued", "TicketPrintFailed", "TicketPrinted"]
    snapshot = client.get("/api/v1/service-points/helsinki/snapshot").json
    assert snapshot["printer"]["status"] == "online"
    assert snapshot["failed_prints"] == []


def test_the_kiosk_answer_does_not_wait_for_the_printer(app, client):
    worker = app.extensions["jono"].printing.worker
    release = threading.Event()
    sent = []

    def slow_send(printer, payload):
        release.wait(DEADLINE_SECONDS)
        sent.append(payload)

    worker.send = slow_send
    ticket = issue(client)  # returns while the printer is still busy with the slip
    assert ticket["print_status"] == "queued"
    assert print_status(client, ticket) == "queued"
    assert sent == []
    release.set()
    wait_for_print_status(client, ticket, "printed")
    assert len(sent) == 1


def test_a_ticket_called_before_the_printer_is_back_is_not_printed(
    client, printer_port, make_clerk
):
    ticket = issue(client)
    wait_for_print_status(client, ticket, "failed")
    clerk = make_clerk()
    assert clerk.post("/api/v1/counter/call-next").json["number"] == ticket["number"]

    with PrinterListener(port=printer_port) as printer:
        wait_for_print_status(client, ticket, "skipped")
    assert printer.jobs == []


def test_the_print_status_needs_the_tickets_token(client):
    ticket = issue(client)
    wrong = client.get(f"/api/v1/tickets/{ticket['id']}/print-status?token=not-the-token")
    assert wrong.status_code == 404
    assert client.get(f"/api/v1/tickets/{ticket['id']}/print-status").status_code == 400


def test_a_clerk_can_reprint_a_waiting_ticket(client, printer_port, make_clerk):
    with PrinterListener(port=printer_port) as printer:
        ticket = issue(client)
        wait_for_print_status(client, ticket, "printed")
        anonymous = client.post(f"/api/v1/tickets/{ticket['id']}/reprint")
        assert anonymous.status_code == 401
        assert anonymous.json["error"]["code"] == "login_required"

        clerk = make_clerk()
        response = clerk.post(f"/api/v1/tickets/{ticket['id']}/reprint")
        assert response.status_code == 200, response.json
        assert response.json["print_status"] == "queued"
        jobs = printer.wait_for_jobs(2)
        wait_for_print_status(client, ticket, "printed")

    assert len(jobs) == 2
    assert all(ticket["number"] in decode(job).words for job in jobs)


def test_a_called_ticket_is_not_reprinted(client, printer_port, make_clerk):
    with PrinterListener(port=printer_port):
        ticket = issue(client)
        wait_for_print_status(client, ticket, "printed")
    clerk = make_clerk()
    clerk.post("/api/v1/counter/call-next")
    response = clerk.post(f"/api/v1/tickets/{ticket['id']}/reprint")
    assert response.status_code == 409
    assert response.json["error"]["code"] == "reprint_not_waiting"


def test_the_health_check_records_a_printer_that_is_off(app, client, socket_client):
    socket = socket_client("helsinki")
    socket.get_received()
    app.extensions["jono"].printing.check_printers()

    snapshot = client.get("/api/v1/service-points/helsinki/snapshot").json
    assert snapshot["printer"]["has_printer"] is True
    assert snapshot["printer"]["status"] == "offline"
    assert [message["name"] for message in socket.get_received()] == ["snapshot"]
    # The same answer again is no news.
    app.extensions["jono"].printing.check_printers()
    assert socket.get_received() == []


def test_the_health_checks_run_in_the_background_until_stopped(app, client):
    printing = app.extensions["jono"].printing
    printing.config = dataclasses.replace(
        printing.config,
        rules=dataclasses.replace(printing.config.rules, printer_probe_seconds=0.05),
    )
    printing.start_health_checks()
    deadline = time.monotonic() + DEADLINE_SECONDS
    while client.get("/api/v1/service-points/helsinki/snapshot").json["printer"]["status"] is None:
        assert time.monotonic() < deadline, "the printer was never checked"
        time.sleep(0.01)
    printing.stop()
    assert not printing._health_thread.is_alive()


def test_a_service_point_without_a_printer_prints_nothing(pair_kiosk):
    client = pair_kiosk("tampere")
    response = client.post(
        "/api/v1/service-points/tampere/tickets",
        json={"answers": URGENT_ANSWERS, "language": "sv", "idempotency_key": KEY},
    )
    assert response.status_code == 201
    assert response.json["print_status"] is None
    snapshot = client.get("/api/v1/service-points/tampere/snapshot").json
    assert snapshot["printer"] == {
        "has_printer": False,
        "status": None,
        "checked_at": None,
    }


@pytest.mark.parametrize(
    ("language", "sentence"),
    [
        ("fi", "Tulostin ei toimi. Numerosi on {number} – ota se muistiin."),
        ("sv", "Skrivaren fungerar inte. Ditt nummer är {number} – anteckna det."),
        ("en", "The printer is not working. Your number is {number} — please note it."),
    ],
)
def test_the_kiosk_can_say_the_printer_failed_in_each_language(client, language, sentence):
    page = client.get(f"/kiosk/helsinki?lang={language}")
    assert page.status_code == 200
    found = re.search(r'id="kiosk-text">(.*?)</script>', page.get_data(as_text=True), re.S)
    assert json.loads(found.group(1))["print_failed"] == sentence


def kept_payloads(db) -> list[bytes]:
    """The slips' bytes still kept in the database."""
    return [row[0] for row in db.execute("SELECT payload FROM print_jobs").fetchall()]


def restart_printing(app) -> TicketPrinting:
    """Stop the app's print service and start a new one on the same database, as a restart
    of Jono would (the autouse fixture stops the new one)."""
    state = app.extensions["jono"]
    state.printing.stop()
    state.printing = TicketPrinting(app)
    return state.printing


@pytest.mark.parametrize("stuck", ["refuses", "never_reads"])
def test_every_ticket_behind_a_stuck_printer_reports_failed_within_seconds(
    app, client, printer_port, stuck
):
    if stuck == "never_reads":
        printer = PrinterListener(port=printer_port, reads=False).start()
        # The job in front is a slip the printer will not take; the tickets wait behind it.
        app.extensions["jono"].printing.print_slip("helsinki", BIG_SLIP)
    else:
        printer = None  # nothing listens: the connection is refused
    try:
        tickets = [issue(client, key=f"{KEY}-{number}") for number in range(4)]
        for ticket in tickets:
            wait_for_print_status(client, ticket, "failed")
        snapshot = client.get("/api/v1/service-points/helsinki/snapshot").json
    finally:
        app.extensions["jono"].printing.stop()
        if printer is not None:
            printer.stop()

    failed_numbers = [row["number"] for row in snapshot["failed_prints"]]
    assert failed_numbers == [ticket["number"] for ticket in tickets]


def test_a_pin_slip_is_never_printed_after_its_limit(app, client, clock, db, printer_port):
    printing = app.extensions["jono"].printing
    assert printing.print_slip("helsinki", PIN_SLIP)
    ticket = issue(client)
    wait_for_print_status(client, ticket, "failed")  # behind the PIN slip: the printer is off
    assert PIN_SLIP in kept_payloads(db)
    clock.advance(seconds=app.extensions["jono"].config.rules.print_pin_slip_limit_seconds + 1)

    with PrinterListener(port=printer_port) as printer:  # the printer is back, too late
        wait_for_print_status(client, ticket, "printed")
        jobs = printer.wait_for_jobs(1)

    assert len(jobs) == 1 and ticket["number"] in decode(jobs[0]).words
    assert not any(b"PIN 4711" in job for job in jobs)
    assert kept_payloads(db) == []  # the PIN's bytes are gone with the job


def test_a_restart_resumes_the_slips_still_within_their_limit(app, client, db, printer_port):
    ticket = issue(client)
    wait_for_print_status(client, ticket, "failed")
    assert len(kept_payloads(db)) == 1

    with PrinterListener(port=printer_port) as printer:
        restart_printing(app)
        wait_for_print_status(client, ticket, "printed")
        jobs = printer.wait_for_jobs(1)

    assert ticket["number"] in decode(jobs[0]).words
    assert kept_payloads(db) == []


def test_a_restart_after_the_limits_prints_nothing_late_and_shows_the_slips_failed(
    app, client, clock, db, printer_port
):
    app.extensions["jono"].printing.print_slip("helsinki", PIN_SLIP)
    late = issue(client)
    wait_for_print_status(client, late, "failed")
    app.extensions["jono"].printing.stop()
    clock.advance(seconds=app.extensions["jono"].config.rules.print_ticket_limit_seconds + 1)

    with PrinterListener(port=printer_port) as printer:
        restart_printing(app)
        fresh = issue(client, key=f"{KEY}-after-restart")
        wait_for_print_status(client, fresh, "printed")
        jobs = printer.wait_for_jobs(1)

    assert [job for job in jobs if late["number"] in decode(job).words] == []
    assert not any(b"PIN 4711" in job for job in jobs)
    assert print_status(client, late) == "failed"
    detail = db.execute("SELECT print_detail FROM tickets WHERE id = ?", [late["id"]]).fetchone()
    assert "restarted" in detail[0]
    assert kept_payloads(db) == []


def test_a_ticket_queued_with_no_kept_job_is_shown_failed_at_a_restart(app, client, db):
    # As a restart of a version that kept jobs in memory only left it: "queued" for ever.
    ticket = issue(client)
    app.extensions["jono"].printing.stop()
    db.execute("DELETE FROM print_jobs")
    db.execute("UPDATE tickets SET print_status = 'queued' WHERE id = ?", [ticket["id"]])

    restart_printing(app)

    assert print_status(client, ticket) == "failed"


def test_a_clerk_can_reprint_a_slip_given_up_past_its_limit(
    app, client, clock, db, printer_port, make_clerk
):
    ticket = issue(client)
    wait_for_print_status(client, ticket, "failed")
    clock.advance(seconds=app.extensions["jono"].config.rules.print_ticket_limit_seconds + 1)
    deadline = time.monotonic() + DEADLINE_SECONDS
    while kept_payloads(db):  # the lane gives the slip up at its next look
        assert time.monotonic() < deadline, "the slip past its limit was never given up"
        time.sleep(0.01)

    with PrinterListener(port=printer_port) as printer:
        response = make_clerk().post(f"/api/v1/tickets/{ticket['id']}/reprint")
        assert response.status_code == 200, response.json
        wait_for_print_status(client, ticket, "printed")
        jobs = printer.wait_for_jobs(1)

    assert len(jobs) == 1 and ticket["number"] in decode(jobs[0]).words
