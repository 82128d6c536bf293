from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from two_factor import views as two_factor_views

from oneroof.audit import services as audit
from oneroof.core.types import AuthenticatedRequest

from . import services


@require_POST
def logout_everywhere(request: AuthenticatedRequest) -> HttpResponse:
    services.end_all_sessions(actor=request.user, user=request.user)
    logout(request)
    messages.success(request, _("You have been signed out on all devices."))
    return redirect("two_factor:login")


class AuditedSetupView(two_factor_views.SetupView):
    """Two-factor enrolment, with the new device written to the audit trail."""

    def done(self, form_list: Any, **kwargs: Any) -> HttpResponse:
        response = super().done(form_list, **kwargs)
        audit.record(
            actor=self.request.user,
            action="accounts.second_factor_enrolled",
            target=self.request.user,
        )
        return response  # type: ignore[no-any-return]


class AuditedBackupTokensView(two_factor_views.BackupTokensView):
    """Backup codes; generating a new set is audited (the codes themselves never are)."""

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        audit.record(
            actor=self.request.user,
            action="accounts.backup_codes_renewed",
            target=self.request.user,
        )
        return response  # type: ignore[no-any-return]
