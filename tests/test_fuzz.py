"""Fuzzing: mutated samples (byte flips, truncations, splices, deleted ranges, edits of xref
entries and dictionary keys) never crash the verifier, never exceed the time budget, and never
come out VALID — unless the mutation only touched whitespace after the last %%EOF.

A short run is part of the suite; a long one:  KYSO_FUZZ_EXAMPLES=5000 pytest tests/test_fuzz.py
"""

from __future__ import annotations

import os
import re
import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import SAMPLES

EXAMPLES = int(os.environ.get("KYSO_FUZZ_EXAMPLES", "40"))
BUDGET_SECONDS = 20.0
SOURCES = {name: (SAMPLES / name).read_bytes() for name in ("appendix.pdf", "unit-report.pdf")}
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=not os.environ.get("KYSO_FUZZ_RANDOM"),
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def _trust():
    from verifier.trust.config import TrustConfig

    config = TrustConfig()
    config.add_bundle((SAMPLES / "pki" / "trust.pem").read_bytes())
    return config


TRUST = _trust()


def benign(original: bytes, mutated: bytes) -> bool:
    return mutated == original or mutated.rstrip(b" \t\r\n\x00\x0c") == original.rstrip(b" \t\r\n\x00\x0c")


def check(mutated: bytes, original: bytes, trust=TRUST) -> None:
    from verifier.document import verify_pdf

    start = time.monotonic()
    report = verify_pdf(mutated, trust)  # must not raise
    elapsed = time.monotonic() - start
    assert elapsed < BUDGET_SECONDS, f"{elapsed:.1f} s"
    assert "INTERNAL_ERROR" not in {f.code for f in report.findings}, [f.params for f in report.findings]
    if report.verdict == "VALID":
        assert benign(original, mutated), "a mutated file came out VALID"


_XREF_ENTRY = re.compile(rb"\d{10} \d{5} [nf]")
_NAME = re.compile(rb"/[A-Za-z]+")

mutation = st.one_of(
    st.tuples(st.just("flip"), st.floats(0, 1), st.integers(1, 255)),
    st.tuples(st.just("truncate"), st.floats(0, 1), st.just(0)),
    st.tuples(st.just("splice"), st.floats(0, 1), st.binary(min_size=1, max_size=64)),
    st.tuples(st.just("delete"), st.floats(0, 1), st.integers(1, 200)),
    st.tuples(st.just("xref"), st.floats(0, 1), st.integers(0, 9)),
    st.tuples(st.just("name"), st.floats(0, 1), st.sampled_from([b"/Contents", b"/ByteRange", b"/Prev", b"/Root",
                                                                 b"/Type", b"/Kids", b"/Length", b"/Filter", b"/V"])),
)


def mutate(data: bytes, kind: str, where: float, arg) -> bytes:
    pos = min(int(where * len(data)), len(data) - 1)
    if kind == "flip":
        return data[:pos] + bytes([data[pos] ^ arg]) + data[pos + 1:]
    if kind == "truncate":
        return data[:pos]
    if kind == "splice":
        return data[:pos] + arg + data[pos:]
    if kind == "delete":
        return data[:pos] + data[pos + arg:]
    matches = list((_XREF_ENTRY if kind == "xref" else _NAME).finditer(data))
    if not matches:
        return data
    m = matches[min(int(where * len(matches)), len(matches) - 1)]
    if kind == "xref":  # change one digit of an xref entry's offset
        digit = m.start() + 9 - arg
        return data[:digit] + bytes([b"0123456789"[(data[digit] - 47) % 10]]) + data[digit + 1:]
    return data[:m.start()] + arg + data[m.end():]  # another key in a dictionary


@FUZZ
@given(source=st.sampled_from(sorted(SOURCES)), mut=mutation)
def test_mutations_never_crash_hang_or_pass(source, mut):
    original = SOURCES[source]
    check(mutate(original, *mut), original)


@FUZZ
@given(source=st.sampled_from(sorted(SOURCES)), muts=st.lists(mutation, min_size=2, max_size=4))
def test_stacked_mutations_never_crash_hang_or_pass(source, muts):
    original = SOURCES[source]
    data = original
    for mut in muts:
        if data:
            data = mutate(data, *mut)
    check(data, original)
