"""Who may do what with a case. Pure and cheap: no queries beyond the objects given."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from oneroof.organisation.models import Role
from oneroof.organisation.permissions import active_centre_id, active_role

from .models import Case, CaseNote


def can_request_handover(user: Any, case: Case) -> bool:
    """The owning centre's coordinator, or the case's own case manager acting there."""
    if active_centre_id(user) != case.centre_id:
        return False
    role = active_role(user)
    return role == Role.COORDINATOR or (
        role == Role.CASE_MANAGER and case.case_manager_id == user.pk
    )


def requestable_case_ids(user: Any, cases: Iterable[Case]) -> frozenset[int]:
    """The open cases among ``cases`` that the user may hand over (no queries)."""
    return frozenset(
        case.pk
        for case in cases
        if case.status != Case.Status.CLOSED and can_request_handover(user, case)
    )


# --- the case workflow ----------------------------------------------------------------------


def _acts_at(user: Any, case: Case) -> bool:
    return active_centre_id(user) is not None and active_centre_id(user) == case.centre_id


def _manages(user: Any, case: Case) -> bool:
    return active_role(user) == Role.CASE_MANAGER and case.case_manager_id == user.pk


def can_change_case_status(user: Any, case: Case) -> bool:
    """Move a case along its workflow or close it: the case's own case manager, the owning
    centre's coordinator and its clinical lead."""
    if not _acts_at(user, case):
        return False
    return active_role(user) in (Role.COORDINATOR, Role.CLINICAL_LEAD) or _manages(user, case)


def can_assign_case_manager(user: Any, case: Case) -> bool:
    """Only the owning centre's coordinator assigns (and reassigns) the case manager."""
    return _acts_at(user, case) and active_role(user) == Role.COORDINATOR


def can_manage_case_team(user: Any, case: Case) -> bool:
    """The owning centre's coordinator, or the case's own case manager."""
    return _acts_at(user, case) and (active_role(user) == Role.COORDINATOR or _manages(user, case))


def can_reopen_case(user: Any, case: Case) -> bool:
    """The owning centre's coordinator or clinical lead."""
    return _acts_at(user, case) and active_role(user) in (Role.COORDINATOR, Role.CLINICAL_LEAD)


# --- case notes (who may *read* one: ``families.access.note_visible_to``) -------------------

NOTE_WRITER_ROLES = (Role.CASE_MANAGER, Role.THERAPIST, Role.CLINICAL_LEAD)
THERAPY_ROLES = (Role.THERAPIST, Role.CLINICAL_LEAD)


def _on_team(user: Any, case: Case) -> bool:
    return any(member.user_id == user.pk for member in case.team.all())


def can_read_case_work(user: Any, case: Case) -> bool:
    """Case work beyond the index (D6: tasks, contacts), as team notes are read: the case's
    own case manager, its team members acting in a team role, and the owning centre's
    coordinator and clinical lead. Intake and the roles outside case work never."""
    if not _acts_at(user, case):
        return False
    role = active_role(user)
    if role in (Role.COORDINATOR, Role.CLINICAL_LEAD):
        return True
    return _manages(user, case) or (role in NOTE_WRITER_ROLES and _on_team(user, case))


def can_do_case_work(user: Any, case: Case) -> bool:
    """Add to the case work (tasks, contacts): the case's own case manager, its team members
    and the owning centre's coordinator. (Whether the case is open is the service's check.)"""
    if not _acts_at(user, case):
        return False
    role = active_role(user)
    if role == Role.COORDINATOR or _manages(user, case):
        return True
    return role in NOTE_WRITER_ROLES and _on_team(user, case)


def can_write_notes(user: Any, case: Case) -> bool:
    """The case's own case manager, its case-team members and the centre's clinical lead,
    acting at the owning centre. (Whether the case is open is the service's check.)"""
    if not _acts_at(user, case):
        return False
    role = active_role(user)
    if role == Role.CLINICAL_LEAD or _manages(user, case):
        return True
    return role in NOTE_WRITER_ROLES and _on_team(user, case)


def can_write_note_level(user: Any, level: str) -> bool:
    """Therapist-only notes (D7) are written by therapists and the clinical lead only."""
    return level != CaseNote.Level.THERAPIST_ONLY or active_role(user) in THERAPY_ROLES


def can_edit_note(user: Any, note: CaseNote) -> bool:
    """Only the author, only while nobody has corrected the note, only on an open case."""
    return (
        note.corrects_id is None
        and note.author_id == user.pk
        and note.case.status != Case.Status.CLOSED
        and not note.corrections.all()
    )


def can_correct_note(user: Any, note: CaseNote) -> bool:
    """Whoever may write notes of the note's level on the (open) case."""
    return (
        note.corrects_id is None
        and note.case.status != Case.Status.CLOSED
        and can_write_notes(user, note.case)
        and can_write_note_level(user, note.level)
    )


# --- the support plan (D6; seeing it = seeing the case: ``cases_visible_to``) ---------------


def can_edit_plan(user: Any, case: Case) -> bool:
    """The case's own case manager, acting at the owning centre, on an open case."""
    return case.status != Case.Status.CLOSED and _acts_at(user, case) and _manages(user, case)


def can_approve_plan(user: Any, case: Case) -> bool:
    """The clinical lead of the owning centre, on an open case. (That the author may approve
    their own plan only with the clinical-lead role there is the service's check.)"""
    return (
        case.status != Case.Status.CLOSED
        and _acts_at(user, case)
        and active_role(user) == Role.CLINICAL_LEAD
    )


def can_print_plan(user: Any, case: Case) -> bool:
    """The plan for the family to sign: its case manager, the owning centre's coordinator
    and clinical lead (a closed case's plan too: it is the record of what was agreed)."""
    if not _acts_at(user, case):
        return False
    return active_role(user) in (Role.COORDINATOR, Role.CLINICAL_LEAD) or _manages(user, case)
