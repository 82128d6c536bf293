from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, object]:
    # django-htmx's {% htmx_script %} reads ``csp_nonce``; django-csp exposes ``CSP_NONCE``.
    return {
        "demo_mode": settings.ONEROOF_DEMO_MODE,
        "csp_nonce": getattr(request, "csp_nonce", ""),
    }
