from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods

from oneroof.audit import services as audit
from oneroof.cases.permissions import requestable_case_ids
from oneroof.core.types import AuthenticatedRequest
from oneroof.organisation.permissions import require_role

from .access import CASE_ROLES
from .queries import families_list_for, get_family_for, search_persons

PAGE_SIZE = 50


@require_http_methods(["GET", "POST"])
def family_list(request: AuthenticatedRequest) -> HttpResponse:
    require_role(request.user, CASE_ROLES)
    # Searches are POSTed: a PESEL or phone number must never end up in a URL, where server
    # logs, browser history and the Referer header would keep it.
    query = request.POST.get("q", "").strip()[:100] if request.method == "POST" else ""
    hits = search_persons(request.user, query) if query else []
    page = Paginator(families_list_for(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    if query:
        # What was searched for may be a PESEL: the event says a search happened, not what.
        audit.record_view(actor=request.user, action="families.searched")
    return render(
        request, "families/family_list.html", {"query": query, "hits": hits, "page": page}
    )


@require_GET
def family_detail(request: AuthenticatedRequest, family_id: int) -> HttpResponse:
    require_role(request.user, CASE_ROLES)
    view = get_family_for(request.user, family_id)
    audit.record_view(
        actor=request.user,
        action="families.family_viewed",
        target=view.family,
        target_label=f"#{view.family.pk}",
    )
    return render(
        request,
        "families/family_detail.html",
        {"view": view, "handover_case_ids": requestable_case_ids(request.user, view.cases)},
    )
