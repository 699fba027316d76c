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

Stylesheets and images: a template's `<link rel="stylesheet">` files are parsed once per thread and handed
to WeasyPrint already parsed (about a tenth of a certificate's render went to parsing the same two files
again), and images are cached per thread (emptied past MAX_CACHED_IMAGE_ENTRIES), so the level scales
that recur from one certificate to the next are decoded and compressed once. A changed stylesheet is read
again after a restart.

`plain_weasyprint_pdf` keeps a fresh configuration per call, WeasyPrint's own stylesheet and the page's
links as they are: it is the benchmarks' floor.
"""

from __future__ import annotations

import asyncio
import functools
import re
import threading
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import jinja2
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from inclusion.settings import TEMPLATES_DIR
from inclusion.vocabulary import accord

_environment = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
_environment.globals["accord"] = accord  # words agreeing with a learner's recorded gender

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


_STYLESHEET_LINK = re.compile(r'<link rel="stylesheet" href="([^"<>]+)">\s*')
MAX_CACHED_IMAGE_ENTRIES = 256
"""WeasyPrint's image cache holds an image and, under their own keys, its decoded and compressed data, which
the image reads back while the PDF is written: entries are dropped all together, between two documents."""
_per_thread = threading.local()


def _thread_state() -> Any:
    """This thread's FontConfiguration, its parsed template stylesheets and its image cache."""
    if getattr(_per_thread, "fonts", None) is None:
        _per_thread.fonts = FontConfiguration()
        _per_thread.stylesheets = {}
        _per_thread.images = {}
    return _per_thread


def _stylesheet(href: str) -> CSS:
    """A template stylesheet, parsed once per thread (its @font-face rules go to the thread's fonts)."""
    state = _thread_state()
    if href not in state.stylesheets:
        url = TEMPLATES_DIR.as_uri() + "/" + href
        state.stylesheets[href] = CSS(url=url, url_fetcher=LocalTemplateFetcher(), font_config=state.fonts)
    return state.stylesheets[href]


def html_to_pdf(html: str) -> bytes:
    """The PDF bytes of a rendered page; blocking (WeasyPrint is synchronous). Light user-agent stylesheet,
    and this thread's FontConfiguration, parsed stylesheets and image cache (see the module notes)."""
    state = _thread_state()
    if len(state.images) > MAX_CACHED_IMAGE_ENTRIES:
        state.images.clear()
    head, end_of_head, body = html.partition("</head>")
    sheets = [_stylesheet(href) for href in _STYLESHEET_LINK.findall(head)]
    page = _STYLESHEET_LINK.sub("", head) + end_of_head + body
    document = _Document(string=page, base_url=TEMPLATES_DIR.as_uri() + "/", url_fetcher=LocalTemplateFetcher())
    return document.write_pdf(font_config=state.fonts, stylesheets=sheets, cache=state.images)


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
