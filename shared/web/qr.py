"""QR codes as inline SVG, drawn on the server so pages need no internet and no JS library."""

from __future__ import annotations

import qrcode
import qrcode.image.svg
from markupsafe import Markup


def qr_svg(payload: str) -> Markup:
    """An SVG QR code for `payload`, safe to put straight into a template."""
    image = qrcode.make(payload, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2)
    svg = image.to_string(encoding="unicode")
    return Markup(
        svg[svg.index("<svg") :]
    )  # drop the XML declaration: it is not allowed inside HTML
