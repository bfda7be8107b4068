"""The reader's language and the reader's clock, decided in one place for every command.

Language: an explicit `--lang` (the command's, else the group's), else KYSO_LANG, else Vietnamese
(Decree 23/2025: notices in Vietnamese). It must be known before click parses the command line,
since click's own usage errors are worded then: `kyso` reads it from the arguments first
(`from_args`) and makes it the process's language (`use`).

Times a person reads: Vietnam local time (verifier.vietnam.VIETNAM) as dd/mm/yyyy HH:MM, the
zone said once by whoever prints them; times in JSON: ISO 8601 with the +07:00 offset. The
database keeps UTC; a time it returns without a zone (SQLite) is UTC.
"""

from __future__ import annotations

import os
from datetime import date, datetime, timezone

from verifier.report import localtime
from verifier.vietnam import VIETNAM

LANGS = ("vi", "en")
DEFAULT = "vi"
ENV = "KYSO_LANG"

_active: str | None = None


class LangError(ValueError):
    """KYSO_LANG holds something other than vi or en."""

    def __init__(self, value: str):
        self.value = value
        super().__init__(self.message())

    def message(self) -> str:
        # neither language is known yet: say it in both, Vietnamese first
        return (f"KYSO_LANG={self.value!r} không hợp lệ: chỉ nhận vi hoặc en. / "
                f"KYSO_LANG={self.value!r} is not valid: use vi or en.")


def from_env() -> str | None:
    """KYSO_LANG as vi or en (any case, spaces ignored); None when unset or empty."""
    value = os.environ.get(ENV, "").strip().lower()
    if not value:
        return None
    if value not in LANGS:
        raise LangError(os.environ[ENV])
    return value


def from_args(args: list[str]) -> str | None:
    """The last `--lang X` / `--lang=X` before a `--`, when X is vi or en (a bad X is click's
    error to report, in the language otherwise chosen)."""
    found = None
    for i, arg in enumerate(args):
        if arg == "--":
            break
        value = None
        if arg == "--lang" and i + 1 < len(args):
            value = args[i + 1]
        elif arg.startswith("--lang="):
            value = arg.split("=", 1)[1]
        if value is not None and value.lower() in LANGS:
            found = value.lower()
    return found


def decide(args: list[str]) -> str:
    """The language of this command line: `--lang`, else KYSO_LANG (raising LangError when it
    is neither vi nor en), else Vietnamese."""
    return from_args(args) or from_env() or DEFAULT


def use(lang: str) -> None:
    global _active
    _active = lang


def active() -> str:
    """The process's language: the one `use` set, else KYSO_LANG (a bad value: Vietnamese, the
    command line has said so already), else Vietnamese."""
    if _active is not None:
        return _active
    try:
        return from_env() or DEFAULT
    except LangError:
        return DEFAULT


def resolve(value: str | None) -> str:
    """A command's `--lang` value, or the process's language when it was not given."""
    return value or active()


# -- times ---------------------------------------------------------------------------------------

def _aware(value: datetime | str | None) -> datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return None
    if value.tzinfo is None:  # the database's UTC without its zone (SQLite)
        value = value.replace(tzinfo=timezone.utc)
    return value


def local(value: datetime | str | None) -> str:
    """dd/mm/yyyy HH:MM in Vietnam time (verifier.report.localtime); '' for nothing."""
    if value is None or value == "":
        return ""
    return localtime.local(value.isoformat() if isinstance(value, datetime) else value)


def local_date(value: date | str | None) -> str:
    """A calendar date (an issue date) as dd/mm/yyyy; '' for nothing."""
    if value is None or value == "":
        return ""
    return localtime.local_date(value.isoformat() if isinstance(value, date) else value)


def iso(value: datetime | str | None) -> str | None:
    """ISO 8601 in Vietnam time with its offset, for JSON."""
    when = _aware(value)
    return None if when is None else when.astimezone(VIETNAM).isoformat()


def now_iso() -> str:
    return datetime.now(VIETNAM).isoformat(timespec="seconds")


def parse_date(text: str) -> date:
    """A date as a clerk writes it (dd/mm/yyyy, also d/m/yyyy) or as ISO (yyyy-mm-dd).
    Raises ValueError for anything else."""
    text = text.strip()
    try:
        if "/" in text:
            day, month, year = text.split("/")
            if len(year) != 4:
                raise ValueError(text)
            return date(int(year), int(month), int(day))
        if len(text) == 10 and text[4] == "-" and text[7] == "-":
            return date.fromisoformat(text)
    except (ValueError, TypeError):
        pass
    raise ValueError(text)
