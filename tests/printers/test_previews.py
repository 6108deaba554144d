"""PDF and PNG slips: readable text, the right size, and QR codes that scan."""

import io

import pypdf
import pypdfium2
import pytest
import zxingcpp
from PIL import Image

from printers.layout import ticket_slip
from printers.pdf_render import render_pdf
from printers.png_render import render_png
from printers.preview import PDF_NAME, PNG_NAME, sample_ticket, write_preview

POINTS_PER_MILLIMETRE = 72 / 25.4


def pdf_text(data: bytes) -> str:
    page = pypdf.PdfReader(io.BytesIO(data)).pages[0]
    return " ".join(page.extract_text().split())


def pdf_page_image(data: bytes) -> Image.Image:
    document = pypdfium2.PdfDocument(data)
    try:
        return document[0].render(scale=4).to_pil().convert("L")
    finally:
        document.close()


def scanned(image: Image.Image) -> list[str]:
    return [result.text for result in zxingcpp.read_barcodes(image)]


@pytest.mark.parametrize(
    ("language", "sentences"),
    [
        ("fi", ["Vuoronumero", "A042", "Oleskelulupa", "2 henkilöä", "Edelläsi jonossa: 7"]),
        ("sv", ["Könummer", "A042", "Uppehållstillstånd", "2 personer", "Före dig i kön: 7"]),
        ("en", ["Waiting number", "A042", "Residence permit", "2 persons", "ahead of you: 7"]),
    ],
)
def test_pdf_text_can_be_extracted(language, sentences):
    text = pdf_text(render_pdf(ticket_slip(sample_ticket(language))))

    for sentence in sentences:
        assert sentence in text


def test_pdf_is_80_mm_wide_and_its_qr_code_opens_the_status_page():
    facts = sample_ticket("sv")
    data = render_pdf(ticket_slip(facts))

    page = pypdf.PdfReader(io.BytesIO(data)).pages[0]
    assert float(page.mediabox.width) == pytest.approx(80 * POINTS_PER_MILLIMETRE)
    assert scanned(pdf_page_image(data)) == [facts.status_url]


def test_pdf_of_the_same_slip_is_the_same_file():
    document = ticket_slip(sample_ticket("fi"))
    assert render_pdf(document) == render_pdf(document)


def test_png_looks_like_the_printer_paper_and_its_qr_code_scans():
    facts = sample_ticket("en")
    image = Image.open(io.BytesIO(render_png(ticket_slip(facts))))

    assert image.width == 640  # 80 mm at the printer's 203 dpi
    assert image.height > image.width
    assert scanned(image.convert("L")) == [facts.status_url]


def test_write_preview_writes_a_png_and_a_pdf_of_the_sample_ticket(tmp_path):
    written = write_preview(tmp_path / "previews")

    assert [path.name for path in written] == [PNG_NAME, PDF_NAME]
    png_path, pdf_path = written
    status_url = sample_ticket().status_url
    assert scanned(Image.open(png_path).convert("L")) == [status_url]
    assert "Vuoronumero" in pdf_text(pdf_path.read_bytes())
    assert scanned(pdf_page_image(pdf_path.read_bytes())) == [status_url]
