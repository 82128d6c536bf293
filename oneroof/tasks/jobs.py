"""The daily background jobs, run by django-q2's scheduler (``Schedule`` rows made by the
migration ``0002_daily_schedules``) in the ``qcluster`` worker, or inline in tests.

They act as the system (audit actor None) and name no person: a reminder says a case number
and what is due, and links to the task list, where the access rules apply.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from oneroof.accounts.models import User
from oneroof.cases.models import Case
from oneroof.notifications.services import notify
from oneroof.organisation.models import Membership, Role

from . import services
from .models import Task

Status = Task.Status


def sync_all_rule_tasks() -> int:
    """Run ``sync_rule_tasks`` on every case that is open or still has open tasks (deadlines
    move with the calendar, e.g. after a missed signal); returns how many cases changed."""
    cases = (
        Case.objects.filter(~Q(status=Case.Status.CLOSED) | Q(tasks__status=Status.OPEN))
        .distinct()
        .order_by("pk")
    )
    changed = 0
    for case in cases.iterator():
        changed += services.sync_rule_tasks(case=case)
    return changed


def _message(task: Task, today: date) -> str:
    """A neutral line: the case number and what is due; nobody's name, no task title (a title
    typed by hand could name a person)."""
    kind = task.get_kind_display()
    if task.due_on < today:
        return _("Overdue task in case %(number)s: %(kind)s (due %(due)s).") % {
            "number": task.case.number,
            "kind": kind,
            "due": formats.date_format(task.due_on, "SHORT_DATE_FORMAT"),
        }
    return _("Task due tomorrow in case %(number)s: %(kind)s.") % {
        "number": task.case.number,
        "kind": kind,
    }


def send_task_reminders(today: date | None = None) -> int:
    """Remind of open tasks due tomorrow or overdue, once a day: the owner, or the centre's
    coordinators when a task has none. Returns how many tasks were reminded of."""
    today = today or timezone.localdate()
    tasks = list(
        Task.objects.filter(status=Status.OPEN, due_on__lte=today + timedelta(days=1))
        .exclude(reminded_on__gte=today)
        .exclude(case__status=Case.Status.CLOSED)
        .select_related("case", "owner")
        .order_by("due_on", "pk")
    )
    coordinators: dict[int, list[User]] = defaultdict(list)
    for membership in (
        Membership.objects.active()
        .filter(role=Role.COORDINATOR, centre_id__in={task.case.centre_id for task in tasks})
        .select_related("user")
    ):
        if membership.centre_id is not None:
            coordinators[membership.centre_id].append(membership.user)
    url = reverse("tasks:list")
    with translation.override(settings.LANGUAGE_CODE):  # no request: the staff's language
        for task in tasks:
            with transaction.atomic():
                recipients = [task.owner] if task.owner else coordinators[task.case.centre_id]
                notify(
                    users=recipients,
                    message=_message(task, today),
                    url=url if task.owner else reverse("tasks:overdue"),
                )
                Task.objects.filter(pk=task.pk).update(reminded_on=today)
    return len(tasks)
