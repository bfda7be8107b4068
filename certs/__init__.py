"""Pinned CA certificates (certs/pins.toml): the only certificates `kyso certs import` trusts
without an explicit --unpinned."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

PINS_FILE = Path(__file__).with_name("pins.toml")
ROLES = ("anchor", "intermediate")
PKIS = ("government", "public")
_HEX64 = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class Pin:
    name: str
    subject: str
    role: str
    pki: str
    sha256: str
    url: str
    valid_from: str
    valid_to: str
    note: str


def normalize_fingerprint(text: str) -> str:
    """`AB:CD …` or `ABCD…` -> `abcd…`, the form pins and every kyso hash are written in."""
    return re.sub(r"[\s:]", "", text).lower()


@lru_cache(maxsize=1)
def load_pins() -> tuple[Pin, ...]:
    raw = tomllib.loads(PINS_FILE.read_text(encoding="utf-8"))
    pins = tuple(Pin(**table) for table in raw.get("pin", []))
    _check(pins)
    return pins


def pin_for(sha256_hex: str) -> Pin | None:
    wanted = normalize_fingerprint(sha256_hex)
    return next((p for p in load_pins() if p.sha256 == wanted), None)


def _check(pins: tuple[Pin, ...]) -> None:
    # A typo in pins.toml would silently distrust (or mislabel) an anchor: fail loudly instead.
    seen_names, seen_hashes = set(), set()
    for p in pins:
        where = f"{PINS_FILE.name}: pin {p.name!r}"
        if p.role not in ROLES:
            raise ValueError(f"{where}: role must be one of {ROLES}, not {p.role!r}")
        if p.pki not in PKIS:
            raise ValueError(f"{where}: pki must be one of {PKIS}, not {p.pki!r}")
        if not _HEX64.fullmatch(p.sha256):
            raise ValueError(f"{where}: sha256 must be 64 lower-case hex digits")
        if p.name in seen_names or p.sha256 in seen_hashes:
            raise ValueError(f"{where}: duplicate name or fingerprint")
        seen_names.add(p.name)
        seen_hashes.add(p.sha256)
