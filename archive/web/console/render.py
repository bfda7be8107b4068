"""Pages: the templates (Jinja2, autoescaped: every value a document brought is text, never
markup), the language of the page, and the signed-in account and CSRF token every page's
forms need.

Templates also get `may(action)` (whether the account may take it: links and buttons are shown
only to who may use them; the routes check again), `verdict_words(code)`, `status_words(code)` and `word(key)` (the
CLI's catalogue, archive.cli.words: the same words for the same things), and the filters
`local` (dd/mm/yyyy HH:MM Vietnam time), `local_date` and `plain` (a value a file or a document
brought, its control and invisible characters made visible: a bidi override cannot reverse a
name on the page)."""

from __future__ import annotations

from pathlib import Path

from fastapi import Request
from fastapi.templating import Jinja2Templates

from archive.web.problems import Problem, request_lang

templates = Jinja2Templates(directory=str(Path(__file__).with_name("templates")))


def _plain(value) -> str:
    from archive.textsafe import for_terminal

    return "" if value is None else for_terminal(str(value))


def _local(value) -> str:
    from archive.lang import local

    return local(value)


def _local_date(value) -> str:
    from archive.lang import local_date

    return local_date(value)


templates.env.filters.update(local=_local, local_date=_local_date, plain=_plain)


def verdict_words(code: str | None, lang: str) -> str:
    from archive.cli.words import verdict

    return verdict(code, lang)


def status_words(code: str | None, lang: str) -> str:
    """A layer's status (PASSED, FAILED, INDETERMINATE) in words."""
    from verifier.report.codes import STATUS_TEXT, pick

    pair = STATUS_TEXT.get(code or "")
    return pick(pair, lang) if pair else (code or "")


def word(key: str, lang: str, fallback: str | None = None, **values) -> str:
    """A message of the CLI's catalogue (archive.cli.words.MESSAGES), or `fallback` (else the key)."""
    from archive.cli.words import MESSAGES, say

    if key not in MESSAGES:
        return fallback if fallback is not None else key
    return say(key, lang, **values)


def show(request: Request, name: str, status: int = 200, **context):
    """The page `name` in the asker's language, with who is signed in and the forms' CSRF token."""
    from archive.web.auth import console_who

    lang = request_lang(request)
    found = console_who(request)
    who, csrf = found if found else (None, "")

    def t(vi: str, en: str) -> str:
        return vi if lang == "vi" else en

    def may(action: str) -> bool:
        from archive.web.access import allowed

        return who is not None and allowed(who.roles, action)

    helpers = {"may": may, "verdict_words": lambda code: verdict_words(code, lang),
               "status_words": lambda code: status_words(code, lang),
               "word": lambda key, fallback=None, **values: word(key, lang, fallback, **values)}
    return templates.TemplateResponse(request, name, {"lang": lang, "t": t, "who": who, "csrf": csrf, **helpers,
                                                      **context}, status_code=status)


def problem_page(request: Request, problem: Problem, lang: str | None = None):
    response = show(request, "problem.html", status=problem.status if problem.status >= 400 else 400,
                    problem=problem)
    for key, value in (problem.headers or {}).items():
        response.headers[key] = value
    return response


def framed_report_csp() -> str:
    """The policy of a page that shows a report in a sandboxed srcdoc frame (verify, a document): the console's (archive.web.app.HEADERS) plus the inline styles of
    the report in its frame, which a srcdoc frame takes from the page around it; scripts as before."""
    from archive.web.app import HEADERS

    directives = dict(part.strip().split(" ", 1) for part in HEADERS["Content-Security-Policy"].split(";") if part.strip())
    directives["style-src"] = "'self' 'unsafe-inline'"
    return "; ".join(f"{name} {value}" for name, value in directives.items())
