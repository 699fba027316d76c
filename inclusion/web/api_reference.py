"""/schema: a server-rendered API reference (no external script, so the CSP holds)."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.openapi.plugins import OpenAPIRenderPlugin

METHODS = ("get", "post", "put", "patch", "delete")


class ApiReference(OpenAPIRenderPlugin):
    def render(self, request: Request, openapi_schema: dict[str, Any]) -> bytes:
        operations = [
            {"method": method.upper(), "path": path, **operation}
            for path, item in sorted(openapi_schema.get("paths", {}).items())
            for method, operation in item.items()
            if method in METHODS
        ]
        template = request.app.template_engine.get_template("pages/api_reference.html")
        html = template.render(
            schema=openapi_schema,
            operations=operations,
            json_url=self.get_openapi_json_route(request),
            caller=None,
        )
        return html.encode()
