"""Who may do what with a case's tasks. Pure and cheap: no queries beyond the objects given
(``case.team`` should be prefetched, as ``queries`` does).

Tasks are case work (D6). Whoever may read the case's team notes may see its tasks
(``families.access.note_visible_to``, team level): the case's own case manager, its case team
and the owning centre's coordinator and clinical lead, acting at the owning centre.
Adding, editing and completing them is for the case manager, the case team and the
coordinator; the owner of a task may always complete it. A closed case is read-only.
"""

from __future__ import annotations

from typing import Any

from oneroof.cases import permissions as case_permissions
from oneroof.cases.models import Case
from oneroof.families.access import CENTRE_WIDE_ROLES, NOTE_ROLES
from oneroof.organisation.permissions import active_centre_id, active_role

from .models import Task

# The roles whose home page and navigation offer tasks (intake has no case work, D6).
TASK_ROLES = NOTE_ROLES
OVERDUE_LIST_ROLES = CENTRE_WIDE_ROLES


# Tasks are case work (D6), seen and added to as the rest of it is.
can_see_tasks = case_permissions.can_read_case_work


def can_work_on_tasks(user: Any, case: Case) -> bool:
    """Add and edit tasks: the case manager, the case team and the centre's coordinator, on
    an open case."""
    return case.status != Case.Status.CLOSED and case_permissions.can_do_case_work(user, case)


def can_complete_task(user: Any, task: Task) -> bool:
    """An open task: whoever may work on the case's tasks, and the task's owner."""
    if task.status != Task.Status.OPEN or task.case.status == Case.Status.CLOSED:
        return False
    if task.owner_id == user.pk and can_see_tasks(user, task.case):
        return True
    return can_work_on_tasks(user, task.case)


def can_edit_task(user: Any, task: Task) -> bool:
    """Only open tasks added by hand; rule tasks follow the case."""
    return (
        task.kind == Task.Kind.MANUAL
        and task.status == Task.Status.OPEN
        and can_work_on_tasks(user, task.case)
    )


def can_reopen_task(user: Any, task: Task) -> bool:
    """A task a person marked done, by whoever may work on the case's tasks."""
    return (
        task.status == Task.Status.DONE
        and task.completed_by_id is not None
        and can_work_on_tasks(user, task.case)
    )


def can_see_overdue_list(user: Any) -> bool:
    return active_role(user) in OVERDUE_LIST_ROLES and active_centre_id(user) is not None
