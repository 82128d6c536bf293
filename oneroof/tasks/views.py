"""My tasks, the centre's overdue tasks, and the task changes (each a POST to one service)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from oneroof.cases.queries import get_case_for
from oneroof.core.pages import show_errors, submit
from oneroof.core.types import AuthenticatedRequest
from oneroof.organisation.permissions import require_role

from . import permissions, services
from .forms import CompleteTaskForm, EditTaskForm, TaskForm
from .queries import centre_overdue_tasks, eligible_owners, get_task_for, my_tasks

PAGE_SIZE = 50


def _back(request: AuthenticatedRequest, default: str) -> HttpResponse:
    """To the page the form was on (``next``), if it is ours; else to ``default``."""
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(default)


def _rows(request: AuthenticatedRequest, tasks: Any) -> list[dict[str, Any]]:
    return [
        {
            "task": task,
            "can_complete": permissions.can_complete_task(request.user, task),
            "can_edit": permissions.can_edit_task(request.user, task),
        }
        for task in tasks
    ]


@require_http_methods(["GET"])
def task_list(request: AuthenticatedRequest) -> HttpResponse:
    """The user's own tasks at the active centre: open ones by due date, or ``?done=1``."""
    require_role(request.user, permissions.TASK_ROLES)
    done = request.GET.get("done") == "1"
    page = Paginator(my_tasks(request.user, done=done), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "tasks/task_list.html",
        {
            "page": page,
            "rows": _rows(request, page.object_list),
            "done": done,
            "today": timezone.localdate(),
        },
    )


@require_http_methods(["GET"])
def overdue_list(request: AuthenticatedRequest) -> HttpResponse:
    """The active centre's overdue and unassigned open tasks: coordinator and clinical lead."""
    require_role(request.user, permissions.TASK_ROLES)
    if not permissions.can_see_overdue_list(request.user):
        raise PermissionDenied
    page = Paginator(centre_overdue_tasks(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "tasks/overdue_list.html",
        {"page": page, "rows": _rows(request, page.object_list), "today": timezone.localdate()},
    )


def _to_case(case_id: int) -> str:
    return reverse("cases:detail", kwargs={"case_id": case_id}) + "#tasks-heading"


@require_POST
def task_add(request: AuthenticatedRequest, case_id: int) -> HttpResponse:
    require_role(request.user, permissions.TASK_ROLES)
    case = get_case_for(request.user, case_id)
    if not permissions.can_work_on_tasks(request.user, case):
        raise PermissionDenied
    return submit(
        request,
        TaskForm(request.POST, owners=eligible_owners(case)),
        lambda data: services.add_task(
            actor=request.user,
            case=case,
            title=data["title"],
            due_on=data["due_on"],
            owner=data["owner"],
            description=data["description"],
        ),
        done=_("The task is added."),
        back=redirect(_to_case(case.pk)),
    )


@require_POST
def task_complete(request: AuthenticatedRequest, task_id: int) -> HttpResponse:
    require_role(request.user, permissions.TASK_ROLES)
    task = get_task_for(request.user, task_id)
    if not permissions.can_complete_task(request.user, task):
        raise PermissionDenied
    form = CompleteTaskForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        services.complete_task(actor=request.user, task=task, note=note)
    except ValidationError as error:
        show_errors(request, error)
    else:
        messages.success(request, _("The task is done."))
    return _back(request, reverse("tasks:list"))


@require_http_methods(["GET", "POST"])
def task_edit(request: AuthenticatedRequest, task_id: int) -> HttpResponse:
    """Edit a manual task. A stale edit is not saved: the form comes back (409) with the
    message, the saved values beside it and the submitted ones still in the fields."""
    require_role(request.user, permissions.TASK_ROLES)
    task = get_task_for(request.user, task_id)
    if not permissions.can_edit_task(request.user, task):
        raise PermissionDenied
    owners = eligible_owners(task.case)
    context: dict[str, Any] = {"task": task}
    if request.method == "GET":
        context["form"] = EditTaskForm.for_task(task, owners)
        return render(request, "tasks/task_edit.html", context)
    form = EditTaskForm(request.POST, owners=owners)
    context["form"] = form
    if not form.is_valid():
        return render(request, "tasks/task_edit.html", context, status=400)
    try:
        services.edit_task(
            actor=request.user,
            task=task,
            title=form.cleaned_data["title"],
            due_on=form.cleaned_data["due_on"],
            owner=form.cleaned_data["owner"],
            description=form.cleaned_data["description"],
            expected_version=form.cleaned_data["version"],
        )
    except services.StaleTaskError as stale:
        data = request.POST.copy()
        data["version"] = str(stale.current.version)
        context.update(
            form=EditTaskForm(data, owners=owners), stale=stale.messages[0], current=stale.current
        )
        return render(request, "tasks/task_edit.html", context, status=409)
    except ValidationError as error:
        form.add_error(None, error)
        return render(request, "tasks/task_edit.html", context, status=400)
    messages.success(request, _("The task is saved."))
    return redirect(_to_case(task.case_id))
