"""PDFs from Jinja templates: bundled fonts, no network, rendered off the event loop.

A document's template lives under `templates/pdf/`; its stylesheet and fonts are fetched only from the
templates folder (`templates/pdf/base.css` declares the bundled Inter faces). Any other URL, including
`http(s)://` and files outside `templates/`, is refused, so a learner's name cannot make the renderer
reach the network or read the disk.

User-agent stylesheet: documents are laid out with `templates/pdf/ua.css`, WeasyPrint's HTML 5 rules for
the elements our templates use and nothing else, which makes the style cascade cheaper (see that file).

Font configuration: the app's renders (`render_pdf`, certificates) reuse one WeasyPrint
FontConfiguration per thread, never shared between threads. Measured here, a fresh configuration per
document grew the process by 0.25 MB per document (75.6 MB over 300 one-page documents) and rendered
40 % slower (37.8 against 21.7 ms); a long-running server would have kept growing. Every document
declares the same bundled faces, so nothing of one document's fonts can leak into another's.
`plain_weasyprint_pdf` keeps a fresh configuration per call and WeasyPrint's own stylesheet: it is the
benchmarks' floor.
"""

from __future__ import annotations

import asyncio
import functools
import threading
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import jinja2
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from inclusion.settings import TEMPLATES_DIR

_environment = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)

_MEDIA_TYPES = {
    ".css": "text/css",
    ".otf": "font/otf",
    ".ttf": "font/ttf",
    ".png": "image/png",
    ".svg": "image/svg+xml",
}


class LocalTemplateFetcher(URLFetcher):
    """Serves `file://` URLs inside the templates folder and inline `data:` URIs; refuses everything else."""

    def __init__(self, root: Path = TEMPLATES_DIR) -> None:
        super().__init__(allowed_protocols=("file", "data"))  # data: URIs carry inline images (QR codes)
        self.root = root.resolve()

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        parts = urlsplit(url)
        if parts.scheme == "data":
            return super().fetch(url, headers)
        if parts.scheme != "file":
            raise ValueError(f"ressource externe refusée : {url}")
        path = Path(unquote(parts.path)).resolve()
        if not path.is_relative_to(self.root) or not path.is_file():
            raise ValueError(f"ressource hors des gabarits refusée : {url}")
        media_type = _MEDIA_TYPES.get(path.suffix, "application/octet-stream")
        return URLFetcherResponse(path.as_uri(), path.read_bytes(), {"Content-Type": media_type})


def render_html(template: str, context: dict[str, Any]) -> str:
    return _environment.get_template(template).render(**context)


class _Document(HTML):
    """A page laid out with our light user-agent stylesheet (templates/pdf/ua.css) instead of WeasyPrint's.

    `_ua_stylesheets` is WeasyPrint's own hook (not public API): should a release rename it, documents
    simply fall back to WeasyPrint's stylesheet, which lays them out the same, only slower."""

    def _ua_stylesheets(self, forms: bool = False) -> list[CSS]:
        return [_user_agent_stylesheet()]


@functools.cache
def _user_agent_stylesheet() -> CSS:
    return CSS(filename=str(TEMPLATES_DIR / "pdf" / "ua.css"), url_fetcher=LocalTemplateFetcher())


_thread_fonts = threading.local()


def html_to_pdf(html: str) -> bytes:
    """The PDF bytes of a rendered page; blocking (WeasyPrint is synchronous). Light user-agent stylesheet,
    and this thread's FontConfiguration, reused by its documents (see the module notes)."""
    fonts = getattr(_thread_fonts, "config", None)
    if fonts is None:
        fonts = _thread_fonts.config = FontConfiguration()
    document = _Document(string=html, base_url=TEMPLATES_DIR.as_uri() + "/", url_fetcher=LocalTemplateFetcher())
    return document.write_pdf(font_config=fonts)


def plain_weasyprint_pdf(html: str) -> bytes:
    """The same page rendered straight by WeasyPrint (its own stylesheet, a fresh FontConfiguration):
    the benchmarks' floor, and the reference the tests compare our layout with."""
    document = HTML(string=html, base_url=TEMPLATES_DIR.as_uri() + "/", url_fetcher=LocalTemplateFetcher())
    return document.write_pdf(font_config=FontConfiguration())


def render_pdf_sync(template: str, context: dict[str, Any]) -> bytes:
    return html_to_pdf(render_html(template, context))


async def render_pdf(template: str, context: dict[str, Any]) -> bytes:
    """Renders in a worker thread, so the event loop keeps serving other requests meanwhile."""
    return await asyncio.to_thread(render_pdf_sync, template, context)
