"""PDFs come from templates with the machine's own fonts and the project's static files, nothing else."""

import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.conf import settings
from weasyprint import HTML

from marketplace.core import pdf
from tests.marketplace.core.conftest import poppler

PAGE = "core_tests/two_languages.html"


def embedded_fonts(listing: str) -> list[str]:
    """Font names from pdffonts' table whose "emb" column says yes."""
    rows = listing.splitlines()[2:]
    return [row.split()[0].split("+", 1)[-1] for row in rows if row.split()[-5] == "yes"]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_two_language_page_embeds_the_simplified_chinese_face(test_templates, tmp_path, language):
    document = pdf.render_pdf(PAGE, {"number": "SC-0042", "second_page": True}, language=language)
    assert document.startswith(b"%PDF-")
    fonts = embedded_fonts(poppler("pdffonts", document, tmp_path))
    assert "Noto-Sans-CJK-SC" in fonts
    # Not the Japanese or Korean face, which draw some shared characters differently.
    assert not [f for f in fonts if "CJK-JP" in f or "CJK-KR" in f]
    words = poppler("pdftotext", document, tmp_path)
    assert "Seller: Ningbo Hengtai Precision Machinery Co., Ltd." in words
    assert "卖方：宁波恒泰精密机械有限公司" in words
    assert words.count("Contract SC-0042") == 2  # the footer, on every page
    assert [re.sub(r"\s", "", n) for n in re.findall(r"\d\s*/\s*\d", words)] == ["1/2", "2/2"]


def test_the_language_sets_lang_and_the_translations(test_templates):
    chinese = pdf.render_html(PAGE, {}, language="zh-hans")
    english = pdf.render_html(PAGE, {}, language="en")
    assert '<html lang="zh-CN">' in chinese and "<h1>信用指数</h1>" in chinese
    assert '<html lang="en">' in english and "<h1>Credit index</h1>" in english


class _Counting(BaseHTTPRequestHandler):
    paths: list[str] = []

    def do_GET(self):
        type(self).paths.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "text/css")
        self.end_headers()
        self.wfile.write(b"body { color: red; }")

    def log_message(self, *args):
        pass


@pytest.fixture
def local_server():
    """An HTTP server on the loopback that records what is asked of it."""
    _Counting.paths = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Counting)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", _Counting.paths
    server.shutdown()
    server.server_close()


def test_no_address_in_a_template_is_fetched(test_templates, local_server):
    address, requests = local_server
    html = pdf.render_html(PAGE, {"remote": address}, language="en")
    # The same page through WeasyPrint's own fetcher does ask the server: the check below can fail.
    HTML(string=html, base_url=pdf.BASE_URL).write_pdf()
    assert {"/remote.css", "/remote.png"} <= set(requests)
    requests.clear()
    document = pdf.render_pdf(PAGE, {"remote": address}, language="en")
    assert document.startswith(b"%PDF-")
    assert requests == []


def test_the_fetcher_serves_static_files_and_refuses_the_rest():
    fetcher = pdf.LocalFetcher()
    icon = fetcher.fetch(f"{pdf.BASE_URL}static/img/favicon.svg")
    assert icon.read() == (settings.BASE_DIR / "static" / "img" / "favicon.svg").read_bytes()
    assert icon.content_type == "image/svg+xml"
    assert fetcher.fetch("data:text/plain,hi").read() == b"hi"
    for url in (
        "file:///etc/passwd",
        "http://127.0.0.1/static/img/favicon.svg",
        f"{pdf.BASE_URL}media/secret.pdf",
        f"{pdf.BASE_URL}static/../../marketplace/settings/__init__.py",
        f"{pdf.BASE_URL}static/%2e%2e/%2e%2e/pyproject.toml",
        f"{pdf.BASE_URL}static//etc/passwd",
        f"{pdf.BASE_URL}static/img/missing.png",
    ):
        with pytest.raises(pdf.RefusedURL):
            fetcher.fetch(url)


def test_static_files_come_from_static_root_after_collectstatic(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path
    (tmp_path / "css").mkdir()
    (tmp_path / "css" / "print.abc123.css").write_text("h1 { color: black; }")
    found = pdf.LocalFetcher().fetch(f"{pdf.BASE_URL}static/css/print.abc123.css")
    assert found.read() == b"h1 { color: black; }"


def test_pdf_response_offers_a_safe_file_name():
    response = pdf.pdf_response(b"%PDF-1.7", filename='credit "report"\r\n.pdf')
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="creditreport.pdf"'
    assert response.content == b"%PDF-1.7"
