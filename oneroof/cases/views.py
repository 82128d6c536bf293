"""The case list and the case page; every change is a POST to one service."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.forms import Form
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from oneroof.audit import services as audit
from oneroof.core.pages import show_errors, show_form_errors, submit
from oneroof.core.types import AuthenticatedRequest
from oneroof.families.access import CASE_ROLES, FamilyAccess, access_for_family
from oneroof.organisation.permissions import require_role

from . import forms, notes, permissions, services
from .models import Case, CaseNote
from .queries import case_list_for, get_case_for, get_note_for, notes_visible_to

PAGE_SIZE = 50


@require_GET
def case_list(request: AuthenticatedRequest) -> HttpResponse:
    require_role(request.user, CASE_ROLES)
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


@dataclass(frozen=True)
class NoteRow:
    """One note as the case page lists it, with its corrections and what the reader may do."""

    note: CaseNote
    corrections: list[CaseNote]
    can_edit: bool
    can_correct: bool


def _note_rows(user: Any, case: Case, access: FamilyAccess) -> list[NoteRow]:
    return [
        NoteRow(
            note=note,
            corrections=list(note.corrections.all()),
            can_edit=permissions.can_edit_note(user, note),
            can_correct=permissions.can_correct_note(user, note),
        )
        for note in notes_visible_to(user, case, access)
    ]


def _detail_context(request: AuthenticatedRequest, case: Case) -> dict[str, Any]:
    """What the case page shows; audits the read of the case and, if any, of its notes."""
    audit.record_view(
        actor=request.user, action="cases.case_viewed", target=case, target_label=case.number
    )
    can = _can(request.user, case)
    access = access_for_family(request.user, case.family)
    note_rows = _note_rows(request.user, case, access)
    if note_rows:
        audit.record_view(
            actor=request.user, action="cases.notes_viewed", target=case, target_label=case.number
        )
    can_write_notes = case.status != Case.Status.CLOSED and permissions.can_write_notes(
        request.user, case
    )
    context: dict[str, Any] = {
        "case": case,
        "access": access,
        "events": list(case.events.all()),
        "team": list(case.team.all()),
        "note_rows": note_rows,
        "can_write_notes": can_write_notes,
        **can,
    }
    if can_write_notes:
        context["note_form"] = forms.NoteForm(case=case, user=request.user, access=access)
    if can["can_change_status"]:
        context["status_form"] = forms.StatusForm(case=case)
        context["close_form"] = forms.CloseForm(case=case)
    if can["can_assign"]:
        context["assign_form"] = forms.AssignCaseManagerForm(case=case)
    if can["can_manage_team"]:
        context["add_member_form"] = forms.AddTeamMemberForm(case=case)
    if can["can_reopen"]:
        context["reopen_form"] = forms.ReopenForm()
    return context


@require_GET
def case_detail(request: AuthenticatedRequest, case_id: int) -> HttpResponse:
    require_role(request.user, CASE_ROLES)
    case = get_case_for(request.user, case_id)
    return render(request, "cases/case_detail.html", _detail_context(request, case))


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
    require_role(request.user, CASE_ROLES)
    case = get_case_for(request.user, case_id)
    if not allowed(request.user, case):
        raise PermissionDenied
    return submit(
        request,
        form_class(request.POST, case=case),
        lambda data: act(case, data),
        done=done % {"number": case.number},
        back=redirect("cases:detail", case_id=case.pk),
    )


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


# --- case notes -----------------------------------------------------------------------------


def _to_notes(case: Case) -> HttpResponse:
    return redirect(reverse("cases:detail", kwargs={"case_id": case.pk}) + "#notes-heading")


@require_POST
def note_write(request: AuthenticatedRequest, case_id: int) -> HttpResponse:
    require_role(request.user, CASE_ROLES)
    case = get_case_for(request.user, case_id)
    if not permissions.can_write_notes(request.user, case):
        raise PermissionDenied
    access = access_for_family(request.user, case.family)
    return submit(
        request,
        forms.NoteForm(request.POST, case=case, user=request.user, access=access),
        lambda data: notes.write_note(
            actor=request.user,
            case=case,
            level=data["level"],
            body=data["body"],
            about=data["about"],
            restricted_to=data["restricted_to"],
        ),
        done=_("The note is saved."),
        back=_to_notes(case),
    )


@require_POST
def note_correct(request: AuthenticatedRequest, case_id: int, note_id: int) -> HttpResponse:
    require_role(request.user, CASE_ROLES)
    case = get_case_for(request.user, case_id)
    note = get_note_for(request.user, case, note_id)
    if not permissions.can_correct_note(request.user, note):
        raise PermissionDenied
    return submit(
        request,
        forms.CorrectNoteForm(request.POST),
        lambda data: notes.correct_note(
            actor=request.user, note=note, body=data["body"], reason=data["reason"]
        ),
        done=_("The correction is saved; the original stays as written."),
        back=_to_notes(case),
    )


@require_POST
def note_edit(request: AuthenticatedRequest, case_id: int, note_id: int) -> HttpResponse:
    """The author's edit. A stale text is not saved: the page comes back (409) with the
    message, a diff against the saved note, and the submitted text still in the box."""
    require_role(request.user, CASE_ROLES)
    case = get_case_for(request.user, case_id)
    note = get_note_for(request.user, case, note_id)
    if not permissions.can_edit_note(request.user, note):
        raise PermissionDenied
    form = forms.EditNoteForm(request.POST)
    if not form.is_valid():
        show_form_errors(request, form)
        return _to_notes(case)
    try:
        notes.edit_note(
            actor=request.user,
            note=note,
            body=form.cleaned_data["body"],
            expected_version=form.cleaned_data["version"],
        )
    except notes.StaleNoteError as stale:
        case = get_case_for(request.user, case_id)
        context = _detail_context(request, case)
        context["stale"] = {
            "note_id": note.pk,
            "message": stale.messages[0],
            "diff": stale.diff,
            "body": stale.submitted,
            "version": stale.current.version,
        }
        return render(request, "cases/case_detail.html", context, status=409)
    except ValidationError as error:
        show_errors(request, error)
    else:
        messages.success(request, _("The note is saved."))
    return _to_notes(case)
