"""The OpenAPI description (/api/openapi.json) as FastAPI draws it from the routes, plus what
the routes' dependencies say and FastAPI cannot see: the bearer token every route with an
action needs, and which action and roles that is (from archive.web.access, so it cannot drift)."""

from __future__ import annotations

from archive.web.access import ACTIONS
from archive.web.auth import action_of, every_route

SCHEME = {"type": "http", "scheme": "bearer",
          "description": "an API token of an account ('kyso accounts token NAME'); console cookies are not accepted"}


def describe(app) -> None:
    drawn = app.openapi

    def openapi() -> dict:
        if getattr(app.state, "openapi_described", False):
            return app.openapi_schema
        schema = drawn()
        schema.setdefault("components", {}).setdefault("securitySchemes", {})["bearer"] = SCHEME
        for route in every_route(app):
            action = action_of(route)
            if not getattr(route, "include_in_schema", False) or action is None:
                continue
            for method in route.methods or ():
                operation = schema["paths"].get(route.path_format, {}).get(method.lower())
                if operation is None:
                    continue
                operation["security"] = [{"bearer": []}]
                operation["x-kyso-action"] = action
                roles = ", ".join(sorted(ACTIONS[action]))
                operation["description"] = (operation.get("description", "") +
                                            f"\n\nAction '{action}', for the roles: {roles}.").strip()
        app.state.openapi_described = True
        return schema

    app.openapi = openapi
