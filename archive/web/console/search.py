"""Searching the archive: free text and the filters of `kyso archive list` (verdict, issuer,
signer, number, type, issued and received date ranges), through archive.db.queries, so that
"ke hoach" finds "Kế hoạch" here as on the command line; newest first, a page at a time."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request

from archive.web.auth import page
from archive.web.console.render import show

router = APIRouter()

PAGE = 25  # documents per page
MAX_PAGE = 10_000
FIELDS = ("q", "verdict", "agency", "signer", "number", "type", "issued_from", "issued_to", "received_from",
          "received_to")
DATES = ("issued_from", "issued_to", "received_from", "received_to")
VERDICTS = ("VALID", "INVALID", "INDETERMINATE")
MAX_TEXT = 500  # characters of one field: a search is words, not a file


def _filters(form: dict, errors: list[tuple[str, str]]):
    from archive.db.queries import Filters
    from archive.lang import parse_date

    dates = {}
    for key in DATES:
        if form[key]:
            try:
                dates[key] = parse_date(form[key])
            except ValueError:
                errors.append((f"'{form[key]}' không phải ngày (dd/mm/yyyy)", f"'{form[key]}' is not a date (dd/mm/yyyy)"))
    verdict = form["verdict"].upper() if form["verdict"].upper() in VERDICTS else None
    if form["verdict"] and verdict is None:
        errors.append((f"không có kết luận '{form['verdict']}'", f"no such verdict '{form['verdict']}'"))
    return Filters(verdict=verdict, signer=form["signer"] or None, agency=form["agency"] or None,
                   type_name=form["type"] or None, number=form["number"] or None, text=form["q"] or None,
                   issued_from=dates.get("issued_from"), issued_to=dates.get("issued_to"),
                   received_from=dates.get("received_from"), received_to=dates.get("received_to"))


@router.get("/search")
def search(request: Request, who=Depends(page("read"))):
    from archive.db.limits import FilterError
    from archive.db.queries import document_summary, list_documents

    params = request.query_params
    form = {key: (params.get(key) or "").strip()[:MAX_TEXT] for key in FIELDS}
    try:
        number = max(1, min(MAX_PAGE, int(params.get("page") or 1)))
    except ValueError:
        number = 1
    errors: list[tuple[str, str]] = []
    filters = _filters(form, errors)
    rows, more = [], False
    if not errors:
        with request.app.state.archive.sessions() as s:
            try:
                docs = list_documents(s, filters, limit=PAGE + 1, offset=(number - 1) * PAGE)
            except FilterError as exc:  # longer than any column, or not text a database keeps
                errors.append((exc.text("vi"), exc.text("en")))
                docs = []
            more = len(docs) > PAGE
            rows = [document_summary(s, d) for d in docs[:PAGE]]
    kept = {k: v for k, v in form.items() if v}

    def page_link(n: int) -> str:
        return "/search?" + urlencode({**kept, "page": n})

    return show(request, "search.html", status=422 if errors else 200, form=form, rows=rows, page=number, more=more,
                errors=errors, page_link=page_link, verdicts=VERDICTS, searched=bool(kept))
