"""Logging of the commands and the watch workers: the application's choice, made here only.

kyso's own warnings and errors (loggers under `verifier` and `archive`, such as the traceback
behind an INTERNAL_ERROR finding) always reach stderr. The libraries' (pyHanko,
pyhanko-certvalidator, pypdf, …) are shown only with `-v`: what they warn about is already in the
reports as findings, and pyHanko logs a traceback for every rejected change. They are filtered at
the handler, not silenced at their loggers, so that the verifier still reads the reasons pyHanko
logs and nothing global but the root handler is touched.
"""

from __future__ import annotations

import logging
import sys

KYSO_LOGGERS = ("verifier", "archive")


class _Ours(logging.Filter):
    """Lets through kyso's records, and with `verbose` every library's too."""

    def __init__(self, verbose: bool) -> None:
        super().__init__()
        self.verbose = verbose

    def filter(self, record: logging.LogRecord) -> bool:
        return self.verbose or record.name.split(".", 1)[0] in KYSO_LOGGERS


class _OneLine(logging.Formatter):
    """Each record's message on one line, escaped (archive.textsafe): messages name files and
    quote documents, and a name must not forge a record of its own. A traceback keeps its
    lines, each escaped."""

    def formatMessage(self, record: logging.LogRecord) -> str:
        from archive.textsafe import for_file

        record.message = for_file(record.message)
        return super().formatMessage(record)

    def formatException(self, ei) -> str:
        from archive.textsafe import for_file

        return "\n".join(for_file(line) for line in super().formatException(ei).split("\n"))


class _StderrHandler(logging.StreamHandler):
    """The handler configure() installs; the type tells it apart from an application's own."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)


def configure(verbose: bool = False) -> None:
    """One stderr handler on the root logger at WARNING; called again, it replaces its own."""
    root = logging.getLogger()
    for handler in [h for h in root.handlers if isinstance(h, _StderrHandler)]:
        root.removeHandler(handler)
    handler = _StderrHandler()
    handler.setFormatter(_OneLine("%(levelname)s %(name)s: %(message)s"))
    handler.addFilter(_Ours(verbose))
    root.addHandler(handler)
    root.setLevel(logging.WARNING)
