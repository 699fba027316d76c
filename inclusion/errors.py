"""Domain errors raised by services; `inclusion.web.errors` turns them into HTTP responses."""

from __future__ import annotations


class DomainError(Exception):
    """`fields` maps a field path to a French message, shown as the error's details."""

    message = "Requête refusée."

    def __init__(self, message: str | None = None, fields: dict[str, str] | None = None) -> None:
        super().__init__(message or self.message)
        self.message = message or self.message
        self.fields = fields or {}

    def __reduce__(self):
        """Pickled whole (a report built in another process raises it there): message, fields and the rest."""
        return _rebuilt, (type(self), dict(vars(self)))


class NotFound(DomainError):
    message = "Ressource introuvable."


class PermissionDenied(DomainError):
    message = "Vous n'avez pas les droits nécessaires pour cette action."


class Conflict(DomainError):
    message = "Cette action entre en conflit avec l'état actuel des données."


class Gone(DomainError):
    """The resource existed but no longer serves (an expired share link): 410."""

    message = "Ce lien a expiré."


class InvalidData(DomainError):
    """Bad input: `fields` maps a field path to a French message."""

    message = "Certaines données sont invalides."

    def __init__(self, fields: dict[str, str], message: str | None = None) -> None:
        super().__init__(message, fields)


class TooManyAttempts(DomainError):
    message = "Trop de tentatives : réessayez plus tard."

    def __init__(self, retry_after_seconds: int, message: str | None = None) -> None:
        super().__init__(message)
        self.retry_after_seconds = retry_after_seconds


class AuthenticationRequired(DomainError):
    message = "Authentification requise."


class Busy(DomainError):
    """The service cannot take this work now (every report process is busy): 503 with Retry-After."""

    message = "Le service calcule déjà d'autres rapports : réessayez dans quelques secondes."

    def __init__(self, retry_after_seconds: int, message: str | None = None) -> None:
        super().__init__(message)
        self.retry_after_seconds = retry_after_seconds


def _rebuilt(kind: type[DomainError], state: dict) -> DomainError:
    error = kind.__new__(kind)
    Exception.__init__(error, state.get("message", kind.message))
    vars(error).update(state)
    return error


def sentences(reasons: list[str]) -> str:
    """Reasons as French sentences one after the other: each starts with a capital and ends with a full stop."""
    return " ".join(
        (reason[:1].upper() + reason[1:]).rstrip() + ("" if reason.rstrip().endswith((".", "?", "!")) else ".")
        for reason in reasons
    )
