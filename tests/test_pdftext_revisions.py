"""Every revision's text is read through the document's one pyHanko reader: the last revision is
the reader verification opened, an earlier one pyHanko's historical view of it, and no reader is
opened again on the bytes of a signed prefix."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from tests.pdfbytes import assemble
from tests.conftest import ROOT, SAMPLES
from verifier.pdf.opening import open_for_reading
from verifier.pdf.pdftext import DocumentText


def _number_line(doc: DocumentText, end: int) -> str:
    return next(line.text for line in doc.lines(0, end, appearances=False) if "Số:" in line.text)


def test_an_earlier_revision_is_pyhankos_historical_view_of_the_same_reader():
    """content-changed.pdf: the director signs the plan with blanks for the number and the day;
    an unsigned update then rewrites page 1's content to write 99 and 15 into them. The revision
    the director signed still reads with its blanks, through the reader given, as pyHanko itself
    reads the revision that signature signs."""
    data = (SAMPLES / "content-changed.pdf").read_bytes()
    reader = open_for_reading(data)
    doc = DocumentText(data, reader)
    signed, last = doc.revision_ends()
    assert last == len(data) and doc.reader_at(last) is reader

    signed_revision = reader.embedded_signatures[0].signed_revision
    assert signed_revision < reader.xrefs.total_revisions - 1
    assert doc.reader_at(signed) is reader.get_historical_resolver(signed_revision)

    before, after = _number_line(doc, signed), _number_line(doc, last)
    assert "99" not in before and "15" not in before and "ngày   tháng 3" in before
    assert "Số: 99 /KH-SGDĐT" in after and "ngày 15 tháng 3" in after
    assert doc.content_keys([0, 1], signed)[1] == doc.content_keys([0, 1])[1]  # page 2 untouched
    assert doc.content_keys([0], signed) != doc.content_keys([0])


def test_standalone_opens_the_document_as_verification_does():
    data = (SAMPLES / "encrypted-empty-password.pdf").read_bytes()
    doc = DocumentText(data)
    assert type(doc.reader).__name__ == "KysoPdfFileReader" and doc.reader.encrypted
    # decrypted through pyHanko: field names and the page text, not proxies or ciphertext
    assert [w.field for w in doc.widgets()] == ["Signature1"]
    assert "Số:" in _number_line(doc, len(data))


def test_verifying_opens_no_pypdf_reader():
    """In a fresh interpreter, verify_pdf on documents whose earlier revisions are read (the
    plan's six layers, the unsigned content change) constructs no pypdf PdfReader, and still
    reads their metadata. pypdf stays for tokenising content and its encoding tables only."""
    script = textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(ROOT)!r})
        from verifier.patches import install
        install()
        import pypdf
        from verifier.document import verify_pdf
        from verifier.trust.config import TrustConfig

        init = pypdf.PdfReader.__init__.__code__
        opened = []

        def watch(frame, event, arg):
            if event == "call" and frame.f_code is init:
                opened.append(1)

        trust = TrustConfig()
        trust.add_bundle(open({str(SAMPLES / "pki" / "trust.pem")!r}, "rb").read())
        for name in ("plan.pdf", "content-changed.pdf"):
            data = open({str(SAMPLES)!r} + "/" + name, "rb").read()
            sys.setprofile(watch)
            try:
                report = verify_pdf(data, trust, file=name)
            finally:
                sys.setprofile(None)
            print(name, report.metadata["code_number"]["value"], len(opened))
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["plan.pdf", "45", "0", "content-changed.pdf", "99", "0"]


def _pdf(pages: bytes) -> bytes:
    """One page drawing "Hello" under a page-tree root written as `pages` (object 2); object 6
    is a second intermediate node holding the page."""
    content = b"BT /F1 12 Tf 100 700 Td (Hello) Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        pages,
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >>"
        b" /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Type /Pages /Parent 2 0 R /Kids [3 0 R] /Count 1 >>",
    ]
    return assemble(objects)


def _text(doc: DocumentText) -> str:
    return "".join(g.char for g in doc.page_glyphs(0))


def test_pages_are_the_page_trees_leaves_whatever_count_says():
    data = _pdf(b"<< /Type /Pages /Kids [6 0 R 3 0 R] /Count 7 >>")
    doc = DocumentText(data)
    assert doc.pages == doc.page_count(len(data)) == 2 and _text(doc) == "Hello"


def test_a_kid_that_is_nowhere_is_skipped_though_the_reader_is_strict():
    """The reader verification opened is strict when the file allows it; a page-tree kid that no
    cross-reference lists is null (as pypdf read it), not the end of every page's text."""
    data = _pdf(b"<< /Type /Pages /Kids [3 0 R null 99 0 R] /Count 3 >>")
    doc = DocumentText(data)
    assert doc.reader.strict
    assert doc.pages == 1 and _text(doc) == "Hello"


def test_a_page_tree_that_comes_back_on_itself_is_unreadable():
    for pages in (b"<< /Type /Pages /Kids [3 0 R 2 0 R] /Count 2 >>", b"<< /Type /Pages /Kids [6 0 R] /Count 1 >>"):
        data = _pdf(pages).replace(b"/Kids [3 0 R] /Count 1", b"/Kids [2 0 R] /Count 1")
        try:
            DocumentText(data)
        except ValueError:
            continue
        raise AssertionError("a cyclic page tree was read")


def _keys_both_ways(data: bytes) -> int:
    """How many pages of earlier revisions of one document were compared."""
    from verifier.pdf.pdftext import _Objects

    doc = DocumentText(data, painted=False)
    compared = 0
    for end in doc.revision_ends():
        view = doc.reader_at(end)
        if view is None or view is doc.reader:
            continue
        for page in (doc._pages_of(end) or [])[:6]:
            # the same page dictionary of the view, its references followed by the view itself
            # (as before _Objects) and by _Objects (the reader's object where no later revision
            # changed it): the same key, byte for byte
            assert DocumentText._content_key(page, _Objects(doc.reader, view)) == DocumentText._content_key(page)
            compared += 1
    return compared


def test_content_keys_read_unchanged_objects_from_the_reader_as_the_view_reads_them():
    """_Objects (the resources of an earlier revision read without pyHanko's copy of every
    object no later revision changed) gives the key pyHanko's historical view gives, on every
    earlier revision of every sample and real document."""
    from tests.conftest import REALDOCS

    compared = 0
    paths = sorted(SAMPLES.glob("*.pdf")) + (sorted(REALDOCS.glob("*.pdf")) if REALDOCS.exists() else [])
    for path in paths:
        try:
            compared += _keys_both_ways(path.read_bytes())
        except AssertionError:
            raise
        except Exception:  # a sample no reader opens (damaged on purpose)
            continue
    assert compared > 50
