"""Safety alerts, the joint-sessions block and overdue diagnoses.

Every view first refuses roles outside case work (403), then fetches through a query already
limited to the user, so an alert or case outside their scope answers 404. Decisions are made by
the services, which check permission again and write the audit events.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import F
from django.forms import Form
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from oneroof.audit import services as audit
from oneroof.cases.models import Case
from oneroof.core.access import get_visible_or_404
from oneroof.core.types import AuthenticatedRequest
from oneroof.families.access import CASE_ROLES, access_for_family
from oneroof.organisation.permissions import active_role, require_role

from . import queries, services
from .forms_alerts import AlertDecisionForm, JointSessionsClearForm
from .models import SafetyAlert

PAGE_SIZE = 50
T = TypeVar("T")


def _add_errors(form: Form, error: ValidationError) -> None:
    """Put a service's ValidationError next to the fields it names (the rest above the form)."""
    if not hasattr(error, "error_dict"):
        for message in error.messages:
            form.add_error(None, message)
        return
    for key, field_messages in error.message_dict.items():
        field = key if key in form.fields else None
        for message in field_messages:
            form.add_error(field, message)


# --- alerts -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RedFlagLine:
    item: str
    text: str
    answer: str


def _in_language(texts: dict[str, T]) -> T:
    return texts.get((get_language() or "pl")[:2]) or texts["pl"]


def red_flag_lines(alert: SafetyAlert) -> list[RedFlagLine]:
    """The raised items, worded as in the instrument version that was administered."""
    definition = alert.administration.version.definition
    items = {item["id"]: item for item in definition["items"]}
    lines = []
    for flag in alert.red_flags:
        answer = str(flag["answer"])
        item = items.get(flag["item"])
        if item is None:  # a version never changes, so this is only a damaged row
            lines.append(RedFlagLine(flag["item"], flag["item"], answer))
            continue
        scale = definition["scales"][item["scale"]]
        values = [str(value) for value in scale["values"]]
        labels = _in_language(scale["labels"])
        label = labels[values.index(answer)] if answer in values else answer
        lines.append(RedFlagLine(item["id"], _in_language(item["text"]), label))
    return lines


@require_GET
def alert_list(request: AuthenticatedRequest) -> HttpResponse:
    require_role(request.user, CASE_ROLES)
    alerts = queries.alerts_visible_to(request.user).order_by(
        F("decided_at").desc(nulls_first=True), "-raised_at", "-pk"
    )
    page = Paginator(alerts, PAGE_SIZE).get_page(request.GET.get("page"))
    decides = active_role(request.user) in services.ALERT_DECIDING_ROLES
    return render(request, "assessment/alert_list.html", {"page": page, "decides": decides})


@require_http_methods(["GET", "POST"])
def alert_detail(request: AuthenticatedRequest, alert_id: int) -> HttpResponse:
    require_role(request.user, CASE_ROLES)
    alert = get_visible_or_404(
        queries.alerts_visible_to(request.user).select_related(
            "case__family", "administration__version", "administration__person"
        ),
        alert_id,
    )
    may_decide = services.can_decide_alert(request.user, alert)
    form: AlertDecisionForm | None = None
    if request.method == "POST":
        if not may_decide:
            raise PermissionDenied
        form = AlertDecisionForm(request.POST)
        if form.is_valid():
            try:
                data = form.cleaned_data
                services.decide_alert(
                    actor=request.user,
                    alert=alert,
                    safety_plan_made=data["safety_plan_made"],
                    blue_card=data["blue_card"],
                    blue_card_reasons=data["blue_card_reasons"],
                    child_referral=data["child_referral"],
                    notes=data["notes"],
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(
                    request,
                    _("The decision on the alert in case %(number)s is recorded.")
                    % {"number": alert.case.number},
                )
                return redirect("assessment:alert", alert.pk)
    elif may_decide and alert.is_open:
        form = AlertDecisionForm()
    access = access_for_family(request.user, alert.case.family)
    sees_result = access.sees_results_of(alert.administration.person_id)
    audit.record_view(
        actor=request.user,
        action="assessment.alert_viewed",
        target=alert,
        target_label=alert.case.number,
    )
    return render(
        request,
        "assessment/alert_detail.html",
        {
            "alert": alert,
            "case": alert.case,
            "administration": alert.administration,
            "sees_result": sees_result,
            "red_flags": red_flag_lines(alert) if sees_result else [],
            "form": form,
            "show_form": form is not None and alert.is_open,
        },
    )


# --- joint sessions ---------------------------------------------------------------------------


@require_POST
def joint_sessions_clear(request: AuthenticatedRequest, case_id: int) -> HttpResponse:
    require_role(request.user, CASE_ROLES)
    case = queries.get_case_for(request.user, case_id)
    form = JointSessionsClearForm(request.POST)
    if not form.is_valid():
        for message in form.errors.get("reason", []):
            messages.error(request, str(message))
        return redirect("assessment:case", case.pk)
    try:
        services.clear_joint_sessions_block(
            actor=request.user, case=case, reason=form.cleaned_data["reason"]
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("Joint couple and family sessions may be planned again in case %(number)s.")
            % {"number": case.number},
        )
    return redirect("assessment:case", case.pk)


# --- overdue diagnoses ------------------------------------------------------------------------


@dataclass(frozen=True)
class OverdueRow:
    case: Case
    days_since_contact: int


def _overdue_rows(cases: Any, today: date) -> list[OverdueRow]:
    return [OverdueRow(case, (today - case.first_contact_on).days) for case in cases]


@require_GET
def overdue_list(request: AuthenticatedRequest) -> HttpResponse:
    require_role(request.user, CASE_ROLES)
    today = timezone.localdate()
    cases = queries.overdue_diagnoses(request.user, today).order_by("first_contact_on", "pk")
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "assessment/overdue_list.html",
        {"page": page, "rows": _overdue_rows(page, today), "today": today},
    )
