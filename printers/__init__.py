"""Tickets on paper: layout, ESC/POS and PDF/PNG rendering, printer backends, print worker.

Pure of Flask and of the database. The app calls, in order:

* :func:`printers.layout.ticket_slip` (or :func:`~printers.layout.confirmation_slip`) to
  lay out a document from plain facts,
* :func:`printers.escpos_render.render_escpos` to turn it into printer bytes,
* :meth:`printers.worker.PrintWorker.submit` to deliver them in the background, which
  uses :func:`printers.backends.send`.

:func:`printers.pdf_render.render_pdf`, :func:`printers.png_render.render_png` and
:func:`printers.preview.write_preview` give the same slip as a PDF or an image.
"""
