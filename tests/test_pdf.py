"""The PDF renderer: bundled fonts, French metadata, and no resource from outside the templates."""

from __future__ import annotations

import http.server
import socketserver
import subprocess
import threading

import pytest

from inclusion import pdf


def pdf_text(document: bytes, tmp_path, tool: str = "pdftotext", *args: str) -> str:
    path = tmp_path / "document.pdf"
    path.write_bytes(document)
    command = [tool, *args, str(path)] + (["-"] if tool == "pdftotext" else [])
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


async def test_pdf_embeds_the_bundled_font_and_french_metadata(tmp_path):
    """A rendered page uses Inter from templates/fonts, with its title and language in the metadata."""
    document = await pdf.render_pdf("pdf/base.html", {"title": "Bordereau d’essai é à ç", "author": "Espace Carnot"})
    assert document.startswith(b"%PDF-")
    assert "Bordereau d’essai é à ç" in pdf_text(document, tmp_path)
    fonts = pdf_text(document, tmp_path, "pdffonts")
    assert "Inter" in fonts and "DejaVu" not in fonts
    info = pdf_text(document, tmp_path, "pdfinfo")
    assert "Title:           Bordereau d’essai é à ç" in info
    assert "Author:          Espace Carnot" in info
    assert "Pages:           1" in info


@pytest.mark.parametrize(
    "url",
    ["http://example.org/tracker.png", "https://example.org/font.otf", "file:///etc/passwd", "ftp://example.org/x"],
)
def test_fetcher_refuses_anything_outside_the_templates(url):
    """Only files under templates/ can be fetched while rendering: no network, no other file."""
    with pytest.raises(ValueError):
        pdf.LocalTemplateFetcher().fetch(url)


def test_fetcher_serves_the_bundled_stylesheet():
    """The shared stylesheet is served from the templates folder."""
    response = pdf.LocalTemplateFetcher().fetch((pdf.TEMPLATES_DIR / "pdf" / "base.css").as_uri())
    assert b"@font-face" in response.read()


def test_a_remote_image_in_a_template_is_not_fetched(tmp_path):
    """An <img> pointing at a live web server renders as nothing: the server never hears from the renderer."""
    requests: list[str] = []

    class Recorder(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (the stdlib's name)
            requests.append(self.path)
            self.send_response(404)
            self.end_headers()

        def log_message(self, *args):
            pass

    with socketserver.TCPServer(("127.0.0.1", 0), Recorder) as server:
        threading.Thread(target=server.serve_forever, daemon=True).start()
        port = server.server_address[1]
        html = pdf.render_html("pdf/base.html", {"title": "Essai", "author": "x"}).replace(
            "</body>", f'<img src="http://127.0.0.1:{port}/leak.png" alt="fuite"></body>'
        )
        document = pdf.html_to_pdf(html)
        server.shutdown()
    assert "Essai" in pdf_text(document, tmp_path)
    assert requests == []


def test_fetcher_serves_inline_data_uris():
    """Inline `data:` images (the certificates' QR codes) are served; they need neither network nor disk."""
    response = pdf.LocalTemplateFetcher().fetch("data:image/svg+xml;charset=utf-8,%3Csvg%2F%3E")
    assert response.read() == b"<svg/>"


def test_documents_rendered_with_shared_fonts_each_embed_the_font(tmp_path):
    """A thread reusing its font configuration still embeds Inter in every document, with the right text."""
    for title in ("Premier document", "Second document"):
        html = pdf.render_html("pdf/base.html", {"title": title, "author": "x"})
        document = pdf.html_to_pdf_shared_fonts(html)
        assert title in pdf_text(document, tmp_path)
        fonts = pdf_text(document, tmp_path, "pdffonts")
        assert "Inter" in fonts and "DejaVu" not in fonts
