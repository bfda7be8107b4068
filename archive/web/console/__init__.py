"""The console: server-rendered pages in Vietnamese (English switchable), plain HTML forms, one
stylesheet, no JavaScript build. Each module is one part of the clerk's or auditor's work:

render   templates, the language, the page around every answer, problems as pages
signin   sign-in, sign-out, the language switch
home     what the archive holds now: counts by verdict, the latest arrivals
"""

from fastapi import APIRouter

from archive.web.console import home, signin

router = APIRouter(include_in_schema=False)
for module in (signin, home):
    router.include_router(module.router)
