"""Searching the archive: free text and the filters of `kyso archive list` (verdict, issuer,
signer, number, type, issued and received date ranges), through archive.db.queries, so that
"ke hoach" finds "Kế hoạch" here as on the command line; newest first, a page at a time."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request

from archive.web.auth import page
from archive.web.console.render import show

router = APIRouter()

PAGE = 25  # documents per page, unless the asker says (per=, at most MAX_PER)
MAX_PER = 100
MAX_PAGE = 10_000
FIELDS = ("q", "verdict", "agency", "signer", "number", "type", "issued_from", "issued_to", "received_from",
          "received_to")
DATES = ("issued_from", "issued_to", "received_from", "received_to")
VERDICTS = ("VALID", "INVALID", "INDETERMINATE")
MAX_TEXT = 500  # characters of one field: a search is words, not a file


def _filters(form: dict, errors: list[tuple[str, str]]):
    from archive.db.queries import Filters
    from archive.lang import parse_date
    from archive.web.api.documents import RECEIVED_RANGE

    dates = {}
    for key in DATES:
        if form[key]:
            try:
                # clamped as the API clamps: the day arithmetic of a receipt time stays within a datetime
                dates[key] = min(max(parse_date(form[key]), RECEIVED_RANGE[0]), RECEIVED_RANGE[1])
            except ValueError:
                errors.append((f"'{form[key]}' không phải ngày (dd/mm/yyyy)", f"'{form[key]}' is not a date (dd/mm/yyyy)"))
    verdict = form["verdict"].upper() if form["verdict"].upper() in VERDICTS else None
    if form["verdict"] and verdict is None:
        errors.append((f"không có kết luận '{form['verdict']}'", f"no such verdict '{form['verdict']}'"))
    return Filters(verdict=verdict, signer=form["signer"] or None, agency=form["agency"] or None,
                   type_name=form["type"] or None, number=form["number"] or None, text=form["q"] or None,
                   issued_from=dates.get("issued_from"), issued_to=dates.get("issued_to"),
                   received_from=dates.get("received_from"), received_to=dates.get("received_to"))


def _int(text: str | None, default: int, most: int) -> int:
    try:
        return max(1, min(most, int(text or default)))
    except ValueError:
        return default


@router.get("/search")
def search(request: Request, who=Depends(page("read"))):
    from archive.db.limits import FilterError
    from archive.db.queries import document_summary, list_documents

    params = request.query_params
    form = {key: (params.get(key) or "").strip()[:MAX_TEXT] for key in FIELDS}
    number, per = _int(params.get("page"), 1, MAX_PAGE), _int(params.get("per"), PAGE, MAX_PER)
    errors: list[tuple[str, str]] = []
    filters = _filters(form, errors)
    rows, more = [], False
    if not errors:
        with request.app.state.archive.sessions() as s:
            try:
                docs = list_documents(s, filters, limit=per + 1, offset=(number - 1) * per)
            except FilterError as exc:  # longer than any column, or not text a database keeps
                errors.append((exc.text("vi"), exc.text("en")))
                docs = []
            more = len(docs) > per
            rows = [document_summary(s, d) for d in docs[:per]]
    kept = {k: v for k, v in form.items() if v}
    if per != PAGE:
        kept["per"] = per

    def page_link(n: int) -> str:
        return "/search?" + urlencode({**kept, "page": n})

    return show(request, "search.html", status=422 if errors else 200, form=form, rows=rows, page=number, more=more,
                errors=errors, page_link=page_link, verdicts=VERDICTS, searched=bool(kept))
