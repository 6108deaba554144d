"""Printer settings, sending to a (pretend) network printer, and asking it for its status."""

import threading
import time

import pytest

from printers.backends import PrinterError, PrinterStatus, probe, send
from printers.escpos_render import render_escpos
from printers.layout import ticket_slip
from printers.preview import sample_ticket
from printers.printer_config import PrinterConfig, parse_printer_config
from tests.printers.escpos_decoder import decode
from tests.printers.printer_listener import PrinterListener, free_port

# Status bytes as an Epson printer answers DLE EOT 1 (printer) and DLE EOT 4 (paper).
PRINTER_ONLINE, PRINTER_OFFLINE = b"\x16", b"\x1e"
PAPER_ADEQUATE, PAPER_NEAR_END, PAPER_OUT = b"\x12", b"\x1e", b"\x72"
# The bound we allow around a configured timeout: loose, so a busy machine never fails it.
SLACK_SECONDS = 2.0


def network(port: int, timeout: float = 1.0) -> dict:
    return {"type": "network", "host": "127.0.0.1", "port": port, "timeout": timeout}


# --- settings ---------------------------------------------------------------------------


def test_settings_fill_in_defaults():
    config = parse_printer_config({"type": "network", "host": "10.0.0.5"})

    assert config == PrinterConfig(type="network", host="10.0.0.5", port=9100)
    assert config.profile == "TM-T20II"
    assert config.timeout == 3.0
    assert config.description == "network printer 10.0.0.5:9100"


def test_usb_ids_may_be_written_as_lsusb_shows_them():
    config = parse_printer_config({"type": "usb", "vendor_id": "0x04b8", "product_id": 3605})
    assert (config.vendor_id, config.product_id) == (0x04B8, 0x0E15)


@pytest.mark.parametrize(
    ("settings", "named_key"),
    [
        ({"type": "laser"}, "'type'"),
        ({"host": "10.0.0.5"}, "'type'"),
        ({"type": "network"}, "'host'"),
        ({"type": "network", "host": "10.0.0.5", "prot": 9100}, "'prot'"),
        ({"type": "network", "host": "10.0.0.5", "port": "9100"}, "'port'"),
        ({"type": "network", "host": "10.0.0.5", "port": 70000}, "'port'"),
        ({"type": "network", "host": "10.0.0.5", "timeout": 0}, "'timeout'"),
        ({"type": "network", "host": "10.0.0.5", "timeout": True}, "'timeout'"),
        ({"type": "network", "host": "10.0.0.5", "profile": "TM-X1"}, "'profile'"),
        ({"type": "usb", "vendor_id": "epson", "product_id": 1}, "'vendor_id'"),
        ({"type": "usb", "vendor_id": 1208}, "'product_id'"),
        ({"type": "serial", "device": "/dev/ttyS0", "baudrate": 0}, "'baudrate'"),
        ({"type": "file", "path": ""}, "'path'"),
        ({"type": "cups"}, "'name'"),
        ({"type": "none", "host": "10.0.0.5"}, "'host'"),
    ],
)
def test_bad_settings_are_refused_naming_the_key(settings, named_key):
    with pytest.raises(ValueError, match=named_key):
        parse_printer_config(settings)


# --- sending ----------------------------------------------------------------------------


def test_a_job_arrives_whole_at_the_network_printer():
    payload = render_escpos(ticket_slip(sample_ticket("sv")))
    with PrinterListener() as printer:
        send(network(printer.port), payload)
        [received] = printer.wait_for_jobs(1)

    assert received == payload
    assert "Könummer" in decode(received).words


def test_a_closed_port_fails_at_once_with_a_reason():
    with pytest.raises(PrinterError) as caught:
        send(network(free_port()), b"\x1b@")

    assert "connection refused" in caught.value.reason
    assert "network printer 127.0.0.1:" in caught.value.reason


def test_a_printer_that_stops_reading_makes_send_time_out_not_hang():
    # More than any socket buffer holds, so the bytes can only go if the printer reads.
    payload = b"\x00" * (64 * 1024 * 1024)
    timeout = 0.5
    with PrinterListener(reads=False) as printer:
        started = time.monotonic()
        with pytest.raises(PrinterError, match="no answer within 0.5 s"):
            send(network(printer.port, timeout=timeout), payload)
        elapsed = time.monotonic() - started

    assert elapsed < timeout + SLACK_SECONDS


def test_file_printer_gets_the_bytes(tmp_path):
    target = tmp_path / "lp0"
    send({"type": "file", "path": str(target)}, b"\x1b@Hei\n")
    assert target.read_bytes() == b"\x1b@Hei\n"


def test_file_printer_in_a_missing_folder_fails_with_a_reason(tmp_path):
    with pytest.raises(PrinterError, match="no such file or directory"):
        send({"type": "file", "path": str(tmp_path / "missing" / "lp0")}, b"x")


@pytest.mark.parametrize(
    ("settings", "named"),
    [
        ({"type": "usb", "vendor_id": "0x04b8", "product_id": "0x0e15"}, "USB printer 04b8:0e15"),
        ({"type": "serial", "device": "/dev/jono-no-such-port"}, "/dev/jono-no-such-port"),
    ],
)
def test_unreachable_local_printers_fail_with_a_reason_naming_them(settings, named):
    with pytest.raises(PrinterError, match=named):
        send(settings, b"\x1b@")


def test_screen_only_printer_cannot_be_sent_to():
    with pytest.raises(PrinterError, match="screen only"):
        send({"type": "none"}, b"\x1b@")


# --- status -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("printer_answer", "paper_answer", "status"),
    [
        (PRINTER_ONLINE, PAPER_ADEQUATE, PrinterStatus.ONLINE),
        (PRINTER_ONLINE, PAPER_NEAR_END, PrinterStatus.PAPER_NEAR_END),
        (PRINTER_OFFLINE, PAPER_OUT, PrinterStatus.PAPER_OUT),
        (PRINTER_OFFLINE, PAPER_ADEQUATE, PrinterStatus.OFFLINE),
    ],
)
def test_probe_reads_the_printer_status(printer_answer, paper_answer, status):
    answers = {1: printer_answer, 4: paper_answer}
    with PrinterListener(status_answers=answers) as printer:
        assert probe(network(printer.port)) == status


def test_probe_of_a_closed_port_says_offline():
    assert probe(network(free_port())) == PrinterStatus.OFFLINE


def test_probe_of_a_printer_that_never_answers_says_unknown_within_the_timeout():
    timeout = 0.3
    with PrinterListener(status_answers={}) as printer:
        started = time.monotonic()
        assert probe(network(printer.port, timeout=timeout)) == PrinterStatus.UNKNOWN
        elapsed = time.monotonic() - started

    assert elapsed < 3 * timeout + SLACK_SECONDS


def test_probe_gives_up_on_a_driver_that_ignores_its_timeout():
    release = threading.Event()

    class StuckPrinter:
        def open(self):
            release.wait(30)

        def close(self):
            pass

    started = time.monotonic()
    try:
        status = probe(network(free_port(), timeout=0.2), make=lambda config: StuckPrinter())
    finally:
        release.set()

    assert status == PrinterStatus.UNKNOWN
    assert time.monotonic() - started < 3 * 0.2 + SLACK_SECONDS


def test_probe_cannot_tell_for_files_and_screens(tmp_path):
    assert probe({"type": "none"}) == PrinterStatus.UNKNOWN
    assert probe({"type": "file", "path": str(tmp_path / "lp0")}) == PrinterStatus.OFFLINE
    (tmp_path / "lp0").write_bytes(b"")
    assert probe({"type": "file", "path": str(tmp_path / "lp0")}) == PrinterStatus.UNKNOWN
