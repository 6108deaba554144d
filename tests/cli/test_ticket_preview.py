"""`jono ticket-preview`: a sample slip as PNG and PDF, to check the layout without a printer."""

from __future__ import annotations

from shared.cli.commands import main
from tests.conftest import PROJECT_ROOT


def test_ticket_preview_writes_a_png_and_a_pdf(tmp_path, capsys):
    out = tmp_path / "previews"
    config = str(PROJECT_ROOT / "config.toml")
    assert main(["--config", config, "ticket-preview", "--out", str(out), "--language", "sv"]) == 0

    png, pdf = out / "ticket-preview.png", out / "ticket-preview.pdf"
    assert png.read_bytes().startswith(b"\x89PNG")
    assert pdf.read_bytes().startswith(b"%PDF")
    assert f"Wrote {png}" in capsys.readouterr().out
