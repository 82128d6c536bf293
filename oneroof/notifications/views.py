"""Staff's own notifications. Someone else's notification answers 404."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from oneroof.core.access import get_visible_or_404
from oneroof.core.types import AuthenticatedRequest

from .queries import notifications_of
from .services import mark_read

PAGE_SIZE = 50


@require_GET
def notification_list(request: AuthenticatedRequest) -> HttpResponse:
    page = Paginator(notifications_of(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notifications/notification_list.html", {"page": page})


@require_POST
def notification_read(request: AuthenticatedRequest, notification_id: int) -> HttpResponse:
    notification = get_visible_or_404(notifications_of(request.user), notification_id)
    mark_read(user=request.user, notification=notification)
    # Only a path on this site: a stored URL must never send staff elsewhere.
    url = notification.url
    if url.startswith("/") and url_has_allowed_host_and_scheme(
        url, allowed_hosts=None, require_https=request.is_secure()
    ):
        return HttpResponseRedirect(url)
    return redirect("notifications:list")
