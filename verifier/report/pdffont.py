"""The font of the PDF reports: DejaVu Sans, shipped inside the package (verifier/report/fonts,
with its licence), cut down to Latin, every Vietnamese letter, punctuation and arrows, so that
a report prints the same on every machine without a system font."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

FAMILY = "DejaVuSans"
FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}


def font_path(style: str = "") -> Path:
    """The TTF of `style` ("" regular, "B" bold), from the installed or the editable package."""
    path = Path(str(resources.files("verifier.report") / "fonts" / FILES[style]))
    if not path.is_file():
        raise FileNotFoundError(f"kyso's report font {path} is missing: reinstall kyso")
    return path
