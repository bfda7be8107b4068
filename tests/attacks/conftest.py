"""Documents the forgeries start from, signed once per session with the test PKI."""

from __future__ import annotations

import pytest

from tests.attacks import kit


@pytest.fixture(scope="session")
def trust():
    return kit.trust()


@pytest.fixture(scope="session")
def base() -> bytes:
    return kit.base_pdf()


@pytest.fixture(scope="session")
def approval(base) -> bytes:
    """An invisible approval signature by the director."""
    return kit.sign(base)


@pytest.fixture(scope="session")
def certified(base) -> dict[int, bytes]:
    """A visible certification signature in the bottom margin, one per DocMDP level P."""
    return {p: kit.sign(base, certify=p, box=kit.MARGIN_BOX) for p in (1, 2, 3)}


@pytest.fixture(scope="session")
def signed_by_mode(approval, certified) -> dict[str, bytes]:
    """The first signature in each mode the attacks vary: approval, P=1, P=2, P=3."""
    return {"approval": approval, "P=1": certified[1], "P=2": certified[2], "P=3": certified[3]}
