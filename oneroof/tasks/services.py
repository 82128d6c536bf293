"""Writes of tasks: keeping the rule tasks in step with their case, and the tasks added by
hand (add, edit, complete, reopen).

Every service checks permission itself, validates, and writes its audit event in the same
transaction. A closed case is read-only: nothing is added or changed, and its open tasks are
cancelled by ``sync_rule_tasks``. The edit of a manual task is compare-and-set on
``Task.version``: a change based on a stale copy is refused with ``StaleTaskError``, never
written over somebody else's. The audit trail records what changed (ids, dates, statuses),
never a task's title, description or completion note (D6 stays out of the trail).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from oneroof.accounts.models import User
from oneroof.audit import services as audit
from oneroof.cases.models import Case, CaseEvent, PlanRevision, SupportPlan
from oneroof.cases.services import lock_open_case
from oneroof.core.errors import refusal
from oneroof.core.types import AuditContext

from . import permissions, rules
from .models import Task
from .queries import eligible_owners

Status = Task.Status
MAX_TITLE = 200
MAX_TEXT = 2000


class StaleTaskError(ValidationError):
    """The task changed since the editor loaded it; nothing was saved."""

    def __init__(self, *, current: Task) -> None:
        super().__init__(
            _("Someone else changed this task meanwhile; your changes were not saved."),
            code="stale",
        )
        self.current = current


def _audit(*, actor: User, task: Task, action: str, changes: dict[str, list[Any]]) -> None:
    audit.record(
        actor=actor, action=action, target=task, target_label=task.case.number, changes=changes
    )


# --- rule tasks -----------------------------------------------------------------------------


def _stage_reviews(snapshot: dict[str, Any]) -> tuple[date, ...]:
    return tuple(
        date.fromisoformat(stage["review_on"])
        for stage in snapshot.get("stages", [])
        if stage.get("review_on")
    )


def _latest_approval(case: Case) -> rules.PlanApproval | None:
    """The approval that governs the next review. An approved plan: its own. A plan edited
    after an approval (which starts revision + 1, ``cases.plans``): the approval of the
    previous revision, from the revision history, until the next approval."""
    plan = SupportPlan.objects.filter(case=case).first()
    if plan is None:
        return None
    if plan.status == SupportPlan.Status.APPROVED and plan.approved_at is not None:
        reviews = tuple(
            day for day in plan.stages.values_list("review_on", flat=True) if day is not None
        )
        return rules.PlanApproval(plan.revision, timezone.localdate(plan.approved_at), reviews)
    if plan.revision <= 1:
        return None
    approved = (
        PlanRevision.objects.filter(plan=plan, revision=plan.revision - 1)
        .order_by("-changed_at", "-pk")
        .first()
    )
    if approved is None:
        return None
    return rules.PlanApproval(
        approved.revision,
        timezone.localdate(approved.changed_at),
        _stage_reviews(approved.snapshot),
    )


def case_facts(case: Case) -> rules.CaseFacts:
    """What the rules need to know of a case (three small queries)."""
    entered = (
        CaseEvent.objects.filter(
            case=case, kind=CaseEvent.Kind.STATUS_CHANGED, to_status=Case.Status.IN_SUPPORT
        )
        .order_by("occurred_at", "pk")
        .values_list("occurred_at", flat=True)
        .first()
    )
    return rules.CaseFacts(
        status=case.status,
        first_contact_on=case.first_contact_on,
        approval=_latest_approval(case),
        entered_support_on=timezone.localdate(entered) if entered else None,
    )


@transaction.atomic
def sync_rule_tasks(*, case: Case) -> bool:
    """Bring the case's rule tasks in step with its facts; safe to run any number of times.

    Missing rule tasks are created (owner: the case manager, or unassigned); open ones follow
    the due date and the case manager; open ones whose deadline no longer applies are closed
    by the system (done: the case moved on or the plan was approved again; cancelled: the
    case was closed, with its open manual tasks too). A task a person completed stays as it
    is; one the system closed is opened again if its deadline applies again (a reopened
    case). One audit event, by the system, when anything changed. Returns whether it did.
    """
    case = Case.objects.select_for_update().select_related("centre").get(pk=case.pk)
    is_closed = case.status == Case.Status.CLOSED
    wanted = (
        {}
        if is_closed
        else {
            task.rule_key: task
            for task in rules.rule_tasks(
                case_facts(case), review_weeks=settings.ONEROOF_PLAN_REVIEW_WEEKS
            )
        }
    )
    existing = {task.rule_key: task for task in case.tasks.exclude(rule_key="")}
    now = timezone.now()
    changes: dict[str, list[Any]] = {}

    for key, want in wanted.items():
        task = existing.get(key)
        if task is None:
            Task.objects.create(
                case=case,
                kind=want.kind,
                rule_key=key,
                due_on=want.due_on,
                owner_id=case.case_manager_id,
            )
            changes[key] = [None, Status.OPEN]
            continue
        fields: list[str] = []
        if task.status != Status.OPEN and task.completed_by_id is None:
            changes[key] = [task.status, Status.OPEN]
            task.status, task.completed_at = Status.OPEN, None
            fields += ["status", "completed_at"]
        if task.status != Status.OPEN:
            continue  # completed by a person: theirs to reopen
        if task.due_on != want.due_on:
            changes[f"{key}.due_on"] = [task.due_on.isoformat(), want.due_on.isoformat()]
            task.due_on = want.due_on
            fields.append("due_on")
        if task.owner_id != case.case_manager_id:
            changes[f"{key}.owner"] = [task.owner_id, case.case_manager_id]
            task.owner_id = case.case_manager_id
            fields.append("owner")
        if fields:
            task.save(update_fields=fields)

    closing = Status.CANCELLED if is_closed else Status.DONE
    stale = [t for key, t in existing.items() if key not in wanted and t.status == Status.OPEN]
    if is_closed:
        stale += list(case.tasks.filter(kind=Task.Kind.MANUAL, status=Status.OPEN))
    for task in stale:
        changes[task.rule_key or f"task:{task.pk}"] = [Status.OPEN, closing]
        task.status, task.completed_at, task.completed_by = closing, now, None
        task.save(update_fields=["status", "completed_at", "completed_by"])

    if changes:
        audit.record(
            actor=None,
            action="tasks.rule_tasks_synced",
            target=case,
            target_label=case.number,
            changes=changes,
            context=AuditContext(centre_id=case.centre_id, centre_label=str(case.centre)),
        )
    return bool(changes)


# --- tasks added by hand --------------------------------------------------------------------


def _clean_title(title: str) -> str:
    title = title.strip()
    if not title:
        raise refusal(_("Say what is to be done."), code="required", field="title")
    if len(title) > MAX_TITLE:
        raise refusal(
            _("At most %(max)d characters.") % {"max": MAX_TITLE}, code="max_length", field="title"
        )
    return title


def _clean_text(value: str, field: str) -> str:
    value = value.strip()
    if len(value) > MAX_TEXT:
        raise refusal(
            _("At most %(max)d characters.") % {"max": MAX_TEXT}, code="max_length", field=field
        )
    return value


def _check_owner(case: Case, owner: User | None) -> None:
    if owner is not None and owner.pk not in {user.pk for user in eligible_owners(case)}:
        raise refusal(
            _("Choose a member of this centre's staff who works on the case."),
            code="not_staff",
            field="owner",
        )


@transaction.atomic
def add_task(
    *,
    actor: User,
    case: Case,
    title: str,
    due_on: date,
    owner: User | None = None,
    description: str = "",
) -> Task:
    """Add a task by hand to an open case; ``owner`` None leaves it unassigned (the centre's
    coordinators see it)."""
    if not permissions.can_work_on_tasks(actor, case):
        raise PermissionDenied
    locked = lock_open_case(case)
    title = _clean_title(title)
    description = _clean_text(description, "description")
    _check_owner(locked, owner)
    task = Task(
        case=locked,
        kind=Task.Kind.MANUAL,
        title=title,
        description=description,
        owner=owner,
        due_on=due_on,
        created_by=actor,
    )
    task.full_clean()
    task.save()
    _audit(
        actor=actor,
        task=task,
        action="tasks.task_added",
        changes={
            "task": [None, task.pk],
            "owner": [None, owner.username if owner else None],
            "due_on": [None, due_on.isoformat()],
            "title": [audit.MASK, audit.MASK],
        },
    )
    return task


@transaction.atomic
def edit_task(
    *,
    actor: User,
    task: Task,
    title: str,
    due_on: date,
    owner: User | None,
    description: str = "",
    expected_version: int,
) -> Task:
    """Change an open manual task. Compare-and-set on ``version``: an edit based on an older
    version is refused with ``StaleTaskError``; nothing of it is saved."""
    if not permissions.can_edit_task(actor, task):
        raise PermissionDenied
    case = lock_open_case(task.case)
    current = (
        Task.objects.select_for_update(of=("self",)).select_related("case", "owner").get(pk=task.pk)
    )
    if current.version != expected_version:
        raise StaleTaskError(current=current)
    if current.status != Status.OPEN or current.kind != Task.Kind.MANUAL:
        raise PermissionDenied
    title = _clean_title(title)
    description = _clean_text(description, "description")
    _check_owner(case, owner)
    before = {"owner": current.owner.username if current.owner else None, "due_on": current.due_on}
    updated = Task.objects.filter(pk=current.pk, version=expected_version).update(
        title=title,
        description=description,
        due_on=due_on,
        owner=owner,
        version=F("version") + 1,
    )
    if updated != 1:  # pragma: no cover - the row lock makes this the belt to the braces
        raise StaleTaskError(current=current)
    current.refresh_from_db()
    after = {"owner": owner.username if owner else None, "due_on": due_on}
    changes = audit.masked_changes(before, after)
    _audit(
        actor=actor,
        task=current,
        action="tasks.task_edited",
        changes={
            "task": [current.pk, current.pk],
            "version": [expected_version, current.version],
            "title": [audit.MASK, audit.MASK],
            **changes,
        },
    )
    return current


@transaction.atomic
def complete_task(*, actor: User, task: Task, note: str = "") -> Task:
    """Mark an open task done, with an optional note. The task's owner and whoever may work
    on the case's tasks may."""
    if not permissions.can_complete_task(actor, task):
        raise PermissionDenied
    lock_open_case(task.case)
    current = Task.objects.select_for_update().select_related("case").get(pk=task.pk)
    if current.status != Status.OPEN:
        raise refusal(_("This task is no longer open."), code="not_open")
    current.status = Status.DONE
    current.completed_by = actor
    current.completed_at = timezone.now()
    current.completion_note = _clean_text(note, "note")
    current.version += 1
    current.full_clean()
    current.save()
    changes: dict[str, list[Any]] = {"status": [Status.OPEN, Status.DONE]}
    if current.completion_note:
        changes["note"] = [None, audit.MASK]
    _audit(actor=actor, task=current, action="tasks.task_completed", changes=changes)
    return current


@transaction.atomic
def reopen_task(*, actor: User, task: Task) -> Task:
    """Open again a task a person marked done (e.g. by mistake)."""
    if not permissions.can_reopen_task(actor, task):
        raise PermissionDenied
    lock_open_case(task.case)
    current = Task.objects.select_for_update().select_related("case").get(pk=task.pk)
    if current.status != Status.DONE:
        raise refusal(_("Only a completed task can be reopened."), code="not_done")
    current.status = Status.OPEN
    current.completed_by = None
    current.completed_at = None
    current.version += 1
    current.full_clean()
    current.save()
    _audit(
        actor=actor,
        task=current,
        action="tasks.task_reopened",
        changes={"status": [Status.DONE, Status.OPEN]},
    )
    return current
