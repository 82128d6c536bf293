"""Writes of the staged support plan: stages, goals, planned forms of help, submit, approve.

The case's own case manager writes the plan; the clinical lead of the owning centre approves
it (with a comment). Each submit stores a ``PlanRevision`` snapshot; editing an approved plan
starts a new revision (back to draft). A goal's edit is compare-and-set on ``Goal.version``:
a change based on a stale copy is refused with ``StaleEditError`` and a diff, never silently
applied. The audit trail records what was changed (ids, versions), never the plan's text or
person names. A closed case is read-only.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from oneroof.accounts.models import User
from oneroof.audit import services as audit
from oneroof.core.errors import StaleEditError, refusal
from oneroof.families.access import access_for_family
from oneroof.families.models import FamilyMember, Person
from oneroof.organisation.models import Institution, Membership, Role

from . import permissions
from .models import Case, CaseEvent, Goal, PlannedHelp, PlanRevision, PlanStage, SupportPlan
from .services import lock_open_case

PlanStatus = SupportPlan.Status
ACCEPTED_RECOMMENDATION_STATUSES = ("accepted", "edited")
MAX_TEXT = 2000


def accepted_recommendations(actor: Any, case: Case) -> list[Any]:
    """The case's accepted (or accepted-with-changes) NORR recommendations the actor may see.
    By app label, not import: assessment builds on cases, not the other way round."""
    recommendation = apps.get_model("assessment", "Recommendation")
    access = access_for_family(actor, case.family)
    return list(
        recommendation.objects.filter(
            case=case,
            status__in=ACCEPTED_RECOMMENDATION_STATUSES,
            administration__person_id__in=access.diagnosis_person_ids,
        )
        .select_related("administration__version")
        .order_by("pk")
    )


def recommendation_persons(recommendation_ids: Iterable[int | None]) -> dict[int, int]:
    """NORR recommendation id → the person whose diagnosis proposed it, so a form of help
    taken from it stays behind that person's wall. One query (none for no ids)."""
    ids = {pk for pk in recommendation_ids if pk is not None}
    if not ids:
        return {}
    recommendation = apps.get_model("assessment", "Recommendation")
    return dict(
        recommendation.objects.filter(pk__in=ids).values_list("pk", "administration__person_id")
    )


# --- helpers --------------------------------------------------------------------------------


def _text(value: str, field: str, message: str) -> str:
    value = value.strip()
    if not value:
        raise refusal(message, code="required", field=field)
    if len(value) > MAX_TEXT:
        raise refusal(
            _("At most %(max)d characters.") % {"max": MAX_TEXT}, code="max_length", field=field
        )
    return value


def _audit(*, actor: User, case: Case, action: str, changes: dict[str, list[Any]]) -> None:
    audit.record(actor=actor, action=action, target=case, target_label=case.number, changes=changes)


def _event(*, actor: User, case: Case, kind: str, note: str = "") -> None:
    event = CaseEvent(case=case, kind=kind, actor=actor, note=note)
    event.full_clean()
    event.save()


def _writable(actor: User, plan: SupportPlan) -> tuple[Case, SupportPlan]:
    """Lock the case and the plan; the actor must be allowed to edit; the case open."""
    case = lock_open_case(plan.case)
    if not permissions.can_edit_plan(actor, case):
        raise PermissionDenied
    return case, SupportPlan.objects.select_for_update().get(pk=plan.pk)


def _changed(plan: SupportPlan) -> dict[str, list[Any]]:
    """Any edit raises the plan's version; an approved (or submitted) plan goes back to
    draft, and an approved one starts a new revision."""
    before = (plan.status, plan.revision)
    if plan.status == PlanStatus.APPROVED:
        plan.revision += 1
        plan.approved_by = None
        plan.approved_at = None
        plan.approval_comment = ""
    plan.status = PlanStatus.DRAFT
    plan.version += 1
    plan.save()
    changes: dict[str, list[Any]] = {}
    if before[0] != plan.status:
        changes["status"] = [before[0], plan.status]
    if before[1] != plan.revision:
        changes["revision"] = [before[1], plan.revision]
    return changes


def _family_person_ids(case: Case) -> set[int]:
    return set(FamilyMember.objects.filter(family=case.family).values_list("person_id", flat=True))


def _staff_of(case: Case, user: User, field: str) -> None:
    if not Membership.objects.active().filter(user=user, centre_id=case.centre_id).exists():
        raise refusal(_("Choose staff of this centre."), code="not_staff", field=field)


# --- services -------------------------------------------------------------------------------


@transaction.atomic
def create_plan(*, actor: User, case: Case) -> SupportPlan:
    case = lock_open_case(case)
    if not permissions.can_edit_plan(actor, case):
        raise PermissionDenied
    if SupportPlan.objects.filter(case=case).exists():
        raise refusal(_("This case already has a support plan."), code="exists")
    plan = SupportPlan.objects.create(case=case, author=actor)
    _audit(actor=actor, case=case, action="cases.plan_created", changes={"plan": [None, plan.pk]})
    return plan


@transaction.atomic
def add_stage(
    *, actor: User, plan: SupportPlan, name: str, review_on: date | None = None
) -> PlanStage:
    case, plan = _writable(actor, plan)
    name = _text(name, "name", _("Name the stage."))[:120]
    order = (plan.stages.aggregate(last=Max("order"))["last"] or 0) + 1
    stage = PlanStage(plan=plan, order=order, name=name, review_on=review_on)
    stage.full_clean()
    stage.save()
    changes = _changed(plan)
    _audit(
        actor=actor,
        case=case,
        action="cases.plan_stage_added",
        changes={"stage": [None, stage.pk], "name": [audit.MASK, audit.MASK], **changes},
    )
    return stage


@transaction.atomic
def add_goal(
    *,
    actor: User,
    stage: PlanStage,
    description: str,
    target_date: date,
    responsible: User,
    concerns: Iterable[Person] = (),
) -> Goal:
    case, plan = _writable(actor, stage.plan)
    description = _text(description, "description", _("Describe the goal."))
    persons = list(concerns)
    if {person.pk for person in persons} - _family_person_ids(case):
        raise refusal(_("Choose members of this family."), code="concerns", field="concerns")
    _staff_of(case, responsible, "responsible")
    goal = Goal(
        stage=stage, description=description, target_date=target_date, responsible=responsible
    )
    goal.full_clean()
    goal.save()
    goal.concerns.set(persons)
    changes = _changed(plan)
    _audit(
        actor=actor,
        case=case,
        action="cases.plan_goal_added",
        changes={
            "goal": [None, goal.pk],
            "concerns": [None, sorted(person.pk for person in persons)],
            "description": [audit.MASK, audit.MASK],
            **changes,
        },
    )
    return goal


def _stale_goal(current: Goal, submitted: str) -> StaleEditError:
    return StaleEditError(
        current=current,
        saved=current.description,
        submitted=submitted,
        message=_("Someone else changed this goal meanwhile; your changes were not saved."),
    )


@transaction.atomic
def edit_goal(
    *, actor: User, goal: Goal, description: str, target_date: date, expected_version: int
) -> Goal:
    """Compare-and-set on ``Goal.version``: an edit based on an older version is refused with
    ``StaleEditError`` (the message and a diff); nothing of it is saved."""
    case, plan = _writable(actor, goal.stage.plan)
    current = Goal.objects.select_for_update().get(pk=goal.pk)
    if current.version != expected_version:
        raise _stale_goal(current, description)
    description = _text(description, "description", _("Describe the goal."))
    updated = Goal.objects.filter(pk=current.pk, version=expected_version).update(
        description=description, target_date=target_date, version=F("version") + 1
    )
    if updated != 1:  # pragma: no cover - the row lock makes this the belt to the braces
        raise _stale_goal(current, description)
    current.refresh_from_db()
    changes = _changed(plan)
    _audit(
        actor=actor,
        case=case,
        action="cases.plan_goal_edited",
        changes={
            "goal": [current.pk, current.pk],
            "version": [expected_version, current.version],
            "description": [audit.MASK, audit.MASK],
            **changes,
        },
    )
    return current


@transaction.atomic
def add_planned_help(
    *,
    actor: User,
    stage: PlanStage,
    responsible: User,
    description: str = "",
    provider: Institution | None = None,
    from_recommendation: Any = None,
) -> PlannedHelp:
    """A form of help added by hand (``description`` and ``provider``) or taken from an
    accepted NORR recommendation of this case (its text; provider = the institution whose
    code the recommendation names)."""
    case, plan = _writable(actor, stage.plan)
    recommendation: Any = None
    if from_recommendation is not None:
        allowed = {rec.pk: rec for rec in accepted_recommendations(actor, case)}
        recommendation = allowed.get(from_recommendation.pk)
        if recommendation is None:
            raise refusal(
                _("Choose an accepted recommendation of this case."),
                code="recommendation",
                field="from_recommendation",
            )
        description = recommendation.display_text
        provider = Institution.objects.filter(code=recommendation.provider).first()
        if provider is None:
            raise refusal(
                _("The recommendation names no institution; add the form of help by hand."),
                code="provider",
                field="from_recommendation",
            )
    description = _text(description, "description", _("Describe the form of help."))[:300]
    if provider is None:
        raise refusal(_("Choose the providing institution."), code="required", field="provider")
    _staff_of(case, responsible, "responsible")
    help_ = PlannedHelp(
        stage=stage,
        description=description,
        provider=provider,
        from_recommendation=recommendation,
        responsible=responsible,
    )
    help_.full_clean()
    help_.save()
    changes = _changed(plan)
    _audit(
        actor=actor,
        case=case,
        action="cases.plan_help_added",
        changes={
            "help": [None, help_.pk],
            "provider": [None, provider.code],
            "recommendation": [None, help_.from_recommendation_id],
            **changes,
        },
    )
    return help_


def _stage_text(name: str, review_on: date | None) -> str:
    return f"{name}\n{review_on.isoformat() if review_on else '-'}"


@transaction.atomic
def edit_stage(
    *,
    actor: User,
    stage: PlanStage,
    name: str,
    review_on: date | None,
    expected_version: int,
) -> PlanStage:
    """Rename a stage or move its review date; compare-and-set on ``PlanStage.version``."""
    case, plan = _writable(actor, stage.plan)
    current = PlanStage.objects.select_for_update().get(pk=stage.pk)
    if current.version != expected_version:
        raise StaleEditError(
            current=current,
            saved=_stage_text(current.name, current.review_on),
            submitted=_stage_text(name, review_on),
            message=_("Someone else changed this stage meanwhile; your changes were not saved."),
        )
    current.name = _text(name, "name", _("Name the stage."))[:120]
    current.review_on = review_on
    current.version += 1
    current.full_clean()
    current.save()
    changes = _changed(plan)
    _audit(
        actor=actor,
        case=case,
        action="cases.plan_stage_edited",
        changes={
            "stage": [current.pk, current.pk],
            "version": [expected_version, current.version],
            "name": [audit.MASK, audit.MASK],
            **changes,
        },
    )
    return current


def _refuse_stale_removal(current: Any, expected_version: int, saved: str) -> None:
    if current.version != expected_version:
        raise StaleEditError(
            current=current,
            saved=saved,
            submitted=saved,
            message=_(
                "Someone else changed this part of the plan meanwhile; nothing was removed. "
                "Check the current version and decide again."
            ),
        )


@transaction.atomic
def remove_stage(*, actor: User, stage: PlanStage, expected_version: int) -> None:
    """Only an empty stage is removed, so no goal or form of help goes with it unnoticed;
    the stages after it move up one place. Submitted revisions keep it in the history."""
    case, plan = _writable(actor, stage.plan)
    current = PlanStage.objects.select_for_update().get(pk=stage.pk)
    _refuse_stale_removal(current, expected_version, _stage_text(current.name, current.review_on))
    if current.goals.exists() or current.helps.exists():
        raise refusal(
            _("Remove the stage's goals and forms of help first."), code="stage_not_empty"
        )
    removed_pk, removed_order = current.pk, current.order
    current.delete()
    # Ascending, so each stage moves into the place just freed (``order`` is unique per plan).
    for later in plan.stages.filter(order__gt=removed_order).order_by("order"):
        later.order -= 1
        later.save(update_fields=["order"])
    changes = _changed(plan)
    _audit(
        actor=actor,
        case=case,
        action="cases.plan_stage_removed",
        changes={"stage": [removed_pk, None], **changes},
    )


def _remove_item(actor: User, item: Goal | PlannedHelp, expected_version: int, key: str) -> None:
    """Remove a goal or a form of help, unless it changed since the user saw it."""
    case, plan = _writable(actor, item.stage.plan)
    current = type(item).objects.select_for_update().get(pk=item.pk)
    _refuse_stale_removal(current, expected_version, current.description)
    removed_pk = current.pk
    current.delete()
    changes = _changed(plan)
    _audit(
        actor=actor,
        case=case,
        action=f"cases.plan_{key}_removed",
        changes={key: [removed_pk, None], **changes},
    )


@transaction.atomic
def remove_goal(*, actor: User, goal: Goal, expected_version: int) -> None:
    _remove_item(actor, goal, expected_version, "goal")


@transaction.atomic
def remove_planned_help(*, actor: User, help_: PlannedHelp, expected_version: int) -> None:
    _remove_item(actor, help_, expected_version, "help")


def snapshot(plan: SupportPlan) -> dict[str, Any]:
    """The whole plan as data (stored in ``PlanRevision``, not in the audit trail)."""
    stages = plan.stages.prefetch_related("goals__concerns", "helps__provider")
    return {
        "revision": plan.revision,
        "stages": [
            {
                "id": stage.pk,
                "order": stage.order,
                "name": stage.name,
                "review_on": stage.review_on.isoformat() if stage.review_on else None,
                "goals": [
                    {
                        "id": goal.pk,
                        "description": goal.description,
                        "target_date": goal.target_date.isoformat(),
                        "concerns": sorted(person.pk for person in goal.concerns.all()),
                        "responsible": goal.responsible_id,
                        "version": goal.version,
                    }
                    for goal in stage.goals.all()
                ],
                "helps": [
                    {
                        "id": help_.pk,
                        "description": help_.description,
                        "provider": help_.provider.code,
                        "recommendation": help_.from_recommendation_id,
                        "responsible": help_.responsible_id,
                    }
                    for help_ in stage.helps.all()
                ],
            }
            for stage in stages
        ],
    }


@transaction.atomic
def submit_plan(*, actor: User, plan: SupportPlan) -> SupportPlan:
    """The case manager submits the plan for approval; its snapshot goes into the history."""
    case, plan = _writable(actor, plan)
    if plan.status != PlanStatus.DRAFT:
        raise refusal(_("Only a draft plan can be submitted."), code="status")
    if not plan.stages.filter(goals__isnull=False).exists():
        raise refusal(_("Add at least one goal before submitting the plan."), code="empty")
    plan.status = PlanStatus.SUBMITTED
    _save_revision(
        actor,
        case,
        plan,
        CaseEvent.Kind.PLAN_SUBMITTED,
        _("Revision %(revision)d submitted for approval") % {"revision": plan.revision},
    )
    _audit(
        actor=actor,
        case=case,
        action="cases.plan_submitted",
        changes={"status": [PlanStatus.DRAFT, plan.status], "revision": [None, plan.revision]},
    )
    return plan


def _save_revision(actor: User, case: Case, plan: SupportPlan, kind: str, summary: str) -> None:
    """Save a submitted or approved plan, keep its snapshot in the history, show it on the
    timeline."""
    plan.version += 1
    plan.save()
    PlanRevision.objects.create(
        plan=plan,
        revision=plan.revision,
        snapshot=snapshot(plan),
        changed_by=actor,
        summary=summary,
        approved=kind == CaseEvent.Kind.PLAN_APPROVED,
    )
    _event(actor=actor, case=case, kind=kind)


@transaction.atomic
def approve_plan(*, actor: User, plan: SupportPlan, comment: str) -> SupportPlan:
    """The clinical lead of the owning centre approves a submitted plan, with a comment. The
    plan's author may approve their own plan only holding the clinical-lead role there."""
    case = lock_open_case(plan.case)
    if not permissions.can_approve_plan(actor, case):
        raise PermissionDenied
    plan = SupportPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.author_id == actor.pk and not (
        Membership.objects.active()
        .filter(user=actor, centre_id=case.centre_id, role=Role.CLINICAL_LEAD)
        .exists()
    ):
        raise PermissionDenied(_("You may not approve your own plan."))
    if plan.status != PlanStatus.SUBMITTED:
        raise refusal(_("Only a submitted plan can be approved."), code="status")
    comment = _text(comment, "comment", _("Write a comment on the approval."))
    plan.status = PlanStatus.APPROVED
    plan.approved_by = actor
    plan.approved_at = timezone.now()
    plan.approval_comment = comment
    _save_revision(
        actor,
        case,
        plan,
        CaseEvent.Kind.PLAN_APPROVED,
        _("Revision %(revision)d approved") % {"revision": plan.revision},
    )
    _audit(
        actor=actor,
        case=case,
        action="cases.plan_approved",
        changes={
            "status": [PlanStatus.SUBMITTED, plan.status],
            "revision": [plan.revision, plan.revision],
            "comment": [audit.MASK, audit.MASK],
        },
    )
    return plan
