"""Render a document to the ESC/POS bytes a receipt printer understands.

python-escpos does the encoding: its capability profile lists the code pages the printer
model has, and it switches code page (ESC t) whenever a character such as ä, ö, å or é
needs one. QR codes are drawn by the printer itself (GS ( k) when the profile says it can,
otherwise sent as a raster image.
"""

from __future__ import annotations

import textwrap

from printers.escpos_setup import QR_ECLEVEL_M, escpos_printers, root_logging_preserved
from printers.layout import QR, Cut, Document, Spacer, Text

DEFAULT_PROFILE = "TM-T20II"

# One QR module is this many printer dots: 7 dots at 203 dpi give a code of about 3 cm
# for a status URL, large enough for any phone camera at arm's length.
QR_MODULE_DOTS = 7
# The image fallback is drawn by python-escpos with qrcode's box size in pixels.
QR_IMAGE_BOX_PIXELS = 6


def render_escpos(document: Document, profile: str = DEFAULT_PROFILE) -> bytes:
    """Return the ESC/POS bytes that print ``document`` on a printer of ``profile``.

    :param document: the slip to print, from :mod:`printers.layout`
    :param profile: a python-escpos capability profile name, e.g. "TM-T20II"
    :raises ValueError: if the profile name is unknown
    """
    with root_logging_preserved():
        try:
            printer = escpos_printers.Dummy(profile=profile)
        except (KeyError, ValueError) as error:
            raise ValueError(f"unknown printer profile {profile!r}") from error
    columns = printer.profile.get_columns("a")
    printer.hw("INIT")
    for block in document.blocks:
        if isinstance(block, Text):
            _print_text(printer, block, columns)
        elif isinstance(block, Spacer):
            _reset_style(printer)
            printer.ln(block.lines)
        elif isinstance(block, QR):
            _print_qr(printer, block)
        elif isinstance(block, Cut):
            _reset_style(printer)
            printer.cut()
        else:  # pragma: no cover - the Block union is closed
            raise TypeError(f"cannot print {block!r}")
    return printer.output


def wrap_text(content: str, width: int) -> list[str]:
    """Split ``content`` into lines of at most ``width`` characters, keeping empty lines."""
    lines: list[str] = []
    for paragraph in content.splitlines() or [""]:
        lines.extend(textwrap.wrap(paragraph, width, break_on_hyphens=False) or [""])
    return lines


def _print_text(printer, block: Text, columns: int) -> None:
    printer.set(
        align=block.align,
        bold=block.bold,
        custom_size=True,
        width=block.size,
        height=block.size,
    )
    for line in wrap_text(block.content, max(1, columns // block.size)):
        printer.textln(line)


def _reset_style(printer) -> None:
    printer.set(align="left", bold=False, custom_size=True, width=1, height=1)


def _print_qr(printer, block: QR) -> None:
    _reset_style(printer)
    if printer.profile.supports("qrCode"):
        # The printer centres a native code by the current alignment (ESC a).
        printer.set(align="center")
        printer.qr(block.payload, ec=QR_ECLEVEL_M, size=QR_MODULE_DOTS, native=True)
        printer.ln()
        printer.set(align="left")
    else:
        # python-escpos can only centre an image when the profile knows the paper width.
        paper_pixels = printer.profile.profile_data.get("media", {}).get("width", {})
        can_center = isinstance(paper_pixels.get("pixels"), int)
        printer.qr(block.payload, ec=QR_ECLEVEL_M, size=QR_IMAGE_BOX_PIXELS, center=can_center)
