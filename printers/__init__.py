"""Tickets on paper: layout, ESC/POS and PDF/PNG rendering, printer backends, print worker and
the print service.

Pure of Flask, of the database and of the rest of Jono (an import-linter contract keeps it so).
The app calls, in order:

* :func:`printers.layout.ticket_slip` (or :func:`~printers.layout.confirmation_slip`) to
  lay out a document from plain facts,
* :func:`printers.escpos_render.render_escpos` to turn it into printer bytes,
* :class:`printers.service.PrintService` to deliver them in the background through
  :class:`printers.worker.PrintWorker` (retries, time limits, reprints superseding older jobs,
  health checks),
  which uses :func:`printers.backends.send`.

:func:`printers.pdf_render.render_pdf`, :func:`printers.png_render.render_png` and
:func:`printers.preview.write_preview` give the same slip as a PDF or an image.
"""
