"""Render a document to an 80 mm wide PDF, one slip per page.

For printing on an office printer, for attaching to an e-mail, and for previews. The text
is real text (Bitstream Vera embedded), so it can be searched, copied and read aloud; the
QR code is drawn as vectors with reportlab's own QR widget.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from printers.fonts import font_file
from printers.layout import QR, Cut, Document, Spacer, Text

PAGE_WIDTH = 80 * mm
MARGIN = 5 * mm
BASE_FONT_SIZE = 9.0
LINE_HEIGHT_FACTOR = 1.25
QR_SIDE = 36 * mm
FONT_NAMES = {False: "JonoVera", True: "JonoVeraBold"}


@dataclass(frozen=True)
class _PlacedLine:
    text: str
    font_name: str
    font_size: float
    align: str


@dataclass(frozen=True)
class _PlacedCode:
    payload: str


def _register_fonts() -> None:
    registered = pdfmetrics.getRegisteredFontNames()
    for bold, name in FONT_NAMES.items():
        if name not in registered:
            pdfmetrics.registerFont(TTFont(name, str(font_file(bold))))


def render_pdf(document: Document, title: str = "Jono") -> bytes:
    """Return a PDF of ``document`` on a page 80 mm wide and as tall as the slip.

    :param document: the slip, from :mod:`printers.layout`
    :param title: the PDF's title metadata
    """
    _register_fonts()
    rows = _place(document)
    height = 2 * MARGIN + sum(_row_height(row) for row in rows)
    buffer = io.BytesIO()
    # invariant=True leaves out the creation time, so the same slip gives the same bytes.
    canvas = Canvas(buffer, pagesize=(PAGE_WIDTH, height), invariant=True)
    canvas.setTitle(title)
    top = height - MARGIN
    for row in rows:
        row_height = _row_height(row)
        if isinstance(row, _PlacedLine):
            _draw_line(canvas, row, top - row.font_size)
        elif isinstance(row, _PlacedCode):
            _draw_qr(canvas, row.payload, (PAGE_WIDTH - QR_SIDE) / 2, top - row_height)
        top -= row_height
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _place(document: Document) -> list[_PlacedLine | _PlacedCode | float]:
    """Turn blocks into rows: wrapped lines, codes, and blank space in points."""
    usable_width = PAGE_WIDTH - 2 * MARGIN
    rows: list[_PlacedLine | _PlacedCode | float] = []
    for block in document.blocks:
        if isinstance(block, Text):
            font_name = FONT_NAMES[block.bold]
            font_size = BASE_FONT_SIZE * _visual_scale(block.size)
            lines = _wrap(block.content, font_name, font_size, usable_width)
            rows.extend(_PlacedLine(line, font_name, font_size, block.align) for line in lines)
        elif isinstance(block, Spacer):
            rows.append(block.lines * BASE_FONT_SIZE * LINE_HEIGHT_FACTOR)
        elif isinstance(block, QR):
            rows.append(_PlacedCode(block.payload))
        elif isinstance(block, Cut):
            continue  # the page ends here
    return rows


def _wrap(content: str, font_name: str, font_size: float, width: float) -> list[str]:
    """Wrap at spaces, and cut a word wider than the column (a long URL) where it must."""

    def fits(text: str) -> bool:
        return pdfmetrics.stringWidth(text, font_name, font_size) <= width

    lines: list[str] = []
    for line in simpleSplit(content, font_name, font_size, width) or [""]:
        while not fits(line) and len(line) > 1:
            cut = len(line) - 1
            while cut > 1 and not fits(line[:cut]):
                cut -= 1
            lines.append(line[:cut])
            line = line[cut:]
        lines.append(line)
    return lines


def _visual_scale(size: int) -> float:
    # A printer magnifies by whole numbers; on paper 4x normal text looks right at about 3.2x
    # a 9 pt base, and anything larger would no longer fit the 70 mm column.
    return 1.0 if size == 1 else min(size * 0.8, 4.0)


def _row_height(row: _PlacedLine | _PlacedCode | float) -> float:
    if isinstance(row, _PlacedLine):
        return row.font_size * LINE_HEIGHT_FACTOR
    if isinstance(row, _PlacedCode):
        return QR_SIDE + 2 * mm
    return row


def _draw_line(canvas: Canvas, line: _PlacedLine, baseline: float) -> None:
    canvas.setFont(line.font_name, line.font_size)
    if line.align == "center":
        canvas.drawCentredString(PAGE_WIDTH / 2, baseline, line.text)
    elif line.align == "right":
        canvas.drawRightString(PAGE_WIDTH - MARGIN, baseline, line.text)
    else:
        canvas.drawString(MARGIN, baseline, line.text)


def _draw_qr(canvas: Canvas, payload: str, left: float, bottom: float) -> None:
    widget = QrCodeWidget(payload, barLevel="M")
    x_min, y_min, x_max, y_max = widget.getBounds()
    scale_x = QR_SIDE / (x_max - x_min)
    scale_y = QR_SIDE / (y_max - y_min)
    drawing = Drawing(QR_SIDE, QR_SIDE, transform=[scale_x, 0, 0, scale_y, 0, 0])
    drawing.add(widget)
    renderPDF.draw(drawing, canvas, left, bottom)
