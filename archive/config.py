"""Where kyso keeps its data. One place, so every command agrees."""

from __future__ import annotations

import os
from pathlib import Path


def kyso_home() -> Path:
    """`$KYSO_HOME`, or `./kyso-data` when unset; absolute so messages show a usable path."""
    return Path(os.environ.get("KYSO_HOME") or "kyso-data").expanduser().absolute()
