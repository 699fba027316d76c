"""The one place where errors become HTTP responses: one JSON shape for the API, French pages for browsers."""

from __future__ import annotations

import logging
from urllib.parse import quote

import msgspec
from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.openapi.datastructures import ResponseSpec
from litestar.plugins import ReceiveRoutePlugin
from litestar.response import Redirect, Template
from litestar.routes import BaseRoute, HTTPRoute

from inclusion.errors import (
    AuthenticationRequired,
    Busy,
    Conflict,
    DomainError,
    Gone,
    InvalidData,
    NotFound,
    PermissionDenied,
    TooManyAttempts,
)
from inclusion.logs import redacted_path, request_id
from inclusion.storage import db
from inclusion.web.validation_messages import translate

logger = logging.getLogger("inclusion.errors")

MESSAGES = {
    400: "Requête mal formée : le corps JSON ou le formulaire est illisible.",
    401: "Authentification requise.",
    403: "Vous n'avez pas les droits nécessaires pour cette action.",
    404: "Ressource introuvable.",
    405: "Méthode non autorisée pour cette adresse.",
    409: "Cette action entre en conflit avec l'état actuel des données.",
    410: "Cette ressource n'est plus disponible.",
    413: "Requête trop volumineuse.",
    415: "Type de contenu non pris en charge.",
    422: "Certaines données sont invalides.",
    429: "Trop de requêtes : réessayez plus tard.",
    500: "Erreur interne du serveur. L'incident a été enregistré.",
    503: "Service momentanément indisponible.",
}
TITLES = {
    401: "Connexion requise",
    403: "Accès refusé",
    404: "Page introuvable",
    410: "Lien expiré",
    429: "Trop de tentatives",
    503: "Service occupé",
    500: "Erreur interne",
}
MAX_DETAILS = 50  # per-item errors in one answer; then one line says how many more
_DOMAIN_STATUS: dict[type[DomainError], int] = {
    InvalidData: 422,
    NotFound: 404,
    PermissionDenied: 403,
    Conflict: 409,
    Gone: 410,
    TooManyAttempts: 429,
    Busy: 503,
    AuthenticationRequired: 401,
}


class FieldError(msgspec.Struct):
    field: str
    message: str


class ErrorBody(msgspec.Struct):
    """Every error the service returns, whatever the route."""

    status: int
    message: str
    details: list[FieldError] = msgspec.field(default_factory=list)


def wants_json(request: Request) -> bool:
    path = request.url.path
    if path.startswith(("/api/", "/health", "/schema", "/feedback/")):
        return True
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


def describe(exc: Exception) -> ErrorBody:
    """Status, French message and field details for any exception."""
    if isinstance(exc, DomainError):
        status = next(code for kind, code in _DOMAIN_STATUS.items() if isinstance(exc, kind))
        details = [FieldError(field, message) for field, message in exc.fields.items()]
        return ErrorBody(status, exc.message, _at_most(details))
    if isinstance(exc, ValidationException):
        details = _validation_details(exc.extra)
        if details:
            return ErrorBody(422, MESSAGES[422], _at_most(details))
        return ErrorBody(400, MESSAGES[400])
    if isinstance(exc, HTTPException):
        return ErrorBody(exc.status_code, MESSAGES.get(exc.status_code, "Requête refusée."))
    if isinstance(exc, RecursionError) and "deserializ" in str(exc):  # a JSON body nested thousands deep
        return ErrorBody(400, "Requête mal formée : le corps JSON est imbriqué trop profondément.")
    if db.is_out_of_range_error(exc):
        return ErrorBody(422, "Une valeur de la requête est hors des limites acceptées.")
    if db.is_integrity_error(exc):
        return ErrorBody(409, "Cet enregistrement existe déjà ou dépend d'un autre.")
    if db.is_busy_error(exc):
        return ErrorBody(503, "La base de données est très occupée : réessayez dans un instant.")
    return ErrorBody(500, MESSAGES[500])


def _at_most(details: list[FieldError]) -> list[FieldError]:
    """The first MAX_DETAILS details, then one saying how many were left out."""
    if len(details) <= MAX_DETAILS:
        return details
    more = len(details) - MAX_DETAILS
    plural = "s" if more > 1 else ""
    return [*details[:MAX_DETAILS], FieldError("", f"… et {more} autre{plural} erreur{plural} non détaillée{plural}.")]


def _validation_details(extra: object) -> list[FieldError]:
    if not isinstance(extra, list):
        return []
    details = []
    for item in extra:
        if isinstance(item, dict) and "message" in item:
            field, message = translate(str(item["message"]), str(item.get("key", "")))
            details.append(FieldError(field, message))
    return details


def handle_exception(request: Request, exc: Exception) -> Response:
    body = describe(exc)
    if body.status == 500:
        body.message = f"Erreur interne du serveur. L'incident a été enregistré sous la référence {request_id.get()}."
    if body.status >= 500 and not isinstance(exc, Busy):  # a refusal the service chose is no incident
        logger.exception("Erreur non gérée sur %s %s", request.method, redacted_path(request.url.path), exc_info=exc)
    headers = {}
    if body.status == 503:
        headers["Retry-After"] = "2"
    if isinstance(exc, TooManyAttempts | Busy):
        headers["Retry-After"] = str(exc.retry_after_seconds)
    if wants_json(request):
        return Response(content=body, status_code=body.status, media_type=MediaType.JSON, headers=headers)
    if isinstance(exc, AuthenticationRequired):
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        expired = "&expire=1" if request.scope.get("auth") == "expired" else ""
        return Redirect(f"/login?next={quote(target)}{expired}", status_code=303)
    return Template(
        template_name="errors/error.html",
        context={"error": body, "title": TITLES.get(body.status, "Requête refusée")},
        status_code=body.status,
        headers=headers,
    )


EXCEPTION_HANDLERS = {Exception: handle_exception}

_READ_ERRORS = (400, 401, 403, 404, 422, 503)
_WRITE_ERRORS = (*_READ_ERRORS, 409)


def _error_specs(statuses: tuple[int, ...]) -> dict[int, ResponseSpec]:
    return {
        status: ResponseSpec(data_container=ErrorBody, description=MESSAGES[status], generate_examples=False)
        for status in statuses
    }


class DocumentedErrors(ReceiveRoutePlugin):
    """Each API operation declares, in the OpenAPI document, the errors `handle_exception` answers it with:
    all in the ErrorBody shape (Litestar's own 400 shape is never sent); 409 only where the operation writes."""

    def receive_route(self, route: BaseRoute) -> None:
        if not isinstance(route, HTTPRoute) or not route.path.startswith("/api/"):
            return
        for handler in route.route_handlers:
            writes = bool(handler.http_methods - {"GET", "HEAD", "OPTIONS"})
            handler.responses = {**_error_specs(_WRITE_ERRORS if writes else _READ_ERRORS), **(handler.responses or {})}
