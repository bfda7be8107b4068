"""Shared test fixtures: where the project's samples and ../shared live, and trust configs."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
SHARED = Path(os.environ.get("KYSO_SHARED") or ROOT.parent / "shared")
REALDOCS = SHARED / "realdocs"
REAL_TRUST = SHARED / "trust"


def manifest() -> dict:
    return json.loads((SAMPLES / "manifest.json").read_text(encoding="utf-8"))


def need_shared(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"{path} not found: put the shared folder beside the checkout or set KYSO_SHARED")
    return path


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path, monkeypatch):
    """Every test gets an empty KYSO_HOME so nobody's local trust store leaks in."""
    monkeypatch.setenv("KYSO_HOME", str(tmp_path / "kyso-home"))


@pytest.fixture(scope="session")
def sample_trust():
    from verifier.trust import TrustConfig

    config = TrustConfig()
    config.add_bundle((SAMPLES / manifest()["trust"]).read_bytes())
    return config


@pytest.fixture(scope="session")
def real_trust():
    """The real anchors and the G2 issuing CA from ../shared/trust, offline, no revocation data."""
    from verifier.trust import TrustConfig

    need_shared(REAL_TRUST)
    config = TrustConfig()
    for pem in sorted(REAL_TRUST.glob("*.pem")):
        config.add_bundle(pem.read_bytes())
    return config
