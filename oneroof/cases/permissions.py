"""Who may do what with a case. Pure and cheap: no queries beyond the objects given."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from oneroof.organisation.models import Role
from oneroof.organisation.permissions import active_centre_id, active_role

from .models import Case


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
