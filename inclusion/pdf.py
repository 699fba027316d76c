"""PDFs from Jinja templates: bundled fonts, no network, rendered off the event loop.

A document's template lives under `templates/pdf/`; its stylesheet and fonts are fetched only from the
templates folder (`templates/pdf/base.css` declares the bundled Inter faces). Any other URL, including
`http(s)://` and files outside `templates/`, is refused, so a learner's name cannot make the renderer
reach the network or read the disk.

Font configuration: the app's renders (`render_pdf`, certificates) reuse one WeasyPrint
FontConfiguration per thread, never shared between threads. Measured here, a fresh configuration per
document grew the process by 0.25 MB per document (75.6 MB over 300 one-page documents) and rendered
40 % slower (37.8 against 21.7 ms); a long-running server would have kept growing. Every document
declares the same bundled faces, so nothing of one document's fonts can leak into another's.
`html_to_pdf` keeps a fresh configuration per call: it is the benchmarks' plain-WeasyPrint floor.
"""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import jinja2
from weasyprint import HTML
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


def html_to_pdf(html: str, fonts: FontConfiguration | None = None) -> bytes:
    """The PDF bytes of a rendered page; blocking (WeasyPrint is synchronous). Without `fonts`, a fresh
    FontConfiguration: the benchmarks' plain-WeasyPrint floor."""
    document = HTML(string=html, base_url=TEMPLATES_DIR.as_uri() + "/", url_fetcher=LocalTemplateFetcher())
    return document.write_pdf(font_config=fonts or FontConfiguration())


_thread_fonts = threading.local()


def html_to_pdf_shared_fonts(html: str) -> bytes:
    """`html_to_pdf` with this thread's FontConfiguration, reused by its documents (see the module notes)."""
    fonts = getattr(_thread_fonts, "config", None)
    if fonts is None:
        fonts = _thread_fonts.config = FontConfiguration()
    return html_to_pdf(html, fonts)


def render_pdf_sync(template: str, context: dict[str, Any]) -> bytes:
    return html_to_pdf_shared_fonts(render_html(template, context))


async def render_pdf(template: str, context: dict[str, Any]) -> bytes:
    """Renders in a worker thread, so the event loop keeps serving other requests meanwhile."""
    return await asyncio.to_thread(render_pdf_sync, template, context)
