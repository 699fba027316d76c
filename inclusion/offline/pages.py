"""`/hors-ligne/`: the page that records sessions without a network, its service worker and its manifest.

The page itself holds no personal data (the service worker may keep it); the learners and the session's CSRF
token come from `/hors-ligne/donnees`, never cached by the service worker, and live in the device's IndexedDB
for `INCLUSION_OFFLINE_HOURS` at most, cleared at logout."""

from __future__ import annotations

from litestar import Request, Response, get
from litestar.response import Template

from inclusion import clock
from inclusion.accounts.guards import STAFF
from inclusion.activities.forms import DURATIONS
from inclusion.assessments.schemas import KIND_LABELS
from inclusion.offline import services
from inclusion.settings import TEMPLATES_DIR
from inclusion.vocabulary import DIGITAL_TOPIC_LABELS
from inclusion.web.params import CurrentCaller
from inclusion.web.templates import page

SERVICE_WORKER = (TEMPLATES_DIR / "static" / "offline-sw.js").read_text(encoding="utf-8")
MANIFEST = """{
  "name": "inclusion — hors ligne",
  "short_name": "inclusion",
  "lang": "fr",
  "start_url": "/hors-ligne/",
  "scope": "/hors-ligne/",
  "display": "standalone",
  "background_color": "#ffffff",
  "theme_color": "#000091",
  "icons": [
    {"src": "/static/icon-192.png", "sizes": "192x192", "type": "image/png"},
    {"src": "/static/icon-512.png", "sizes": "512x512", "type": "image/png"}
  ]
}
"""


@get("/hors-ligne/", include_in_schema=False, opt=STAFF)
async def offline_page(request: Request, caller: CurrentCaller) -> Template:
    """Record individual sessions with no network; they are sent, each once, when it returns."""
    return page(
        request,
        "pages/offline.html",
        topics=DIGITAL_TOPIC_LABELS,
        durations=DURATIONS,
        today=clock.today().isoformat(),
        keep_hours=request.app.state.settings.offline_hours,
    )


@get("/hors-ligne/donnees", include_in_schema=False, opt=STAFF)
async def offline_data(request: Request, caller: CurrentCaller) -> dict:
    """What the device keeps for the day, fetched each time the page opens online."""
    framework = await services.framework_for_device()
    return {
        "user_id": caller.user_id,
        "csrf_token": caller.csrf_token,
        "keep_hours": request.app.state.settings.offline_hours,
        "sites": await services.sites_of(caller),
        "learners": await services.learners_to_keep(caller),
        "framework": framework,
        "previous": await services.previous_levels(caller, framework["framework_code"]),
        "kinds": KIND_LABELS,
    }


@get("/hors-ligne/sw.js", include_in_schema=False, opt={"public": True})
async def service_worker() -> Response[str]:
    """Served from `/hors-ligne/` so that it controls that page only."""
    return Response(SERVICE_WORKER, media_type="text/javascript", headers={"Cache-Control": "no-cache"})


@get("/hors-ligne/manifest.webmanifest", include_in_schema=False, opt={"public": True})
async def manifest() -> Response[str]:
    return Response(MANIFEST, media_type="application/manifest+json")


OFFLINE_PAGES = [offline_page, offline_data, service_worker, manifest]
