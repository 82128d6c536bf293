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
