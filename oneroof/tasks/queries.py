"""Reads of tasks. Every list starts from ``tasks_visible_to`` (the twin of
``permissions.can_see_tasks``) and loads what it shows in a fixed number of queries."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from oneroof.accounts.models import User
from oneroof.cases.models import Case, CaseTeamMember
from oneroof.core.access import get_visible_or_404
from oneroof.families.access import CENTRE_WIDE_ROLES
from oneroof.organisation.models import Membership, Role
from oneroof.organisation.permissions import active_centre_id, active_role

from .models import Task
from .permissions import TASK_ROLES

Status = Task.Status


def tasks_visible_to(user: Any) -> QuerySet[Task]:
    """The tasks of the cases whose case work (D6) the user may see at their active centre:
    all of the centre for its coordinator and clinical lead; the cases they manage or are on
    the team of for case managers and therapists."""
    role = active_role(user)
    centre_id = active_centre_id(user)
    if centre_id is None or role not in TASK_ROLES:
        return Task.objects.none()
    tasks = Task.objects.filter(case__centre_id=centre_id)
    if role in CENTRE_WIDE_ROLES:
        return tasks
    on_team = Exists(CaseTeamMember.objects.filter(case_id=OuterRef("case_id"), user=user))
    managed = Q(case__case_manager=user) if role == Role.CASE_MANAGER else Q(pk__in=[])
    return tasks.filter(managed | on_team)


def _with_case(tasks: QuerySet[Task]) -> QuerySet[Task]:
    """Each task with its case and the case team (for the permission checks per row)."""
    return tasks.select_related("case", "owner").prefetch_related(
        Prefetch("case__team", queryset=CaseTeamMember.objects.only("id", "case_id", "user_id"))
    )


def my_tasks(user: Any, *, done: bool = False) -> QuerySet[Task]:
    """The user's own tasks at the active centre: open ones by due date, or done ones, most
    recently completed first."""
    mine = _with_case(tasks_visible_to(user).filter(owner_id=user.pk))
    if done:
        return mine.filter(status=Status.DONE).order_by("-completed_at", "-pk")
    return mine.filter(status=Status.OPEN).order_by("due_on", "pk")


def my_task_counts(user: Any, today: date | None = None) -> dict[str, int]:
    """How many of the user's tasks are open and overdue (one query)."""
    today = today or timezone.localdate()
    counts = (
        tasks_visible_to(user)
        .filter(owner_id=user.pk, status=Status.OPEN)
        .aggregate(open=Count("pk"), overdue=Count("pk", filter=Q(due_on__lt=today)))
    )
    return {"open": counts["open"] or 0, "overdue": counts["overdue"] or 0}


def centre_overdue_tasks(user: Any, today: date | None = None) -> QuerySet[Task]:
    """The open tasks of the active centre that are overdue or have no owner, by due date:
    the coordinator's and clinical lead's watch list."""
    today = today or timezone.localdate()
    if active_role(user) not in CENTRE_WIDE_ROLES:
        return Task.objects.none()
    return _with_case(
        tasks_visible_to(user).filter(
            Q(status=Status.OPEN) & (Q(due_on__lt=today) | Q(owner__isnull=True))
        )
    ).order_by("due_on", "pk")


def open_tasks_of(case: Case) -> list[Task]:
    """The case's open tasks with their owners, by due date (one query). ``case`` must come
    from an access helper, and the caller checks ``can_see_tasks``."""
    tasks = list(
        Task.objects.filter(case=case, status=Status.OPEN)
        .select_related("owner")
        .order_by("due_on", "pk")
    )
    for task in tasks:
        task.case = case  # the caller's copy, with its team loaded: no query per row
    return tasks


def get_task_for(user: Any, task_id: int) -> Task:
    """One task the user may see, with its case and case team, or 404."""
    return get_visible_or_404(_with_case(tasks_visible_to(user)), task_id)


def eligible_owners(case: Case) -> list[User]:
    """Who may own a task of the case: staff acting at the owning centre who may see its
    case work (the centre's coordinators and clinical leads, the case manager, the case
    team), by name. One query."""
    team = CaseTeamMember.objects.filter(case=case, user_id=OuterRef("user_id"))
    memberships = (
        Membership.objects.active()
        .filter(centre_id=case.centre_id, role__in=list(TASK_ROLES))
        .filter(
            Q(role__in=list(CENTRE_WIDE_ROLES))
            | Q(role=Role.CASE_MANAGER, user_id=case.case_manager_id)
            | Exists(team)
        )
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "user__username")
    )
    users: dict[int, User] = {}
    for membership in memberships:
        users.setdefault(membership.user_id, membership.user)
    return list(users.values())
