"""The typeface of the PDF and PNG slips.

Bitstream Vera ships inside reportlab, so every machine that can render a slip has it, and
it covers ä, ö, å and é. Both previews use it so they look alike.
"""

from __future__ import annotations

from pathlib import Path

import reportlab

FONT_FOLDER = Path(reportlab.__file__).parent / "fonts"
REGULAR_FONT_FILE = FONT_FOLDER / "Vera.ttf"
BOLD_FONT_FILE = FONT_FOLDER / "VeraBd.ttf"


def font_file(bold: bool) -> Path:
    """Return the TrueType file for regular or bold text."""
    return BOLD_FONT_FILE if bold else REGULAR_FONT_FILE
