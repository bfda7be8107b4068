"""What the archive's columns can hold, checked before the database.

PostgreSQL refuses a value longer than its varchar(n), or holding NUL; SQLite stores anything.
A document's number, subject, agency or signer names, and a file name, come from whoever drops
the file, so they are fitted when they are set on a row (archive.db.models installs `fit` on
every string column): cut to the column's length, NUL and lone surrogates (which no UTF-8
database stores) replaced by U+FFFD. Both databases then keep the same thing and no document can
stop its own ingestion. A report whose value was cut says so (`note_truncated`: the finding
ARCHIVE_VALUE_TRUNCATED); the stored JSON report keeps every value whole.

Filters of `kyso archive list` are checked the same way before a query is built
(`check_filters`): longer than anything the column can hold, or not text a database stores, they
are refused with a message rather than failing inside the driver.
"""

from __future__ import annotations

REPLACEMENT = "\ufffd"
# A received name is a relative path (Text); no file system gives a longer one.
NAME_FILTER_LIMIT = 4096


def fit(value: str, limit: int | None) -> str:
    cleaned = value.replace("\x00", REPLACEMENT)
    if any("\ud800" <= c <= "\udfff" for c in cleaned):
        cleaned = "".join(REPLACEMENT if "\ud800" <= c <= "\udfff" else c for c in cleaned)
    return cleaned if limit is None or len(cleaned) <= limit else cleaned[:limit]


def column_limit(model, name: str) -> int | None:
    """The length limit of a string column (None: Text, no limit)."""
    return getattr(model.__table__.c[name].type, "length", None)


def _text(value) -> str | None:
    value = value.get("value") if isinstance(value, dict) else value
    if value is None:
        return None
    return "; ".join(map(str, value)) if isinstance(value, list) else str(value)


def overflows(report) -> list[tuple[str, int, int]]:
    """(field, length, limit) of each value of the report longer than the column that keeps it:
    the Decree 30 metadata (documents) and each layer's signer and certificate (layers)."""
    from archive.db.models import Document, LayerRow

    found = []
    meta = getattr(report, "metadata", None) or {}
    for key in ("type_name", "code_number", "code_notation", "place", "organ_name", "subject",
                "signer_position", "signer_name", "priority"):
        text, limit = _text(meta.get(key)), column_limit(Document, key)
        if text is not None and limit is not None and len(text) > limit:
            found.append((key, len(text), limit))
    for number, layer in enumerate(report.layers, start=1):
        values = {
            "signer_common_name": layer.signer.common_name, "signer_email": layer.signer.email,
            "signer_organization": layer.signer.organization, "subindication": layer.subindication,
            "certificate_serial": layer.certificate.serial if layer.certificate else None,
            "issuer_common_name": layer.chain[1] if len(layer.chain) > 1 else None,
        }
        for key, text in values.items():
            limit = column_limit(LayerRow, key)
            if text is not None and limit is not None and len(text) > limit:
                found.append((f"layers[{number}].{key}", len(text), limit))
    return found


def note_truncated(report, policy) -> None:
    """Add ARCHIVE_VALUE_TRUNCATED for each value the archive's columns will cut."""
    from verifier.document import add_finding

    for field, length, limit in overflows(report):
        add_finding(report, policy, "ARCHIVE_VALUE_TRUNCATED", field=field, length=length, limit=limit)


class FilterError(ValueError):
    """A filter of `kyso archive list` no archived value can match, or no database can take;
    args[0] is a codes.Phrase (str() gives the English)."""

    def text(self, lang: str) -> str:
        from verifier.report.codes import say

        return say(self.args[0], lang)


def check_filters(filters) -> None:
    """Raise FilterError for a filter longer than the column it searches can hold, or holding
    characters no database stores (NUL, a non-UTF-8 byte of the command line)."""
    from archive.db.models import Document, LayerRow
    from verifier.report.codes import Phrase

    number_limit = column_limit(Document, "code_number") + 1 + column_limit(Document, "code_notation")
    limits = {
        "signer": column_limit(LayerRow, "signer_common_name"),
        "agency": max(column_limit(LayerRow, "signer_common_name"), column_limit(Document, "organ_name")),
        "type_name": column_limit(Document, "type_name"),
        "number": number_limit,
        "name": NAME_FILTER_LIMIT,
        "text": NAME_FILTER_LIMIT,  # `kyso archive search TEXT`: words of several columns
    }
    option = {"type_name": "--type", "text": "TEXT"}
    for key, limit in limits.items():
        value = getattr(filters, key)
        if value is None:
            continue
        flag = option.get(key, f"--{key}")
        if len(value) > limit:
            raise FilterError(Phrase(f"{flag} dài {len(value)} ký tự; không giá trị lưu trữ nào dài hơn {limit}",
                                     f"{flag} is {len(value)} characters long; no archived value is longer than {limit}"))
        if "\x00" in value or any("\ud800" <= c <= "\udfff" for c in value):
            raise FilterError(Phrase(f"{flag} chứa ký tự NUL hoặc byte không phải UTF-8; hãy nhập chữ đúng như được viết",
                                     f"{flag} holds a NUL or bytes that are not UTF-8; give the text as it is written"))
