"""The case list and the case page; every change is a POST to one service."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.forms import Form
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from oneroof.audit import services as audit
from oneroof.core.types import AuthenticatedRequest
from oneroof.families.access import CASE_ROLES, access_for_family
from oneroof.organisation.permissions import active_role

from . import forms, permissions, services
from .models import Case
from .queries import case_list_for, get_case_for

PAGE_SIZE = 50


def _require_case_role(request: AuthenticatedRequest) -> None:
    """The section is for case work; other roles (EU officer, DPO, …) are refused."""
    if active_role(request.user) not in CASE_ROLES:
        raise PermissionDenied


@require_GET
def case_list(request: AuthenticatedRequest) -> HttpResponse:
    _require_case_role(request)
    case_filter = forms.CaseFilter(
        request.GET or None, queryset=case_list_for(request.user), user=request.user
    )
    page = Paginator(case_filter.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "cases/case_list.html",
        {"filter": case_filter, "page": page, "query": query.urlencode()},
    )


def _can(user: Any, case: Case) -> dict[str, bool]:
    is_open = case.status != Case.Status.CLOSED
    return {
        "can_change_status": is_open and permissions.can_change_case_status(user, case),
        "can_assign": is_open and permissions.can_assign_case_manager(user, case),
        "can_manage_team": is_open and permissions.can_manage_case_team(user, case),
        "can_reopen": not is_open and permissions.can_reopen_case(user, case),
    }


@require_GET
def case_detail(request: AuthenticatedRequest, case_id: int) -> HttpResponse:
    _require_case_role(request)
    case = get_case_for(request.user, case_id)
    audit.record_view(
        actor=request.user, action="cases.case_viewed", target=case, target_label=case.number
    )
    can = _can(request.user, case)
    context: dict[str, Any] = {
        "case": case,
        "access": access_for_family(request.user, case.family),
        "events": list(case.events.all()),
        "team": list(case.team.all()),
        **can,
    }
    if can["can_change_status"]:
        context["status_form"] = forms.StatusForm(case=case)
        context["close_form"] = forms.CloseForm(case=case)
    if can["can_assign"]:
        context["assign_form"] = forms.AssignCaseManagerForm(case=case)
    if can["can_manage_team"]:
        context["add_member_form"] = forms.AddTeamMemberForm(case=case)
    if can["can_reopen"]:
        context["reopen_form"] = forms.ReopenForm()
    return render(request, "cases/case_detail.html", context)


def _post(
    request: AuthenticatedRequest,
    case_id: int,
    *,
    allowed: Callable[[Any, Case], bool],
    form_class: Callable[..., Form],
    act: Callable[[Case, dict[str, Any]], object],
    done: str,
) -> HttpResponse:
    """Fetch the case (404 outside scope), check permission (403), validate the form, call
    the service; errors come back as messages on the case page."""
    _require_case_role(request)
    case = get_case_for(request.user, case_id)
    if not allowed(request.user, case):
        raise PermissionDenied
    form = form_class(request.POST, case=case)
    if not form.is_valid():
        for field_errors in form.errors.values():
            for message in field_errors:
                messages.error(request, str(message))
        return redirect("cases:detail", case_id=case.pk)
    try:
        act(case, form.cleaned_data)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, done % {"number": case.number})
    return redirect("cases:detail", case_id=case.pk)


@require_POST
def case_status(request: AuthenticatedRequest, case_id: int) -> HttpResponse:
    return _post(
        request,
        case_id,
        allowed=permissions.can_change_case_status,
        form_class=forms.StatusForm,
        act=lambda case, data: services.change_status(
            actor=request.user,
            case=case,
            to_status=data["to_status"],
            reason=data["reason"],
            expected_version=data["version"],
        ),
        done=_("Case %(number)s: status changed."),
    )


@require_POST
def case_close(request: AuthenticatedRequest, case_id: int) -> HttpResponse:
    return _post(
        request,
        case_id,
        allowed=permissions.can_change_case_status,
        form_class=forms.CloseForm,
        act=lambda case, data: services.close_case(
            actor=request.user,
            case=case,
            reason=data["reason"],
            summary=data["summary"],
            expected_version=data["version"],
        ),
        done=_("Case %(number)s is closed."),
    )


def _reopen_form(data: Any, *, case: Case) -> Form:
    return forms.ReopenForm(data)


@require_POST
def case_reopen(request: AuthenticatedRequest, case_id: int) -> HttpResponse:
    return _post(
        request,
        case_id,
        allowed=permissions.can_reopen_case,
        form_class=_reopen_form,
        act=lambda case, data: services.reopen_case(
            actor=request.user, case=case, reason=data["reason"]
        ),
        done=_("Case %(number)s is reopened."),
    )


@require_POST
def case_assign(request: AuthenticatedRequest, case_id: int) -> HttpResponse:
    return _post(
        request,
        case_id,
        allowed=permissions.can_assign_case_manager,
        form_class=forms.AssignCaseManagerForm,
        act=lambda case, data: services.assign_case_manager(
            actor=request.user, case=case, case_manager=data["case_manager"]
        ),
        done=_("Case %(number)s: case manager assigned."),
    )


@require_POST
def team_add(request: AuthenticatedRequest, case_id: int) -> HttpResponse:
    return _post(
        request,
        case_id,
        allowed=permissions.can_manage_case_team,
        form_class=forms.AddTeamMemberForm,
        act=lambda case, data: services.add_team_member(
            actor=request.user, case=case, user=data["user"], works_with=data["works_with"]
        ),
        done=_("Case %(number)s: added to the case team."),
    )


@require_POST
def team_remove(request: AuthenticatedRequest, case_id: int) -> HttpResponse:
    return _post(
        request,
        case_id,
        allowed=permissions.can_manage_case_team,
        form_class=forms.RemoveTeamMemberForm,
        act=lambda case, data: services.remove_team_member(
            actor=request.user, case=case, user=data["user"]
        ),
        done=_("Case %(number)s: removed from the case team."),
    )
