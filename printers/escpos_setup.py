"""Import python-escpos without its side effects on the process.

python-escpos 3.1 does two things on import that a server must not inherit:

* ``escpos/capabilities.py`` pickles its printer database into
  ``ESCPOS_CAPABILITIES_PICKLE_DIR`` and, when that variable is unset, into a fresh
  ``tempfile.mkdtemp()`` folder on every start, so the cache is never reused.
  We point the variable at a stable folder under the user's cache directory.
  (The library still evaluates ``mkdtemp()`` as the default argument of
  ``environ.get``, so one empty temporary folder per process remains; it is harmless.)
* It calls ``logging.basicConfig()`` at import time, and its printer classes log through
  the module-level ``logging.info()``/``logging.error()`` helpers, which call
  ``basicConfig()`` again whenever the root logger has no handler. Either way the root
  logger gains a stderr handler the application never asked for.
  :func:`root_logging_preserved` removes whatever handler appeared during a call into
  the library.

Every module of this package imports escpos through this one.
"""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

CAPABILITIES_CACHE_VARIABLE = "ESCPOS_CAPABILITIES_PICKLE_DIR"


def capabilities_cache_directory() -> Path:
    """Return the folder where python-escpos may cache its parsed printer database."""
    configured = os.environ.get(CAPABILITIES_CACHE_VARIABLE)
    if configured:
        return Path(configured)
    cache_home = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache_home) / "jono" / "python-escpos"


@contextmanager
def root_logging_preserved() -> Iterator[None]:
    """Undo any handler or level change that python-escpos makes to the root logger."""
    root = logging.getLogger()
    handlers_before = list(root.handlers)
    level_before = root.level
    try:
        yield
    finally:
        for handler in list(root.handlers):
            if handler not in handlers_before:
                root.removeHandler(handler)
                handler.close()
        root.setLevel(level_before)


def _prepare_capabilities_cache() -> None:
    directory = capabilities_cache_directory()
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError:
        # A service account without a writable home still gets one stable folder.
        directory = Path(tempfile.gettempdir()) / f"jono-python-escpos-{os.getuid()}"
        directory.mkdir(parents=True, exist_ok=True)
    os.environ[CAPABILITIES_CACHE_VARIABLE] = str(directory)


_prepare_capabilities_cache()

with root_logging_preserved():
    from escpos import printer as escpos_printers  # noqa: E402
    from escpos.capabilities import CAPABILITIES, get_profile  # noqa: E402
    from escpos.constants import QR_ECLEVEL_M  # noqa: E402
    from escpos.exceptions import DeviceNotFoundError  # noqa: E402
    from escpos.exceptions import Error as EscposError  # noqa: E402

__all__ = [
    "CAPABILITIES",
    "DeviceNotFoundError",
    "EscposError",
    "QR_ECLEVEL_M",
    "escpos_printers",
    "get_profile",
    "root_logging_preserved",
]
