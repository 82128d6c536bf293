from __future__ import annotations

from functools import update_wrapper
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import resolve_url
from django.utils.translation import gettext_lazy as _

from .permissions import can_use_admin


class OneRoofAdminSite(admin.AdminSite):
    """Configuration back-office. Only the system-administrator role reaches it; it holds no
    case content (access policy, principle 6) and signs in through the two-factor login."""

    site_header = _("OneRoof — configuration")
    site_title = _("OneRoof configuration")
    index_title = _("Centres, rooms and staff")

    def has_permission(self, request: HttpRequest) -> bool:
        return bool(can_use_admin(request.user))

    def admin_view(self, view: Any, cacheable: bool = False) -> Any:
        inner = super().admin_view(view, cacheable)

        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            # A signed-in member of staff in another role gets a plain "forbidden", not a
            # second login form.
            if request.user.is_authenticated and not self.has_permission(request):
                raise PermissionDenied
            return inner(request, *args, **kwargs)

        return update_wrapper(wrapper, view)

    def login(self, request: HttpRequest, extra_context: object = None) -> HttpResponse:
        if request.user.is_authenticated:
            raise PermissionDenied
        query = urlencode({"next": request.GET.get("next", request.path)})
        return HttpResponseRedirect(f"{resolve_url(settings.LOGIN_URL)}?{query}")
