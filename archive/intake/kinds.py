"""Which entries the archive takes: PDFs by their content, whatever their name, and files that
claim to be PDFs by their name (so that a broken one is set aside with a reason, not ignored).
Everything else is left where it is, untouched; the system files of Windows and macOS and the
lock files of office programs are not even mentioned, since every folder a clerk uses has them.
"""

from __future__ import annotations

import os

from verifier.report.codes import Phrase

HEADER_WINDOW = 1024  # ISO 32000 readers accept the %PDF- header anywhere in the first 1024 bytes
PDF_MAGIC = b"%PDF-"

# compared case-insensitively; names starting with "." (macOS ._*, .DS_Store, LibreOffice's
# .~lock.*#, hidden files) and "~" (Office's ~$*.docx lock files) are system files too
SYSTEM_NAMES = frozenset({"thumbs.db", "ehthumbs.db", "ehthumbs_vista.db", "desktop.ini", "icon\r",
                          "$recycle.bin", "system volume information", "__macosx", ".ds_store"})

NOT_A_PDF = Phrase("không phải tệp PDF (không có phần đầu %PDF-): để nguyên chỗ cũ",
                   "not a PDF (no %PDF- header): left where it is")
NOT_READABLE = Phrase("không đọc được để biết có phải PDF không, và tên không có đuôi .pdf: để nguyên chỗ cũ",
                      "could not be read to tell whether it is a PDF, and its name does not end in .pdf: left where it is")
NOT_A_FILE = Phrase("không phải tệp thường và tên không có đuôi .pdf: để nguyên chỗ cũ",
                    "not a regular file, and its name does not end in .pdf: left where it is")


def is_system(name: str) -> bool:
    """Files the operating system or an office program keeps beside a clerk's documents."""
    return name.startswith((".", "~")) or name.lower() in SYSTEM_NAMES


def claims_pdf(name: str) -> bool:
    return name.lower().endswith(".pdf")


def has_pdf_header(fd: int) -> bool:
    """A %PDF- header within the first 1024 bytes of the open file. pread: the descriptor's
    position is left for the one read that follows, and a pipe was never opened for this."""
    try:
        head = os.pread(fd, HEADER_WINDOW, 0)
    except OSError:
        return False
    return PDF_MAGIC in head


def why_not_taken(name: str, opened) -> Phrase | None:
    """None when the entry is to be taken (a PDF by content, or named .pdf: then whatever is
    wrong with it is said in its quarantine reason); else why it is left alone. `opened` is the
    entry as examined (archive.intake.inbox.Opened)."""
    if claims_pdf(name):
        return None
    if opened.fd is None:
        return NOT_A_FILE if opened.st is not None and not _regular(opened.st) else NOT_READABLE
    return None if has_pdf_header(opened.fd) else NOT_A_PDF


def _regular(st: os.stat_result) -> bool:
    import stat

    return stat.S_ISREG(st.st_mode)


class Left:
    """An entry not taken: its name as shown (archive.intake.names.display) and why."""

    __slots__ = ("name", "reason")

    def __init__(self, name: str, reason: Phrase):
        self.name, self.reason = name, reason
