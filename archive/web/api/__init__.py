"""The JSON API (/api), described by /api/openapi.json. Each module one resource:

health     is the service up, and what it is (no account needed)
verify     verify an uploaded PDF without archiving it (the report by content negotiation)
documents  search the archive, a document, its verification history, its report, its original
ingest     archive an uploaded PDF
reverify   verify an archived document again
exports    a document's export package and its evidence
quarantine the files set aside and why; their release into the inbox
audit      the audit chain's state, the last fixity check, the latest events
trust      the trust store: CA certificates, CRLs and OCSP responses (its changes are the console's)
Shared: common (language, problems, documents by reference, downloads), negotiate (Accept),
shapes (the bodies, for the description), openapi (the token and roles in the description).
"""

from fastapi import APIRouter

from archive.web.api import audit, documents, exports, health, ingest, quarantine, reverify, trust, verify

router = APIRouter()
for module in (health, verify, documents, ingest, reverify, exports, quarantine, audit, trust):
    router.include_router(module.router)
