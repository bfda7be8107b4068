"""Times as a person in Vietnam reads them: dd/mm/yyyy HH:MM in Vietnam time (UTC+07:00), the
zone said once by whoever prints them, never after every time. JSON keeps ISO 8601 with its
offset; this is for reading only."""

from __future__ import annotations

from datetime import date, datetime

from verifier.vietnam import VIETNAM

ZONE_NOTE = ("giờ Việt Nam", "Vietnam time, UTC+07:00")


def local(value: str | None, seconds: bool = False) -> str:
    """`value` (ISO 8601; a time without offset is taken as UTC, as kyso writes them) as
    dd/mm/yyyy HH:MM[:SS] in Vietnam time; a value that is not a time is returned as it is."""
    if not value:
        return "-"
    try:
        moment = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return str(value)
    if moment.tzinfo is None:
        from datetime import timezone

        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(VIETNAM).strftime("%d/%m/%Y %H:%M:%S" if seconds else "%d/%m/%Y %H:%M")


def local_date(value: str | None) -> str:
    """An ISO date (2022-03-08) as 08/03/2022; anything else as it is."""
    if not value:
        return "-"
    try:
        return date.fromisoformat(str(value)).strftime("%d/%m/%Y")
    except ValueError:
        return str(value)
