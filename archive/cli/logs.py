"""Logging for the commands and the workers: pyHanko's findings go into the reports, so its
log lines (a traceback for every rejected diff) are shown only on request."""

from __future__ import annotations

import logging


def configure(verbose: bool = False) -> None:
    logging.basicConfig(level=logging.WARNING if verbose else logging.CRITICAL,
                        format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger().setLevel(logging.WARNING if verbose else logging.CRITICAL)
