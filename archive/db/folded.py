"""The folded search columns: the form in which `kyso archive list` and `kyso archive search`
compare text, so that both databases match the same way.

SQLite's lower() folds ASCII only and PostgreSQL's depends on the server's collation; neither
removes diacritics. So every searched text is folded once in Python, by verifier.vietnam.fold
(case, diacritics, NFC/NFD, both tone placements "Thuỷ"/"Thủy", Đ/đ as D/d), when its row is
written, into a `<column>_folded` column beside it; a filter is folded the same way and compared
with LIKE or = on those columns. One function (`folded`) makes both sides.

The model keeps the columns (archive.db.models: a column default on insert, also for Core
inserts, and an ORM hook on update); migration 0004 fills them for rows written before.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from verifier.vietnam import fold

# A dash typed as en dash, minus sign or non-breaking hyphen is the same character to a reader.
_DASHES = str.maketrans({c: "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2212\ufe63\uff0d"})


def folded(text: object | None) -> str | None:
    """The search form of a value; None stays None so that a missing value matches nothing."""
    if text is None:
        return None
    return fold(str(text).translate(_DASHES))


def notation_key(notation: object | None) -> str | None:
    """A notation compared whole: folded and without spaces ("KH - SGDĐT" = "kh-sgddt")."""
    key = folded(notation)
    return None if key is None else "".join(key.split())


def number_text(number: object | None, notation: object | None) -> str | None:
    """The number as it is written on the document: "45/KH-SGDĐT"."""
    if number and notation:
        return f"{number}/{notation}"
    return str(number or notation) if (number or notation) else None


# The document's own words that free-text search reads, besides the signers of its layers.
DOCUMENT_TEXT = ("type_name", "subject", "organ_name", "signer_name", "place")


def document_text(row: Mapping) -> str | None:
    parts = [number_text(row.get("code_number"), row.get("code_notation"))]
    parts += [row.get(key) for key in DOCUMENT_TEXT]
    return folded(" ".join(str(p) for p in parts if p)) or None


def _column(name: str) -> Callable[[Mapping], str | None]:
    return lambda row: folded(row.get(name))


# table -> folded column -> how it is made from the row's values (a Mapping of column -> value)
FOLDED: dict[str, dict[str, Callable[[Mapping], str | None]]] = {
    "documents": {
        "type_name_folded": _column("type_name"),
        "code_notation_folded": lambda row: notation_key(row.get("code_notation")),
        "organ_name_folded": _column("organ_name"),
        "text_folded": document_text,
    },
    "layers": {"signer_common_name_folded": _column("signer_common_name")},
    "receipts": {"name_folded": _column("name_nfc")},
}


def folded_values(table: str, row: Mapping) -> dict[str, str | None]:
    """Every folded column of `table` for a row with these values."""
    return {column: make(row) for column, make in FOLDED[table].items()}
