"""The JSON API (/api), described by /api/openapi.json. Each module one resource:

health   is the service up, and what it is (no account needed)
"""

from fastapi import APIRouter

from archive.web.api import health

router = APIRouter()
for module in (health,):
    router.include_router(module.router)
