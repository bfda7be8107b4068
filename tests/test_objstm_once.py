"""Each object stream is decoded and parsed once per verification, however many revisions resolve
it to the same place: the structure checks read objects revision by revision, and a Word-made
decree's tagged pages lie in object streams no later revision rewrites."""

from __future__ import annotations

from tests.conftest import REALDOCS, need_shared
from verifier.pdf import rawpdf


def test_object_streams_parsed_once(monkeypatch, real_trust):
    from verifier.document import verify_pdf

    parsed: list[bytes] = []
    original = rawpdf.ObjectStream.__init__

    def counting(self, data, first, count):
        parsed.append(bytes(data))
        original(self, data, first, count)

    monkeypatch.setattr(rawpdf.ObjectStream, "__init__", counting)
    report = verify_pdf(need_shared(REALDOCS / "03-vbhn-bkhcn.pdf").read_bytes(), real_trust)
    assert report.verdict == "INDETERMINATE" and len(report.layers) == 5
    assert len(parsed) == len(set(parsed)) >= 10
