"""What the reader asked of the terminal for this run: `kyso -q` (results and errors only: no
progress, no which-archive line) and `kyso -v` (the libraries' log and tracebacks).

Progress bars and notices ask `chatty()`: only on a terminal (stderr), and never with -q.
"""

from __future__ import annotations

import sys

quiet = False
verbose = False


def chatty() -> bool:
    """Whether lines meant for a person watching (progress, which archive, waiting) are shown."""
    try:
        return not quiet and sys.stderr.isatty()
    except (AttributeError, ValueError):  # stderr closed or replaced
        return False
