"""Read back the ESC/POS bytes Jono emits, the way the printer would.

A strict little interpreter for the commands our renderer uses: any other command byte
raises :class:`UnknownCommand`, so a renderer change that emits something unexpected is
noticed. Text bytes above 0x7f are decoded with the code page selected by ``ESC t n``,
looked up in the printer model's table (python-escpos' capability database, the same
data the firmware documentation lists).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PIL import Image

from printers.escpos_setup import CAPABILITIES, get_profile

ESC, GS, LF = 0x1B, 0x1D, 0x0A
ALIGNMENTS = {0: "left", 1: "center", 2: "right", 48: "left", 49: "center", 50: "right"}


class UnknownCommand(ValueError):
    """The bytes hold a command this decoder (and so our renderer) does not use."""


@dataclass(frozen=True)
class Style:
    """How a run of text is printed."""

    bold: bool = False
    width: int = 1
    height: int = 1
    align: str = "left"


@dataclass
class Line:
    """One printed line, as runs of (text, style)."""

    runs: list[tuple[str, Style]] = field(default_factory=list)

    @property
    def text(self) -> str:
        """The characters of the line."""
        return "".join(text for text, _ in self.runs)

    @property
    def style(self) -> Style:
        """The style of the line's first printed character (a blank line: the current one)."""
        return self.runs[0][1] if self.runs else Style()


@dataclass(frozen=True)
class QRCode:
    """A QR code the printer draws itself."""

    payload: str
    module_size: int


@dataclass(frozen=True)
class RasterImage:
    """A bit image sent with ``GS v 0``."""

    image: Image.Image


@dataclass(frozen=True)
class CutMark:
    """The paper was cut here."""

    partial: bool


@dataclass
class Receipt:
    """Everything the printer would put on paper, in order."""

    elements: list = field(default_factory=list)

    @property
    def lines(self) -> list[Line]:
        """The printed lines, blank ones included."""
        return [element for element in self.elements if isinstance(element, Line)]

    @property
    def words(self) -> str:
        """All printed text with line breaks turned into spaces, as a reader takes it in."""
        return " ".join(" ".join(line.text.split()) for line in self.lines if line.text.strip())

    @property
    def qr_codes(self) -> list[QRCode]:
        """The native QR codes, in order."""
        return [element for element in self.elements if isinstance(element, QRCode)]

    @property
    def images(self) -> list[RasterImage]:
        """The raster images, in order."""
        return [element for element in self.elements if isinstance(element, RasterImage)]

    @property
    def cuts(self) -> list[CutMark]:
        """The cuts, in order."""
        return [element for element in self.elements if isinstance(element, CutMark)]

    def line_containing(self, fragment: str) -> Line:
        """Return the first line whose text contains ``fragment``."""
        for line in self.lines:
            if fragment in line.text:
                return line
        raise AssertionError(f"no printed line contains {fragment!r}")


def code_page_table(profile_name: str) -> dict[int, str]:
    """Return ``ESC t`` number → Python codec for the code pages of a printer model."""
    profile = get_profile(profile_name)
    table = {}
    for number, name in profile.profile_data["codePages"].items():
        encoding = CAPABILITIES["encodings"].get(name, {})
        if "python_encode" in encoding:
            table[int(number)] = encoding["python_encode"]
    return table


def decode(data: bytes, profile_name: str = "TM-T20II") -> Receipt:
    """Interpret ``data`` as a printer of ``profile_name`` would and return what it prints."""
    return _Interpreter(data, code_page_table(profile_name)).run()


class _Interpreter:
    def __init__(self, data: bytes, code_pages: dict[int, str]) -> None:
        self.data = data
        self.code_pages = code_pages
        self.position = 0
        self.receipt = Receipt()
        self.reset()

    def reset(self) -> None:
        self.style = Style()
        self.code_page = 0
        self.line = Line()
        self.qr_data = b""
        self.qr_module_size = 3

    def take(self, count: int) -> bytes:
        chunk = self.data[self.position : self.position + count]
        if len(chunk) != count:
            raise UnknownCommand(f"truncated command at byte {self.position}")
        self.position += count
        return chunk

    def run(self) -> Receipt:
        while self.position < len(self.data):
            byte = self.take(1)[0]
            if byte == LF:
                self.end_line()
            elif byte == ESC:
                self.escape(self.take(1))
            elif byte == GS:
                self.group_separator(self.take(1))
            elif byte < 0x20:
                raise UnknownCommand(f"control byte {byte:#04x} at {self.position - 1}")
            else:
                self.print_character(byte)
        if self.line.runs:
            self.end_line()
        return self.receipt

    def print_character(self, byte: int) -> None:
        codec = self.code_pages.get(self.code_page)
        if codec is None:
            raise UnknownCommand(f"code page {self.code_page} has no known encoding")
        character = bytes([byte]).decode(codec)
        runs = self.line.runs
        if runs and runs[-1][1] == self.style:
            runs[-1] = (runs[-1][0] + character, self.style)
        else:
            runs.append((character, self.style))

    def end_line(self) -> None:
        self.receipt.elements.append(self.line)
        self.line = Line()

    def escape(self, command: bytes) -> None:
        if command == b"@":
            self.reset()
        elif command == b"t":
            self.code_page = self.take(1)[0]
        elif command == b"E":
            self.style = _replace(self.style, bold=bool(self.take(1)[0] & 1))
        elif command == b"a":
            self.style = _replace(self.style, align=ALIGNMENTS[self.take(1)[0]])
        elif command == b"!":
            mode = self.take(1)[0]
            self.style = _replace(
                self.style,
                bold=bool(mode & 0x08),
                height=2 if mode & 0x10 else 1,
                width=2 if mode & 0x20 else 1,
            )
        elif command == b"d":
            for _ in range(self.take(1)[0]):
                self.end_line()
        else:
            raise UnknownCommand(f"ESC {command!r} at {self.position - 2}")

    def group_separator(self, command: bytes) -> None:
        if command == b"!":
            size = self.take(1)[0]
            self.style = _replace(self.style, width=(size >> 4) + 1, height=(size & 0x0F) + 1)
        elif command == b"V":
            mode = self.take(1)[0]
            if mode in (65, 66):
                self.take(1)  # feed distance before the cut
            self.receipt.elements.append(CutMark(partial=mode in (1, 49, 66)))
        elif command == b"(":
            self.two_dimensional_code()
        elif command == b"v":
            self.raster_image()
        else:
            raise UnknownCommand(f"GS {command!r} at {self.position - 2}")

    def two_dimensional_code(self) -> None:
        if self.take(1) != b"k":
            raise UnknownCommand(f"GS ( other than k at {self.position - 1}")
        length = int.from_bytes(self.take(2), "little")
        body = self.take(length)
        symbol, function, arguments = body[0:1], body[1], body[2:]
        if symbol != b"1":
            raise UnknownCommand(f"2D code type {symbol!r} is not QR")
        if function == 67:  # module size
            self.qr_module_size = arguments[0]
        elif function == 80:  # store the data (after the '0' parameter byte)
            self.qr_data = arguments[1:]
        elif function == 81:  # print the stored symbol
            payload = self.qr_data.decode("utf-8")
            self.receipt.elements.append(QRCode(payload, self.qr_module_size))
        elif function not in (65, 69):  # model and error correction need no record
            raise UnknownCommand(f"QR function {function}")

    def raster_image(self) -> None:
        if self.take(1) != b"0":
            raise UnknownCommand("GS v other than 0")
        self.take(1)  # density
        width_bytes = int.from_bytes(self.take(2), "little")
        height = int.from_bytes(self.take(2), "little")
        bits = self.take(width_bytes * height)
        # In ESC/POS a set bit is a black dot; in Pillow's mode "1" a set bit is white.
        image = Image.frombytes("1", (width_bytes * 8, height), bytes(b ^ 0xFF for b in bits))
        self.receipt.elements.append(RasterImage(image))


def _replace(style: Style, **changes) -> Style:
    values = {**style.__dict__, **changes}
    return Style(**values)
