"""``{% case_tasks case %}``: the case page's panel of open tasks and the form to add one.

It renders only what ``permissions`` and ``queries`` allow, in at most two queries (the open
tasks; the possible owners when the form is shown), however many tasks there are. ``case``
must come from ``cases.queries.get_case_for`` (its team is loaded).
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from oneroof.cases.models import Case

from .. import permissions
from ..forms import TaskForm
from ..queries import eligible_owners, open_tasks_of

register = template.Library()


@register.inclusion_tag("tasks/_case_tasks.html", takes_context=True)
def case_tasks(context: template.Context, case: Case) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not permissions.can_see_tasks(user, case):
        return {"visible": False}
    can_add = permissions.can_work_on_tasks(user, case)
    tasks = open_tasks_of(case)
    return {
        "visible": True,
        "case": case,
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "today": timezone.localdate(),
        "rows": [
            {
                "task": task,
                "can_complete": permissions.can_complete_task(user, task),
                "can_edit": permissions.can_edit_task(user, task),
            }
            for task in tasks
        ],
        "form": TaskForm(owners=eligible_owners(case)) if can_add else None,
    }
