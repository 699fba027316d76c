from datetime import datetime

from msgspec import Struct


class AuditEntryOut(Struct):
    id: int
    at: datetime
    actor_id: int | None
    actor_email: str
    site_id: int | None
    action: str
    target_type: str
    target_id: int | None
    detail: dict


class AuditPage(Struct):
    items: list[AuditEntryOut]
    total: int
    page: int
    per_page: int
    pages: int
