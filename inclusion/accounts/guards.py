"""Access rules for every route, read from each handler's `opt`: one mechanism, not route by route.

The authentication middleware applies them right after it has identified the caller (a Litestar
guard would cost a copy of the route handler per request).

- anonymous callers get 401 (pages redirect to the login form);
- `opt={"personal_data": True}`: funders get 403, they never receive a name;
- `opt={"roles": {...}}`: other roles get 403.
"""

from __future__ import annotations

from litestar.handlers import BaseRouteHandler
from litestar.types import Scope

from inclusion.errors import AuthenticationRequired, PermissionDenied
from inclusion.scoping import Caller, Role


def require_access(scope: Scope, handler: BaseRouteHandler) -> None:
    if handler.opt.get("public"):
        return
    caller: Caller | None = scope.get("user")
    if caller is None:
        expired = scope.get("auth") == "expired"
        raise AuthenticationRequired("Votre session a expiré : reconnectez-vous." if expired else None)
    if handler.opt.get("personal_data") and caller.role == Role.funder:
        raise PermissionDenied("Un financeur n'a accès à aucune donnée personnelle.")
    roles = handler.opt.get("roles")
    if roles and caller.role not in roles:
        raise PermissionDenied()


PERSONAL = {"personal_data": True}
"""Route opt: returns or changes personal data (funders refused)."""
STAFF = {"personal_data": True, "roles": {Role.admin, Role.coordinator, Role.adviser}}
"""Route opt: personal data that site staff write."""
