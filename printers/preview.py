"""Write previews of a sample ticket, for `jono ticket-preview`."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from printers.layout import TicketFacts, ticket_slip
from printers.pdf_render import render_pdf
from printers.png_render import render_png

PNG_NAME = "ticket-preview.png"
PDF_NAME = "ticket-preview.pdf"


def sample_ticket(language: str = "fi") -> TicketFacts:
    """Return the facts of a made-up urgent ticket, for previews and tests."""
    return TicketFacts(
        service_point_name="Helsinki, Malmi",
        number="A042",
        queue_name={"fi": "Oleskelulupa", "sv": "Uppehållstillstånd", "en": "Residence permit"}[
            language
        ],
        party_size=2,
        issued_at=datetime(2025, 3, 14, 9, 5, tzinfo=ZoneInfo("Europe/Helsinki")),
        people_ahead=7,
        estimated_wait_minutes=35,
        language=language,
        status_url="http://127.0.0.1:8000/status/helsinki/A042-7f3k9q",
        kind="urgent",
    )


def write_preview(out_dir: str | Path, facts: TicketFacts | None = None) -> list[Path]:
    """Write ticket-preview.png and ticket-preview.pdf of a ticket into ``out_dir``.

    :param out_dir: folder to write into; created if missing
    :param facts: the ticket to show; a sample Finnish ticket when omitted
    :returns: the paths written, PNG first
    """
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    document = ticket_slip(facts or sample_ticket())
    png_path = folder / PNG_NAME
    pdf_path = folder / PDF_NAME
    png_path.write_bytes(render_png(document))
    pdf_path.write_bytes(render_pdf(document, title="Jono ticket preview"))
    return [png_path, pdf_path]
