"""HTML → PDF with WeasyPrint (stack.md §3.7). Needs Pango (Debian: libpango-1.0-0,
libpangoft2-1.0-0) and the DejaVu fonts (fonts-dejavu-core) for Polish letters.

The document is rendered from a string and may fetch nothing: no file, no network, no data
URL. Whatever it shows is in the HTML (charts as inline SVG), so a name or note that somehow
looked like a URL can never make the server read a file or call out.
"""

from __future__ import annotations

import re

SAFE_FILENAME = re.compile(r"[^A-Za-z0-9_-]+")


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    refuse_all = URLFetcher(allowed_protocols=())
    document = HTML(string=html, url_fetcher=refuse_all)
    pdf: bytes = document.write_pdf()
    return pdf


def safe_filename(stem: str, extension: str = "pdf") -> str:
    """ASCII letters, digits, ``-`` and ``_`` only: "NK/2026/00012" → "NK-2026-00012"."""
    cleaned = SAFE_FILENAME.sub("-", stem).strip("-")[:80] or "document"
    return f"{cleaned}.{extension}"
