"""Send ESC/POS bytes to a printer, and ask a printer how it is.

The printer classes are python-escpos' own (Network, Usb, Serial, File, CupsPrinter); this
module maps our plain settings onto them, keeps every wait bounded by the printer's
``timeout``, and turns whatever goes wrong into one :class:`PrinterError` with a reason a
clerk or an operator can act on.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable, Mapping
from enum import StrEnum

from printers.escpos_setup import DeviceNotFoundError, escpos_printers, root_logging_preserved
from printers.printer_config import PrinterConfig, parse_printer_config

logger = logging.getLogger(__name__)

# Opening, then two status queries: each may use up the whole timeout.
PROBE_STEPS = 3


class PrinterError(Exception):
    """A slip could not be printed; ``reason`` says why, for people."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class PrinterStatus(StrEnum):
    """What a printer says about itself, as far as its connection can tell."""

    ONLINE = "online"
    OFFLINE = "offline"
    PAPER_NEAR_END = "paper_near_end"
    PAPER_OUT = "paper_out"
    UNKNOWN = "unknown"


class _Network(escpos_printers.Network):
    """python-escpos' Network printer, closing its socket when the connection fails.

    python-escpos 3.1 drops the half-made socket on a failed connect without closing it,
    which leaks a file descriptor per failed attempt (and a ResourceWarning); a print
    worker retrying an unplugged printer would leak one every few seconds.
    """

    def open(self, raise_not_found: bool = True) -> None:
        """Connect, bounded by the timeout; raise DeviceNotFoundError if that fails."""
        if self._device:
            self.close()
        try:
            # create_connection closes the socket itself when connecting fails.
            self.device = socket.create_connection((self.host, self.port), self.timeout)
        except OSError as error:
            self.device = None
            raise DeviceNotFoundError(f"Could not open socket for {self.host}: {error}") from error


# The extra library each local printer type needs, which python-escpos imports if present.
_DRIVER_LIBRARIES = {"usb": "pyusb", "serial": "pyserial", "cups": "pycups"}


def make_printer(config: PrinterConfig):
    """Return an unopened python-escpos printer for ``config``.

    :raises PrinterError: for the screen-only "none" type, or a missing driver library
    """
    common = {"profile": config.profile}
    if config.type == "network":
        return _Network(config.host, port=config.port, timeout=config.timeout, **common)
    if config.type == "file":
        return escpos_printers.File(devfile=config.path, **common)
    if config.type == "none":
        raise PrinterError("no printer is configured here (screen only)")
    printer_class = {
        "usb": escpos_printers.Usb,
        "serial": escpos_printers.Serial,
        "cups": escpos_printers.CupsPrinter,
    }[config.type]
    if not printer_class.is_usable():
        # Checked first: a Usb object made without pyusb raises again from its destructor.
        library = _DRIVER_LIBRARIES[config.type]
        raise PrinterError(f"{config.description}: the {library} library is not installed")
    if config.type == "usb":
        # pyusb counts its timeout in milliseconds.
        milliseconds = int(config.timeout * 1000)
        return printer_class(config.vendor_id, config.product_id, timeout=milliseconds, **common)
    if config.type == "serial":
        return printer_class(
            devfile=config.device, baudrate=config.baudrate, timeout=config.timeout, **common
        )
    return printer_class(printer_name=config.name, **common)


def send(printer_config: Mapping[str, object] | PrinterConfig, payload: bytes) -> None:
    """Open the printer, write ``payload`` whole, and close it.

    Connecting and writing are each bounded by the printer's timeout, so a printer that is
    off, unplugged, or has stopped reading makes this raise instead of hanging. Over TCP,
    success means the connection took every byte; it cannot prove the slip came out.

    :param printer_config: the printer's settings (see :mod:`printers.printer_config`)
    :param payload: ESC/POS bytes, e.g. from :func:`printers.escpos_render.render_escpos`
    :raises PrinterError: with a reason people can act on
    :raises ValueError: if the settings are invalid
    """
    config = parse_printer_config(printer_config)
    with root_logging_preserved():
        printer = make_printer(config)
        try:
            printer.open()
            _bound_write_time(printer, config.timeout)
            # python-escpos has no public "write these bytes" call; _raw is what its own
            # methods use, and what its documentation points to for raw commands.
            printer._raw(payload)
            if config.type == "cups":
                printer.send()
        except Exception as error:  # any failure here is the printer's, and is reported
            raise PrinterError(f"{config.description}: {explain(error, config)}") from error
        finally:
            _close_quietly(printer)


def probe(
    printer_config: Mapping[str, object] | PrinterConfig,
    make: Callable[[PrinterConfig], object] | None = None,
) -> PrinterStatus:
    """Ask the printer whether it is online and has paper; never wait much past its timeout.

    Network, USB and serial printers answer real-time status queries (DLE EOT); a CUPS
    queue reports whether it is accepting jobs; files and "none" cannot tell (UNKNOWN).

    :param printer_config: the printer's settings
    :param make: builds the escpos printer (a test can pass its own)
    :returns: ONLINE, OFFLINE, PAPER_NEAR_END, PAPER_OUT or UNKNOWN
    """
    config = parse_printer_config(printer_config)
    if config.type == "none":
        return PrinterStatus.UNKNOWN
    if config.type == "file":
        return _probe_file(config)
    result: list[PrinterStatus] = []
    worker = threading.Thread(
        target=lambda: result.append(_query_status(config, make or make_printer)),
        name=f"printer-probe {config.description}",
        daemon=True,
    )
    worker.start()
    # A driver call that ignores its timeout is left to finish on its own, in the daemon thread.
    worker.join(config.timeout * PROBE_STEPS + 0.5)
    return result[0] if result else PrinterStatus.UNKNOWN


def _query_status(config: PrinterConfig, make: Callable[[PrinterConfig], object]):
    with root_logging_preserved():
        try:
            printer = make(config)
        except PrinterError as error:
            logger.info("cannot ask about the printer: %s", error.reason)
            return PrinterStatus.UNKNOWN
        try:
            printer.open()
        except Exception as error:
            logger.info("%s is offline: %s", config.description, explain(error, config))
            return PrinterStatus.OFFLINE
        try:
            online = printer.is_online()
        except Exception as error:
            logger.info("%s gave no status: %s", config.description, explain(error, config))
            _close_quietly(printer)
            return PrinterStatus.UNKNOWN
        try:
            paper = printer.paper_status()
        except Exception as error:
            logger.info("%s gave no paper status: %s", config.description, explain(error, config))
            paper = None
        finally:
            _close_quietly(printer)
    if paper == 0:
        return PrinterStatus.PAPER_OUT
    if not online:
        return PrinterStatus.OFFLINE
    if paper == 1:
        return PrinterStatus.PAPER_NEAR_END
    return PrinterStatus.ONLINE


def _probe_file(config: PrinterConfig) -> PrinterStatus:
    if not os.access(config.path, os.W_OK):
        return PrinterStatus.OFFLINE
    return PrinterStatus.UNKNOWN


def explain(error: BaseException, config: PrinterConfig) -> str:
    """Put a driver error in words: python-escpos wraps the OS error, so look inside."""
    cause: BaseException | None = error
    while cause is not None:
        if isinstance(cause, ConnectionRefusedError):
            return "connection refused (is the printer switched on, and is the address right?)"
        if isinstance(cause, TimeoutError):
            return f"no answer within {config.timeout:g} s"
        if isinstance(cause, BrokenPipeError | ConnectionResetError):
            return "the printer closed the connection"
        if isinstance(cause, OSError) and cause.strerror:
            return cause.strerror[0].lower() + cause.strerror[1:]
        cause = cause.__cause__ or cause.__context__
    text = " ".join(str(error).split())
    return text or type(error).__name__


def _bound_write_time(printer, timeout: float) -> None:
    """Make a serial write give up after ``timeout``; python-escpos only bounds reads."""
    device = getattr(printer, "device", None)
    if device is not None and hasattr(device, "write_timeout"):
        device.write_timeout = timeout


def _close_quietly(printer) -> None:
    try:
        printer.close()
    except Exception as error:  # the job's outcome is already decided
        logger.debug("closing the printer failed: %s", error)
