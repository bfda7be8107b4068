"""Pages: the templates (Jinja2, autoescaped: every value a document brought is text, never
markup), the language of the page, and the signed-in account and CSRF token every page's
forms need."""

from __future__ import annotations

from pathlib import Path

from fastapi import Request
from fastapi.templating import Jinja2Templates

from archive.web.problems import Problem, request_lang

templates = Jinja2Templates(directory=str(Path(__file__).with_name("templates")))


def show(request: Request, name: str, status: int = 200, **context):
    """The page `name` in the asker's language, with who is signed in and the forms' CSRF token."""
    from archive.web.auth import console_who

    lang = request_lang(request)
    found = console_who(request)
    who, csrf = found if found else (None, "")

    def t(vi: str, en: str) -> str:
        return vi if lang == "vi" else en

    return templates.TemplateResponse(request, name, {"lang": lang, "t": t, "who": who, "csrf": csrf, **context},
                                      status_code=status)


def problem_page(request: Request, problem: Problem, lang: str | None = None):
    response = show(request, "problem.html", status=problem.status if problem.status >= 400 else 400,
                    problem=problem)
    for key, value in (problem.headers or {}).items():
        response.headers[key] = value
    return response
