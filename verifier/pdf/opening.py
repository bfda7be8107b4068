"""Opening a PDF the way kyso reads it: strictly when the file allows it, leniently (and said so)
when it does not, decrypted with the empty password, and, for a file damaged after its last
complete revision, the longest earlier prefix that still reads."""

from __future__ import annotations

import io
from contextvars import ContextVar

from verifier.report.model import DocumentReport

# The user's password of an encrypted document (kyso verify --password), for the verification
# of that one document: every reader of its bytes (pyHanko here, PDFium in verifier.render) opens
# it with the password, which goes nowhere else (no report, no log). None: the empty password only.
PASSWORD: ContextVar[str | None] = ContextVar("kyso_pdf_password", default=None)


def password() -> str | None:
    """The password the document being verified is opened with (None: none given)."""
    return PASSWORD.get()

MAX_RECOVERY_ATTEMPTS = 16  # earlier %%EOF markers tried when the last revision is unreadable
PDF_MAGIC_WINDOW = 1024  # readers accept a header a little after the start; so do we


class Unreadable(Exception):
    """The bytes cannot be read as a PDF; `code` is the finding that says why."""

    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code, self.params = code, params


def readable_prefix(data: bytes) -> bytes | None:
    """The longest prefix ending at an earlier %%EOF that reads as a PDF, when the file itself
    ends with %%EOF (a truncated file does not, and stays unreadable)."""
    from verifier.pdf.reader import KysoPdfFileReader

    if not data.rstrip(b" \t\r\n\x00\x0c").endswith(b"%%EOF"):
        return None
    end = data.rstrip(b" \t\r\n\x00\x0c").rfind(b"%%EOF")
    for _ in range(MAX_RECOVERY_ATTEMPTS):
        end = data.rfind(b"%%EOF", 0, end)
        if end < 0:
            return None
        cut = end + 5
        cut += 2 if data[cut:cut + 2] == b"\r\n" else (1 if data[cut:cut + 1] in (b"\r", b"\n") else 0)
        try:
            KysoPdfFileReader(io.BytesIO(data[:cut]), strict=False).root  # noqa: B018
            return data[:cut]
        except Exception:
            continue
    return None


def open_pdf(data: bytes, report: DocumentReport):
    from verifier.pdf.reader import KysoPdfFileReader as PdfFileReader

    if b"%PDF-" not in data[:PDF_MAGIC_WINDOW]:
        raise Unreadable("NOT_PDF", reason="no %PDF- header")
    strict_error = None
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=True)
        reader.root  # noqa: B018  (forces the catalog to be read)
    except Exception as exc:
        strict_error = exc
        try:
            reader = PdfFileReader(io.BytesIO(data), strict=False)
            reader.root  # noqa: B018
        except Exception as exc2:
            if "startxref loop" in str(exc2):
                # a /Prev chain that comes back on itself is written, never damaged into being
                raise Unreadable("XREF_PREV_LOOP", reason=str(exc2)) from exc2
            raise Unreadable("NOT_PDF", reason=f"{type(exc2).__name__}: {exc2}") from exc2
    if reader.encrypted:
        _decrypt_empty(reader, report)
    if strict_error is None and reader.xrefs.hybrid_xrefs_present:
        # pyHanko refuses to validate hybrid files in strict mode; MS Word and the VGCA tools
        # write them in every revision, so they are read leniently and the report says so.
        if reader.encrypted:
            reader = PdfFileReader(io.BytesIO(data), strict=False)
            _decrypt_empty(reader, report, quiet=True)
        else:
            lenient(reader)
    report.hybrid_xref = bool(reader.xrefs.hybrid_xrefs_present)
    if report.hybrid_xref:
        report.add("HYBRID_XREF")
    # a strict-parse failure is reported by structure.check, which can tell whether it is in
    # the signed bytes or was introduced after the first signature
    return reader, strict_error


def lenient(reader) -> None:
    """Turn a reader that read `data` strictly, without error, into the reader
    PdfFileReader(data, strict=False) would be, without reading the cross-references again (a
    third of the opening of a tagged Word decree, which is hybrid in every revision).

    Why it is that reader: the strict and the lenient reading of the cross-references differ
    only where the strict one raises. pyHanko 0.38's parse_xref_table re-splits an entry only
    when its marker is longer than one byte, which the strict reading refuses as an unknown
    marker; parse_xref_stream (and kyso's verifier/patches/xrefstream.py) returns defaults for a
    short entry and ignores trailing data only where strict raises; process_entries skips a
    generation over 65535 where strict raises; a table allocating past /Size, a repeated
    dictionary key in a trailer, a startxref that needed correcting and the consistency check
    of the sections raise in strict mode and change nothing otherwise; an object header's
    superfluous whitespace is only logged. So when the strict reading finished, the sections,
    trailers and offsets are the ones the lenient reading builds from the same bytes. What
    was read after the cross-references (the catalog, and anything read through it) was read
    strictly: every cache of read objects is emptied, so each object is read again leniently
    when asked, as a fresh lenient reader reads it. The memos of each object's history
    (verifier.pdf.reader._remember_history) depend on the sections alone and stay. The
    decoding budget the document shares (verifier.pdf.budget) is charged once for the
    cross-reference streams, not twice. An encrypted file is opened again (its security
    handler was built and authenticated by the strict reader). tests/test_opening.py compares
    the reader this gives with a fresh lenient one on the samples and real documents."""
    reader.strict = False
    reader.resolved_objects = {}
    reader._historical_resolver_cache = {}
    reader._input_version = None
    reader._embedded_signatures = None
    for name in [n for n in vars(reader) if n.startswith("_kyso")]:
        delattr(reader, name)  # kyso's caches of objects read (object stream headers)


def open_for_reading(data: bytes):
    """The reader open_pdf gives for `data`, for a reader of the document's content alone (its
    findings are verification's to report, not this caller's); raises Unreadable."""
    return open_pdf(data, DocumentReport(file=None, sha256="", size=len(data)))[0]


def _decrypt_empty(reader, report: DocumentReport, quiet: bool = False) -> None:
    from pyhanko.pdf_utils.crypt import AuthStatus

    given = PASSWORD.get()
    for candidate in ("", given) if given else ("",):
        try:
            ok = reader.decrypt(candidate).status != AuthStatus.FAILED
        except Exception:
            ok = False
        if ok:
            break
    if not ok:
        raise Unreadable("ENCRYPTED_WRONG_PASSWORD" if given else "ENCRYPTED")
    if not quiet:
        report.add("ENCRYPTED_PASSWORD_GIVEN" if candidate else "ENCRYPTED_EMPTY_PASSWORD")
