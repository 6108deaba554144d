"""Render a document to a PNG that looks like the printed slip.

The image has the thermal printer's resolution (203 dpi, 80 mm paper), so what a kiosk
shows on screen, or a developer sees in a preview, matches what comes out of the printer.
"""

from __future__ import annotations

import io
from functools import cache

import qrcode
from PIL import Image, ImageDraw, ImageFont

from printers.fonts import font_file
from printers.layout import QR, Cut, Document, Spacer, Text

DOTS_PER_INCH = 203
PAPER_WIDTH_PIXELS = 640  # 80 mm at 203 dpi
MARGIN_PIXELS = 32  # the printer cannot print the outer 4 mm either
BASE_FONT_PIXELS = 20
LINE_HEIGHT_FACTOR = 1.25
QR_BOX_PIXELS = 7  # the same module size as the printer's native code
QR_BORDER_MODULES = 4


@cache
def _font(bold: bool, pixels: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(font_file(bold)), pixels)


def render_png(document: Document) -> bytes:
    """Return a PNG image of ``document`` as a thermal printer would print it.

    :param document: the slip, from :mod:`printers.layout`
    """
    rows = _place(document)
    height = 2 * MARGIN_PIXELS + sum(_row_height(row) for row in rows)
    image = Image.new("L", (PAPER_WIDTH_PIXELS, height), color=255)
    draw = ImageDraw.Draw(image)
    top = MARGIN_PIXELS
    for row in rows:
        if isinstance(row, tuple):
            _draw_line(draw, *row, top)
        elif isinstance(row, Image.Image):
            image.paste(row, ((PAPER_WIDTH_PIXELS - row.width) // 2, top))
        top += _row_height(row)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", dpi=(DOTS_PER_INCH, DOTS_PER_INCH))
    return buffer.getvalue()


def _place(document: Document) -> list:
    """Turn blocks into rows: (text, font, align) lines, QR images, blank pixels."""
    usable_width = PAPER_WIDTH_PIXELS - 2 * MARGIN_PIXELS
    rows: list = []
    for block in document.blocks:
        if isinstance(block, Text):
            font = _font(block.bold, BASE_FONT_PIXELS * block.size)
            for line in _wrap(block.content, font, usable_width):
                rows.append((line, font, block.align))
        elif isinstance(block, Spacer):
            rows.append(int(block.lines * BASE_FONT_PIXELS * LINE_HEIGHT_FACTOR))
        elif isinstance(block, QR):
            rows.append(_qr_image(block.payload))
        elif isinstance(block, Cut):
            continue
    return rows


def _wrap(content: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    lines: list[str] = []
    for paragraph in content.splitlines() or [""]:
        current = ""
        for word in paragraph.split():
            candidate = f"{current} {word}".strip()
            if current and font.getlength(candidate) > width:
                lines.append(current)
                current = word
            else:
                current = candidate
        lines.append(current)
    return lines


def _row_height(row) -> int:
    if isinstance(row, tuple):
        return int(row[1].size * LINE_HEIGHT_FACTOR)
    if isinstance(row, Image.Image):
        return row.height
    return row


def _draw_line(draw: ImageDraw.ImageDraw, text: str, font, align: str, top: int) -> None:
    width = draw.textlength(text, font=font)
    if align == "center":
        left = (PAPER_WIDTH_PIXELS - width) / 2
    elif align == "right":
        left = PAPER_WIDTH_PIXELS - MARGIN_PIXELS - width
    else:
        left = MARGIN_PIXELS
    draw.text((left, top), text, font=font, fill=0)


def _qr_image(payload: str) -> Image.Image:
    code = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M,
        box_size=QR_BOX_PIXELS,
        border=QR_BORDER_MODULES,
    )
    code.add_data(payload)
    code.make(fit=True)
    return code.make_image().get_image().convert("L")
