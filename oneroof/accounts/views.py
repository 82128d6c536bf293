from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from oneroof.core.types import AuthenticatedRequest

from . import services


@require_POST
def logout_everywhere(request: AuthenticatedRequest) -> HttpResponse:
    services.end_all_sessions(actor=request.user, user=request.user)
    logout(request)
    messages.success(request, _("You have been signed out on all devices."))
    return redirect("two_factor:login")
