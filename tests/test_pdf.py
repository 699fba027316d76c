"""The PDF renderer: bundled fonts, French metadata, and no resource from outside the templates."""

from __future__ import annotations

import http.server
import re
import socketserver
import subprocess
import threading
from datetime import date
from pathlib import Path

import pytest
import weasyprint.css as weasyprint_css

from inclusion.certificates import rendering
from inclusion.documents import pdf
from inclusion.vouchers.claim_documents import euros


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
        document = pdf.html_to_pdf(html)
        assert title in pdf_text(document, tmp_path)
        fonts = pdf_text(document, tmp_path, "pdffonts")
        assert "Inter" in fonts and "DejaVu" not in fonts


def test_a_thread_renders_on_once_its_image_cache_is_emptied(tmp_path, monkeypatch):
    """Certificates with their own QR codes keep rendering, whole, past the image cache's bound."""
    monkeypatch.setattr(pdf, "MAX_CACHED_IMAGE_ENTRIES", 4)
    for number in range(6):
        snapshot = dict(rendering.SAMPLE, code=f"INC-0000-0000-0000-000{number}")
        snapshot["verify_url"] = f"http://localhost/verify/{snapshot['code']}"
        document = pdf.html_to_pdf(rendering.certificate_html(snapshot))
        assert snapshot["code"] in pdf_text(document, tmp_path)
        assert "Pages:           1" in pdf_text(document, tmp_path, "pdfinfo")
        assert len(pdf_text(document, tmp_path, "pdfimages", "-list").splitlines()) == 3  # header, rule, QR code


def _elements_named(stylesheet: str) -> set[str]:
    rules = re.sub(r"/\*.*?\*/", "", stylesheet, flags=re.S)
    return set(re.findall(r"(?<![-.#\w@])([a-z][a-z0-9]*)(?=[\s,{>:\[)])", rules))


def test_light_stylesheet_has_weasyprint_rules_for_every_element_our_pdf_templates_use():
    """Every HTML element under templates/pdf/ that WeasyPrint's stylesheet styles is styled in ua.css."""
    ours = _elements_named((pdf.TEMPLATES_DIR / "pdf" / "ua.css").read_text())
    weasyprint = _elements_named((Path(weasyprint_css.__file__).parent / "html5_ua.css").read_text())
    used = {
        tag
        for template in (pdf.TEMPLATES_DIR / "pdf").glob("*.html")
        for tag in re.findall(r"<([a-z][a-z0-9]*)", template.read_text())
    }
    assert {"table", "td", "h1", "strong", "img"} <= used & weasyprint
    assert used & weasyprint <= ours, f"absent de ua.css : {sorted(used & weasyprint - ours)}"


def _claim_html() -> str:
    lines = [
        {"number": f"PN-{i:04d}", "date": date(2026, 3, i + 1), "activity": f"Atelier {i}", "value_cents": 1000}
        for i in range(12)
    ]
    claim = {
        "id": 7, "date_from": date(2026, 3, 1), "date_to": date(2026, 3, 31), "voucher_count": 12,
        "lines": lines, "total_cents": 12000, "paid_on": date(2026, 4, 15), "paid_amount_cents": 12000,
    }  # fmt: skip
    site = {"name": "Espace Carnot", "address": "12 rue Carnot", "postal_code": "62300", "city": "Lens", "siret": ""}
    scheme = {"name": "Pass Lens", "operator": "APTIC", "face_value_cents": 1000}
    context = {"title": "Bordereau", "author": "Espace Carnot", "claim": claim, "site": site, "scheme": scheme}
    context |= {"status": "Payée", "euros": euros, "printed_on": date(2026, 4, 16)}
    return pdf.render_html("pdf/claim.html", context)


def _certificate_html() -> str:
    snapshot = dict(rendering.SAMPLE)
    snapshot["scale"] = [{"level": level, "label": f"Niveau {level}"} for level in range(4)]
    snapshot["competences"] = [
        {"label": f"Compétence {i}", "socle": i % 2 == 0, "entry": i % 3, "latest": min(3, i % 3 + 1)} for i in range(8)
    ]
    snapshot["socle"] = {"total": 6, "assessed": 4, "autonomous": 2, "autonomous_at_entry": 0}
    return rendering.certificate_html(snapshot)


@pytest.mark.parametrize("html", [_certificate_html, _claim_html], ids=["certificate", "bordereau"])
def test_light_stylesheet_lays_out_word_for_word_like_weasyprint(tmp_path, html):
    """A certificate and a bordereau put every word at the same place as with WeasyPrint's own stylesheet."""
    page = html()
    ours = pdf_text(pdf.html_to_pdf(page), tmp_path, "pdftotext", "-bbox")
    reference = pdf_text(pdf.plain_weasyprint_pdf(page), tmp_path, "pdftotext", "-bbox")
    words = re.findall(r"<word [^>]*>[^<]*</word>", ours)
    assert len(words) > 100
    assert words == re.findall(r"<word [^>]*>[^<]*</word>", reference)
