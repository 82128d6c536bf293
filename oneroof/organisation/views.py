from __future__ import annotations

from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from oneroof.core.access import get_visible_or_404
from oneroof.core.types import AuthenticatedRequest

from . import services
from .middleware import SESSION_KEY
from .queries import get_centre_for, memberships_of


@require_GET
def centre_detail(request: AuthenticatedRequest, centre_id: int) -> HttpResponse:
    centre = get_centre_for(request.user, centre_id)
    return render(request, "organisation/centre_detail.html", {"centre": centre})


@require_POST
def role_switch(request: AuthenticatedRequest) -> HttpResponse:
    membership = get_visible_or_404(memberships_of(request.user), request.POST.get("membership"))
    services.switch_role(actor=request.user, membership=membership)
    request.session[SESSION_KEY] = membership.pk
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = reverse("dashboard:home")
    return HttpResponseRedirect(target)
