"""`kyso serve`: the archive over HTTP, for clerks in a browser and for the systems around them.

config     ServeConfig: address, TLS, limits, workers (from the command line and kyso.toml [serve])
listen     which addresses may be listened on, and how (loopback, TLS, a reverse proxy)
access     the roles and what each may do: the one table every route is checked against
accounts   accounts, argon2id password hashes, sign-in throttling, API tokens (the CLI and the console)
auth       who is asking (console session cookie or API bearer token), CSRF on the console's forms
pool       warm worker processes that verify and ingest, each request within a time and memory budget
worker     one such process: warmed once, one job at a time, the trust store followed
download   the Content-Disposition of a file named by an uploader (API and console alike)
uploads    an uploaded file taken as untrusted: size limit, PDF by content, a plain name
run        uvicorn: TLS, proxy headers, graceful shut-down
metrics    /metrics in the Prometheus format: verifications, durations, queue depth, documents, answers
problems   an error as HTTP status + JSON or page, in the asker's language, never a traceback
app        the application: middleware, the API and console routers, start-up and shut-down
quarantine the quarantine as the console and the API show it, and its release (an audit event)
audit      the audit chain's state, the last fixity check and the latest events, for both
trust      the trust store as both show it, and an administrator's changes to it (archive.trust.changes)
api/       the JSON API (/api/...), described by its OpenAPI document (/api/openapi.json)
console/   the server-rendered console (/...), templates and one stylesheet, no JavaScript build

The library stays the judge (verifier.document.verify_pdf); this package only moves bytes,
accounts and answers. Every state-changing request is an event of the audit chain naming the account.
"""
