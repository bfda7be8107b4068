"""The console: server-rendered pages in Vietnamese (English switchable), plain HTML forms, one
stylesheet, no JavaScript build. Each module is one part of the clerk's or auditor's work:

render   templates, the language, the page around every answer, problems as pages
signin   sign-in, sign-out, the language switch
home     what the archive holds now: counts by verdict, the latest arrivals
inbox    what arrived and where it went, the files waiting and in process, the watchers, the quarantine and its release
search   free text and filters over the archive, a page at a time
documents one document: summary, report, history, evidence, downloads, re-verification
verify   verify an upload without archiving it; archive an upload
audit    the audit chain, fixity, the latest events and who caused them
trust    the administrator's trust store: CA certificates, CRLs, imports and refreshes
accounts the administrator's accounts: roles, disabling, passwords, API tokens
"""

from fastapi import APIRouter

from archive.web.console import accounts, audit, documents, home, inbox, search, signin, trust, verify

router = APIRouter(include_in_schema=False)
for module in (signin, home, inbox, search, documents, verify, audit, trust, accounts):
    router.include_router(module.router)
