"""ESC/POS rendering: code pages, wrapping, QR fallback, and import side effects."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
import zxingcpp

from printers.escpos_render import render_escpos
from printers.layout import QR, Cut, Document, Text
from tests.printers.escpos_decoder import decode

REPOSITORY = Path(__file__).resolve().parents[2]


def test_nordic_and_accented_letters_print_through_a_code_page():
    words = "Ärrä Öljy Åbo Café: ä ö å é"
    data = render_escpos(Document((Text(words), Cut())))

    assert decode(data).lines[0].text == words
    # Sent as single bytes of a code page the printer has, never as UTF-8.
    assert "ä".encode() not in data
    assert b"\x1bt" in data


def test_text_is_wrapped_to_the_paper_width_at_every_size():
    long_sentence = "Kun numerosi tulee näytölle, mene näytön osoittamalle tiskille " * 3
    document = Document(tuple(Text(long_sentence, size=size) for size in (1, 2, 3)))

    receipt = decode(render_escpos(document))

    for line in receipt.lines:
        assert len(line.text) * line.style.width <= 48, line.text
    # Nothing lost or reordered by the wrapping.
    assert receipt.words == " ".join([long_sentence.strip()] * 3)


def test_printer_without_native_qr_gets_a_scannable_image():
    payload = "http://127.0.0.1:8000/status/tampere/B012-q8w2"
    data = render_escpos(Document((Text("Tampere"), QR(payload))), profile="TH230")

    receipt = decode(data, profile_name="TH230")

    assert receipt.qr_codes == []
    [image] = receipt.images
    results = zxingcpp.read_barcodes(image.image.convert("L"))
    assert [result.text for result in results] == [payload]


def test_unknown_printer_model_is_refused():
    with pytest.raises(ValueError, match="no-such-printer"):
        render_escpos(Document((Text("x"),)), profile="no-such-printer")


def run_python(code: str, environment: dict[str, str]) -> str:
    completed = subprocess.run(
        [sys.executable, "-W", "error", "-c", code],
        cwd=REPOSITORY,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return completed.stdout.strip()


def clean_environment(cache_home: Path) -> dict[str, str]:
    environment = dict(os.environ, XDG_CACHE_HOME=str(cache_home))
    environment.pop("ESCPOS_CAPABILITIES_PICKLE_DIR", None)
    return environment


COUNT_ROOT_HANDLERS = "import logging; print(len(logging.getLogger().handlers))"


def test_bare_python_escpos_import_does_configure_root_logging(tmp_path):
    # The library's own behaviour, which the next test shows we undo.
    code = f"import escpos.printer; {COUNT_ROOT_HANDLERS}"
    assert run_python(code, clean_environment(tmp_path)) == "1"


def test_printing_through_jono_leaves_root_logging_alone(tmp_path):
    # Opening a File printer calls logging.info(), which would configure the root logger.
    target = tmp_path / "slip.bin"
    code = (
        "from printers.backends import send\n"
        "from printers.escpos_render import render_escpos\n"
        "from printers.layout import Document, Text\n"
        f"send({{'type': 'file', 'path': {str(target)!r}}}, "
        "render_escpos(Document((Text('Hei'),))))\n"
        f"{COUNT_ROOT_HANDLERS}"
    )
    assert run_python(code, clean_environment(tmp_path)) == "0"
    assert target.read_bytes().startswith(b"\x1b@")


def test_capabilities_are_cached_in_one_stable_folder(tmp_path):
    code = "import printers.escpos_render"
    run_python(code, clean_environment(tmp_path))
    run_python(code, clean_environment(tmp_path))

    cached = list((tmp_path / "jono" / "python-escpos").glob("*.capabilities.pickle"))
    assert len(cached) == 1
