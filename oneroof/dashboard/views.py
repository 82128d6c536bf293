from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from oneroof.core.types import AuthenticatedRequest

from .selectors import home_for


@require_GET
def home(request: AuthenticatedRequest) -> HttpResponse:
    page = home_for(request.user)
    return render(request, page.template, page.context)
