"""The JSON API (/api), described by /api/openapi.json. Each module one resource:

health   is the service up, and what it is (no account needed)
quarantine the files set aside and why; their release into the inbox
audit    the audit chain's state, the last fixity check, the latest events
"""

from fastapi import APIRouter

from archive.web.api import audit, health, quarantine

router = APIRouter()
for module in (health, quarantine, audit):
    router.include_router(module.router)
