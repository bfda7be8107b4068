"""A PDF written byte by byte from its object bodies, numbered from 1 (the catalog first), with a
classic cross-reference table: what tests of odd structures need that no PDF library writes."""

from __future__ import annotations


def assemble(objects: list[bytes]) -> bytes:
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def costly(pages: int = 8, operators: int = 150_000) -> bytes:
    """A small unsigned PDF (about 30 KB) that costs seconds of CPU to verify on any machine: each
    page has its own compressed content stream of `operators` drawing operators, and kyso reads
    every page's operators for its text (verifier.pdf.text, up to MAX_OPERATIONS per page). It is
    what a time budget is for, with no dependence on how fast the machine reads a real document."""
    import zlib

    kids = b" ".join(b"%d 0 R" % (3 + 2 * i) for i in range(pages))
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, pages)]
    for i in range(pages):
        # a distinct stream per page, so nothing read for one page serves another
        content = zlib.compress(b"%% page %d\n" % i + b"0 0 1 1 re f\n" * operators)
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents %d 0 R >>" % (4 + 2 * i))
        objects.append(b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream" % (len(content), content))
    return assemble(objects)
