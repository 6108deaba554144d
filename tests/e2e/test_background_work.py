"""The background work of `jono serve` under its gevent worker: the print worker sends a slip to
a network printer (a TCP listener playing it), and a printer that goes away is reported."""

from __future__ import annotations

import time

import pytest
import requests

from tests.e2e.conftest import LiveServer, running, urgent_ticket_body
from tests.printers.escpos_decoder import decode
from tests.printers.printer_listener import PrinterListener, free_port

DEADLINE_SECONDS = 15


class PrintingServer(LiveServer):
    """A LiveServer whose Helsinki kiosk prints on a network printer at `printer_port`."""

    def __init__(self, directory, printer_port: int):
        super().__init__(directory)
        self.printer_port = printer_port

    def prepare(self) -> None:
        """The usual preparation, then Helsinki's `printer = { type = "none" }` made a network
        printer on loopback (the first printer line of the demo config is Helsinki's)."""
        super().prepare()
        text = self.config_path.read_text(encoding="utf-8")
        printer = (
            f'printer = {{ type = "network", host = "127.0.0.1", port = {self.printer_port},'
            " timeout = 1 }"
        )
        self.config_path.write_text(
            text.replace('printer = { type = "none" }', printer, 1), encoding="utf-8"
        )


def print_status_becomes(
    kiosk: requests.Session, server: LiveServer, ticket: dict, wanted: str
) -> None:
    """Wait until the kiosk's print status of `ticket` is `wanted`; fail after the deadline."""
    deadline = time.monotonic() + DEADLINE_SECONDS
    while True:
        response = kiosk.get(
            f"{server.url}/api/v1/tickets/{ticket['id']}/print-status",
            params={"token": ticket["status_token"]},
            timeout=10,
        )
        assert response.status_code == 200, response.text
        status = response.json()["print_status"]
        if status == wanted:
            return
        assert time.monotonic() < deadline, f"print status stayed {status!r}, not {wanted!r}"
        time.sleep(0.1)


@pytest.fixture
def printer_port():
    """A free loopback port for the pretend printer."""
    return free_port()


def test_the_print_worker_prints_and_reports_under_the_gevent_worker(tmp_path, printer_port):
    with PrinterListener(port=printer_port) as printer:
        with running(PrintingServer(tmp_path, printer_port)) as server, requests.Session() as kiosk:
            server.pair(kiosk, "helsinki")
            issued = kiosk.post(
                f"{server.url}/api/v1/service-points/helsinki/tickets",
                json=urgent_ticket_body("fi"),
                timeout=10,
            ).json()
            assert issued["print_status"] == "queued"
            print_status_becomes(kiosk, server, issued, "printed")
            # Besides the slip the printer gets the health check's status query (DLE EOT).
            slips = [job for job in printer.wait_for_jobs(1) if not job.startswith(b"\x10")]
            deadline = time.monotonic() + DEADLINE_SECONDS
            while not slips and time.monotonic() < deadline:
                time.sleep(0.1)
                slips = [job for job in printer.jobs if not job.startswith(b"\x10")]
            assert slips and issued["number"] in decode(slips[0]).words

            printer.stop()  # the printer is switched off: the next slip fails and says so
            second = kiosk.post(
                f"{server.url}/api/v1/service-points/helsinki/tickets",
                json=urgent_ticket_body("fi"),
                timeout=10,
            ).json()
            print_status_becomes(kiosk, server, second, "failed")
            snapshot = requests.get(
                f"{server.url}/api/v1/service-points/helsinki/snapshot", timeout=10
            ).json()
            assert second["number"] in [row["number"] for row in snapshot["failed_prints"]]
