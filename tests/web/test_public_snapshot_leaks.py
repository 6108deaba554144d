"""The public snapshot says how a kiosk printer is, never where it is.

Helsinki's kiosk prints on a network printer (by IP address or by host name) and Tampere's on
a device path; neither is switched on, so the health check and every print fail, and the
stored detail names the address or the path. Whatever the lobby, the phones and the counters
receive (the HTTP snapshot, the Socket.IO snapshots and the events with their deltas) must
carry the coarse status only.
"""

from __future__ import annotations

import dataclasses
import json
import time

import pytest

from printers.printer_config import parse_printer_config
from shared.queue.printing import record_printer_status
from tests.printers.printer_listener import free_port

URGENT_ANSWERS = {
    "matter": "residence_permit",
    "expiry_year": 2027,
    "expiry_month": 1,
    "found_appointment": False,
}
DEADLINE_SECONDS = 10.0


@pytest.fixture(params=["127.0.0.1", "localhost"])
def printer_host(request):
    """The network printer's address: an IP address, or a host name."""
    return request.param


@pytest.fixture
def printer_port():
    """A loopback port nothing listens on: the printer is off."""
    return free_port()


@pytest.fixture
def device_path(tmp_path):
    """Tampere's printer device, which is not plugged in (its folder does not exist)."""
    return str(tmp_path / "dev" / "usb" / "lp7")


@pytest.fixture
def config(config, printer_host, printer_port, device_path):
    """Helsinki prints on the network printer, Tampere on the device path; quick retries."""
    printers = {
        "helsinki": parse_printer_config(
            {"type": "network", "host": printer_host, "port": printer_port, "timeout": 1}
        ),
        "tampere": parse_printer_config({"type": "file", "path": device_path}),
    }
    points = tuple(
        dataclasses.replace(point, printer=printers[point.id]) for point in config.service_points
    )
    rules = dataclasses.replace(
        config.rules,
        print_retry_base_seconds=0.05,
        print_retry_max_seconds=0.2,
        printer_probe_seconds=0.0,  # the test runs the checks itself
    )
    return dataclasses.replace(config, service_points=points, rules=rules)


@pytest.fixture(autouse=True)
def stop_printing(app):
    """Stop the app's print worker after each test, so no thread outlives it."""
    yield
    app.extensions["jono"].printing.stop()


def issue_and_wait_for_failure(kiosk, service_point: str) -> dict:
    """Issue an urgent number at a kiosk and wait until its print has failed."""
    response = kiosk.post(
        f"/api/v1/service-points/{service_point}/tickets",
        json={"answers": URGENT_ANSWERS, "language": "fi", "idempotency_key": "kiosk-visit-0001"},
    )
    assert response.status_code == 201, response.json
    ticket = response.json
    deadline = time.monotonic() + DEADLINE_SECONDS
    path = f"/api/v1/tickets/{ticket['id']}/print-status?token={ticket['status_token']}"
    while kiosk.get(path).json["print_status"] != "failed":
        assert time.monotonic() < deadline, "the print never failed"
        time.sleep(0.01)
    return ticket


def stored_details(db) -> str:
    """Every detail the database keeps about the printers and the tickets' prints."""
    rows = db.execute(
        "SELECT detail FROM printer_status UNION ALL SELECT print_detail FROM tickets"
    ).fetchall()
    return "\n".join(row[0] or "" for row in rows)


def test_nothing_public_names_the_printers_address_or_device(
    app, client, pair_kiosk, socket_client, db, printer_host, printer_port, device_path
):
    helsinki_socket = socket_client("helsinki")
    tampere_socket = socket_client("tampere")
    app.extensions["jono"].printing.check_printers()
    issue_and_wait_for_failure(client, "helsinki")
    issue_and_wait_for_failure(pair_kiosk("tampere"), "tampere")
    app.extensions["jono"].printing.check_printers()

    # The failures are real and their detail names the printers: there is something to leak.
    secrets = (f"{printer_host}:{printer_port}", printer_host, device_path, "lp7")
    details = stored_details(db)
    assert all(secret in details for secret in secrets), details

    received = []
    for socket, service_point in ((helsinki_socket, "helsinki"), (tampere_socket, "tampere")):
        assert socket.emit("request_snapshot", {"service_point": service_point}, callback=True)
        received += socket.get_received()
    names = [message["name"] for message in received]
    assert names.count("snapshot") >= 4  # on connect, on the health check, on request
    assert "queue_event" in names  # the issued numbers and their failed prints, with deltas
    public = json.dumps(
        [message["args"] for message in received]
        + [
            client.get(f"/api/v1/service-points/{point}/snapshot").json
            for point in ("helsinki", "tampere")
        ]
    )
    for secret in (*secrets, "network printer", "printer file"):
        assert secret not in public, secret


def test_the_counter_still_gets_what_its_printer_alert_shows(
    app, client, socket_client, make_clerk
):
    socket = socket_client("helsinki")
    app.extensions["jono"].printing.check_printers()
    ticket = issue_and_wait_for_failure(client, "helsinki")

    # counter.js shows the alert from `has_printer` and `status`, words for the status from the
    # page's own texts, and a "Print again" button per failed number by its id.
    snapshot = client.get("/api/v1/service-points/helsinki/snapshot").json
    assert snapshot["printer"]["has_printer"] is True
    assert snapshot["printer"]["status"] == "offline"
    assert snapshot["printer"]["checked_at"]
    assert snapshot["failed_prints"] == [
        {"id": ticket["id"], "number": ticket["number"], "queue": "urgent", "status": "waiting"}
    ]
    page = make_clerk().get("/counter?lang=en", follow_redirects=True).get_data(as_text=True)
    assert "The printer does not answer." in page
    live = [m["args"][0] for m in socket.get_received() if m["name"] == "snapshot"][-1]
    assert live["printer"] == snapshot["printer"]


def test_a_new_detail_with_the_same_status_is_no_news_to_the_room(app, client, socket_client):
    socket = socket_client("helsinki")
    printing = app.extensions["jono"].printing
    printing.check_printers()
    issue_and_wait_for_failure(client, "helsinki")  # the failed print stores its own detail
    socket.get_received()

    printing.check_printers()  # still offline, with the health check's detail again

    assert [m for m in socket.get_received() if m["name"] == "snapshot"] == []


def test_a_status_outside_the_closed_set_shows_as_unknown(client, db, clock):
    # Only the print service writes statuses today; the snapshot must not trust that to last.
    record_printer_status(db, "helsinki", "stuck at 10.0.0.5", "network printer", clock.now())
    printer = client.get("/api/v1/service-points/helsinki/snapshot").json["printer"]
    assert printer["status"] == "unknown"
