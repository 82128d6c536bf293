"""The support plan page: build the plan in stages, submit, approve, print for signature.

Each change is a POST to one service in ``plans``; the page comes back with a message, or —
when someone else changed the same item meanwhile — with the item's current version, the
message and a diff (409), and nothing of the stale change saved.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model
from django.forms import Form
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from oneroof.audit import services as audit
from oneroof.core.errors import StaleEditError
from oneroof.core.pages import show_errors, show_form_errors, submit
from oneroof.core.pdf import html_to_pdf, safe_filename
from oneroof.core.types import AuthenticatedRequest
from oneroof.families.access import CASE_ROLES, FamilyAccess, access_for_family
from oneroof.organisation.permissions import require_role

from . import forms, history, permissions, plans, printing
from .models import Case, Goal, PlannedHelp, PlanRevision, PlanStage, SupportPlan
from .queries import get_case_for, plan_of


@dataclass(frozen=True)
class StageRow:
    """A stage as the reader sees it: goals and forms of help about a person behind the
    reader's wall are left out (a goal for the protected mother is not shown to the father's
    therapist)."""

    stage: PlanStage
    goals: list[Goal]
    helps: list[PlannedHelp]
    removable: bool


def _stage_rows(stages: list[PlanStage], access: FamilyAccess) -> list[StageRow]:
    walled = access.walled_person_ids
    diagnosed = plans.recommendation_persons(
        help_.from_recommendation_id for stage in stages for help_ in stage.helps.all()
    )
    return [
        StageRow(
            stage=stage,
            goals=[
                goal
                for goal in stage.goals.all()
                if not {person.pk for person in goal.concerns.all()} & walled
            ],
            helps=[
                help_
                for help_ in stage.helps.all()
                if diagnosed.get(help_.from_recommendation_id or 0) not in walled
            ],
            removable=not stage.goals.all() and not stage.helps.all(),
        )
        for stage in stages
    ]


@dataclass(frozen=True)
class RevisionRow:
    revision: PlanRevision
    changes: list[history.Change]


def _revision_rows(revisions: list[PlanRevision], access: FamilyAccess) -> list[RevisionRow]:
    """The plan's history, newest first, each entry with what changed since the one before
    it — leaving out goals and forms of help about a person behind the reader's wall."""
    walled = access.walled_person_ids
    diagnosed = plans.recommendation_persons(
        help_["recommendation"]
        for revision in revisions
        for stage in revision.snapshot.get("stages", [])
        for help_ in stage["helps"]
    )

    def hidden_goal(goal: Mapping[str, Any]) -> bool:
        return bool(set(goal["concerns"]) & walled)

    def hidden_help(help_: Mapping[str, Any]) -> bool:
        return diagnosed.get(help_["recommendation"] or 0) in walled

    rows = []
    before: dict[str, Any] | None = None
    for revision in reversed(revisions):  # oldest first
        changes = history.plan_changes(
            before, revision.snapshot, hidden_goal=hidden_goal, hidden_help=hidden_help
        )
        rows.append(RevisionRow(revision, changes))
        before = revision.snapshot
    return rows[::-1]


def _plan_context(request: AuthenticatedRequest, case: Case) -> dict[str, Any]:
    """What the plan page shows; audits the read (D6). Whoever sees the case sees the plan."""
    audit.record_view(
        actor=request.user, action="cases.plan_viewed", target=case, target_label=case.number
    )
    plan = plan_of(case)
    can_edit = plan is not None and permissions.can_edit_plan(request.user, case)
    can_approve = (
        plan is not None
        and plan.status == SupportPlan.Status.SUBMITTED
        and permissions.can_approve_plan(request.user, case)
    )
    stages = list(plan.stages.all()) if plan else []
    access = access_for_family(request.user, case.family)
    context: dict[str, Any] = {
        "case": case,
        "plan": plan,
        "stage_rows": _stage_rows(stages, access),
        "revision_rows": _revision_rows(list(plan.revisions.all()), access) if plan else [],
        "can_create": plan is None and permissions.can_edit_plan(request.user, case),
        "can_edit": can_edit,
        "can_submit": can_edit and plan is not None and plan.status == SupportPlan.Status.DRAFT,
        "can_approve": can_approve,
        "approve_form": forms.ApprovePlanForm() if can_approve else None,
    }
    if can_edit:
        context["stage_form"] = forms.StageForm(auto_id="id_new_stage_%s")
        if stages:
            context["goal_form"] = forms.AddGoalForm(
                case=case, access=access, stages=stages, auto_id="id_goal_%s"
            )
            context["help_form"] = forms.AddHelpForm(
                auto_id="id_help_%s",
                case=case,
                stages=stages,
                recommendations=plans.accepted_recommendations(request.user, case),
            )
    if plan is not None and permissions.can_print_plan(request.user, case):
        context["signatories"] = printing.signatories(case, timezone.localdate())
    return context


def _to_plan(case: Case, anchor: str = "") -> HttpResponse:
    response = redirect("cases:plan", case_id=case.pk)
    if anchor:
        response["Location"] += f"#{anchor}"
    return response


def _plan_for(case: Case) -> SupportPlan:
    found = plan_of(case)
    if found is None:
        raise Http404
    return found


@require_GET
def plan(request: AuthenticatedRequest, case_id: int) -> HttpResponse:
    require_role(request.user, CASE_ROLES)
    case = get_case_for(request.user, case_id)
    return render(request, "cases/case_plan.html", _plan_context(request, case))


@require_POST
def plan_create(request: AuthenticatedRequest, case_id: int) -> HttpResponse:
    require_role(request.user, CASE_ROLES)
    case = get_case_for(request.user, case_id)
    if not permissions.can_edit_plan(request.user, case):
        raise PermissionDenied
    try:
        plans.create_plan(actor=request.user, case=case)
    except ValidationError as error:
        show_errors(request, error)
    else:
        messages.success(request, _("The support plan is created."))
    return _to_plan(case)


M = TypeVar("M", bound=Model)


def _item(model: type[M], pk: int, plan: SupportPlan) -> M:
    """A stage, goal or form of help of this plan (404 otherwise)."""
    lookup = {"plan": plan} if model is PlanStage else {"stage__plan": plan}
    found = model._default_manager.filter(pk=pk, **lookup).first()
    if found is None:
        raise Http404
    return found


def _edit(
    request: AuthenticatedRequest,
    case_id: int,
    *,
    form: Callable[[Case, SupportPlan], Form],
    act: Callable[[SupportPlan, dict[str, Any]], object],
    done: str,
    stale_item: tuple[str, int] | None = None,
) -> HttpResponse:
    """The shape of every plan change: the case (404 outside scope), its plan (404), the
    right to edit (403), the form, the service. A stale change renders the page again with
    the item's current state, the message and the diff (409)."""
    require_role(request.user, CASE_ROLES)
    case = get_case_for(request.user, case_id)
    found = _plan_for(case)
    bound = form(case, found)
    if not permissions.can_edit_plan(request.user, case):
        raise PermissionDenied
    if not bound.is_valid():
        show_form_errors(request, bound)
        return _to_plan(case)
    try:
        act(found, bound.cleaned_data)
    except StaleEditError as stale:
        context = _plan_context(request, get_case_for(request.user, case_id))
        kind, item_id = stale_item or ("", 0)
        context["stale"] = {
            "kind": kind,
            "id": item_id,
            "message": stale.messages[0],
            "diff": stale.diff,
            "text": stale.submitted,
            "version": stale.current.version,
        }
        return render(request, "cases/case_plan.html", context, status=409)
    except ValidationError as error:
        show_errors(request, error)
    else:
        messages.success(request, done)
    return _to_plan(case)


@require_POST
def plan_stage_add(request: AuthenticatedRequest, case_id: int) -> HttpResponse:
    def act(plan: SupportPlan, data: dict[str, Any]) -> object:
        return plans.add_stage(
            actor=request.user, plan=plan, name=data["name"], review_on=data["review_on"]
        )

    return _edit(
        request,
        case_id,
        form=lambda case, plan: forms.StageForm(request.POST),
        act=act,
        done=_("The stage is added."),
    )


@require_POST
def plan_stage_edit(request: AuthenticatedRequest, case_id: int, stage_id: int) -> HttpResponse:
    def act(plan: SupportPlan, data: dict[str, Any]) -> object:
        return plans.edit_stage(
            actor=request.user,
            stage=_item(PlanStage, stage_id, plan),
            name=data["name"],
            review_on=data["review_on"],
            expected_version=data["version"],
        )

    return _edit(
        request,
        case_id,
        form=lambda case, plan: forms.EditStageForm(request.POST),
        act=act,
        done=_("The stage is saved."),
        stale_item=("stage", stage_id),
    )


def _remove(
    request: AuthenticatedRequest,
    case_id: int,
    *,
    kind: str,
    item_id: int,
    remove: Callable[[SupportPlan, int], None],
    done: str,
) -> HttpResponse:
    """Remove a plan item, checked against the version the user saw."""

    def act(plan: SupportPlan, data: dict[str, Any]) -> object:
        remove(plan, data["version"])
        return None

    return _edit(
        request,
        case_id,
        form=lambda case, plan: forms.RemoveForm(request.POST),
        act=act,
        done=done,
        stale_item=(kind, item_id),
    )


@require_POST
def plan_stage_remove(request: AuthenticatedRequest, case_id: int, stage_id: int) -> HttpResponse:
    return _remove(
        request,
        case_id,
        kind="stage",
        item_id=stage_id,
        remove=lambda plan, version: plans.remove_stage(
            actor=request.user, stage=_item(PlanStage, stage_id, plan), expected_version=version
        ),
        done=_("The stage is removed."),
    )


@require_POST
def plan_goal_add(request: AuthenticatedRequest, case_id: int) -> HttpResponse:
    def form(case: Case, plan: SupportPlan) -> Form:
        access = access_for_family(request.user, case.family)
        return forms.AddGoalForm(
            request.POST, case=case, access=access, stages=list(plan.stages.all())
        )

    def act(plan: SupportPlan, data: dict[str, Any]) -> object:
        return plans.add_goal(
            actor=request.user,
            stage=data["stage"],
            description=data["description"],
            target_date=data["target_date"],
            responsible=data["responsible"],
            concerns=data["concerns"],
        )

    return _edit(request, case_id, form=form, act=act, done=_("The goal is added."))


@require_POST
def plan_goal_edit(request: AuthenticatedRequest, case_id: int, goal_id: int) -> HttpResponse:
    def act(plan: SupportPlan, data: dict[str, Any]) -> object:
        return plans.edit_goal(
            actor=request.user,
            goal=_item(Goal, goal_id, plan),
            description=data["description"],
            target_date=data["target_date"],
            expected_version=data["version"],
        )

    return _edit(
        request,
        case_id,
        form=lambda case, plan: forms.EditGoalForm(request.POST),
        act=act,
        done=_("The goal is saved."),
        stale_item=("goal", goal_id),
    )


@require_POST
def plan_goal_remove(request: AuthenticatedRequest, case_id: int, goal_id: int) -> HttpResponse:
    return _remove(
        request,
        case_id,
        kind="goal",
        item_id=goal_id,
        remove=lambda plan, version: plans.remove_goal(
            actor=request.user, goal=_item(Goal, goal_id, plan), expected_version=version
        ),
        done=_("The goal is removed."),
    )


@require_POST
def plan_help_add(request: AuthenticatedRequest, case_id: int) -> HttpResponse:
    def form(case: Case, plan: SupportPlan) -> Form:
        return forms.AddHelpForm(
            request.POST,
            case=case,
            stages=list(plan.stages.all()),
            recommendations=plans.accepted_recommendations(request.user, case),
        )

    def act(plan: SupportPlan, data: dict[str, Any]) -> object:
        return plans.add_planned_help(
            actor=request.user,
            stage=data["stage"],
            responsible=data["responsible"],
            description=data["description"],
            provider=data["provider"],
            from_recommendation=data["from_recommendation"],
        )

    return _edit(request, case_id, form=form, act=act, done=_("The form of help is added."))


@require_POST
def plan_help_remove(request: AuthenticatedRequest, case_id: int, help_id: int) -> HttpResponse:
    return _remove(
        request,
        case_id,
        kind="help",
        item_id=help_id,
        remove=lambda plan, version: plans.remove_planned_help(
            actor=request.user, help_=_item(PlannedHelp, help_id, plan), expected_version=version
        ),
        done=_("The form of help is removed."),
    )


@require_POST
def plan_submit(request: AuthenticatedRequest, case_id: int) -> HttpResponse:
    def act(plan: SupportPlan, data: dict[str, Any]) -> object:
        return plans.submit_plan(actor=request.user, plan=plan)

    return _edit(
        request,
        case_id,
        form=lambda case, plan: Form(request.POST),
        act=act,
        done=_("The support plan is submitted for approval."),
    )


@require_POST
def plan_approve(request: AuthenticatedRequest, case_id: int) -> HttpResponse:
    require_role(request.user, CASE_ROLES)
    case = get_case_for(request.user, case_id)
    found = _plan_for(case)
    if not permissions.can_approve_plan(request.user, case):
        raise PermissionDenied
    return submit(
        request,
        forms.ApprovePlanForm(request.POST),
        lambda data: plans.approve_plan(actor=request.user, plan=found, comment=data["comment"]),
        done=_("The support plan is approved."),
        back=_to_plan(case),
    )


@require_GET
def plan_pdf(request: AuthenticatedRequest, case_id: int) -> HttpResponse:
    """The plan in force, for one adult of the family to sign (``osoba``): nothing but the
    plan, and nothing about a person the signatory may not be told about."""
    require_role(request.user, CASE_ROLES)
    case = get_case_for(request.user, case_id)
    found = _plan_for(case)
    if not permissions.can_print_plan(request.user, case):
        raise PermissionDenied
    adults = {person.pk: person for person in printing.signatories(case, timezone.localdate())}
    try:
        signatory = adults[int(request.GET.get("osoba", ""))]
    except (KeyError, ValueError):
        raise Http404 from None
    printed = printing.printed_plan(case=case, plan=found, signatory=signatory)
    document = html_to_pdf(render_to_string("cases/plan_pdf.html", {"plan": printed}))
    audit.record(
        actor=request.user,
        action="cases.plan_printed",
        target=case,
        target_label=case.number,
        changes={"signatory": [None, signatory.pk], "revision": [None, printed.revision]},
    )
    response = HttpResponse(document, content_type="application/pdf")
    filename = safe_filename(f"plan-{case.number}-r{printed.revision}")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    patch_cache_control(response, private=True, no_store=True)
    return response
