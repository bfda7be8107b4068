"""What can be wrong with the archive itself, said in both languages where it is found.

An ArchiveProblem is neither the document's fault nor the user's typing: the database is
missing, locked, read-only, unreachable or at another schema, or a stored object is missing or
altered. The commands end with exit code 5 for it (archive.cli.failures); `kind` names the case
for tests and JSON, the Phrase says what happened and what to do next.
"""

from __future__ import annotations

from pathlib import Path

from verifier.report.codes import Phrase
from verifier.report.phrased import PhrasedError


class ArchiveProblem(PhrasedError):
    """The archive cannot be used as it is; args[0] is a codes.Phrase."""

    kind = "archive"

    def __init__(self, phrase: Phrase, kind: str | None = None):
        super().__init__(phrase)
        if kind is not None:
            self.kind = kind


class StoredObjectError(ArchiveProblem):
    """A stored original (or other object) is missing or no longer has the bytes of its hash."""

    def __init__(self, sha256: str, state: str, what: Phrase, path: Path):
        self.sha256, self.state, self.path = sha256, state, path
        if state == "missing":
            phrase = Phrase(f"{what.vi} không còn trong kho lưu trữ (thiếu {path}); hãy chạy 'kyso archive fixity' "
                            "và khôi phục thư mục objects từ bản sao lưu",
                            f"{what.en} is missing from the archive ({path}); run 'kyso archive fixity' and restore "
                            "the objects folder from a backup")
        else:
            phrase = Phrase(f"{what.vi} không còn nguyên vẹn (mã băm không khớp: {path}); hãy chạy 'kyso archive fixity' "
                            "và khôi phục tệp đó từ bản sao lưu",
                            f"{what.en} fails fixity (its SHA-256 no longer matches: {path}); run 'kyso archive fixity' "
                            "and restore that file from a backup")
        super().__init__(phrase, f"object-{state}")


def original_of(doc_id: int) -> Phrase:
    return Phrase(f"bản gốc đã lưu của văn bản {doc_id}", f"the stored original of document {doc_id}")


def where(url: str) -> str:
    """The archive's database as a reader may see it: a SQLite file's path, or a server URL
    without its password."""
    from sqlalchemy.engine import make_url

    try:
        parsed = make_url(url)
    except Exception:  # noqa: BLE001 - a malformed URL is shown as it was given, less any password
        return url.split("@")[-1]
    if parsed.get_backend_name() == "sqlite":
        return str(Path(parsed.database or ":memory:").absolute()) if parsed.database else ":memory:"
    return parsed.render_as_string(hide_password=True).split("?")[0]


def engine_name(url: str) -> str:
    return "SQLite" if url.startswith("sqlite") else "PostgreSQL" if url.startswith("postgres") else url.split(":")[0]
