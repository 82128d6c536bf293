"""Who may read and record a case's contacts. Pure and cheap: no queries beyond the objects
given (``case.team`` should be prefetched). *Which* contacts a reader sees, person by person,
is ``queries.contacts_visible_to`` (the partner wall, from ``families.access``)."""

from __future__ import annotations

from typing import Any

from oneroof.cases.models import Case
from oneroof.organisation.models import Role
from oneroof.organisation.permissions import active_centre_id, active_role

from .models import ContactRecord

TEAM_ROLES = frozenset({Role.CASE_MANAGER, Role.THERAPIST, Role.CLINICAL_LEAD})


def _acts_at(user: Any, case: Case) -> bool:
    return active_centre_id(user) is not None and active_centre_id(user) == case.centre_id


def _manages(user: Any, case: Case) -> bool:
    return active_role(user) == Role.CASE_MANAGER and case.case_manager_id == user.pk


def _on_team(user: Any, case: Case) -> bool:
    return active_role(user) in TEAM_ROLES and any(
        member.user_id == user.pk for member in case.team.all()
    )


def can_read_contacts(user: Any, case: Case) -> bool:
    """D6 case work: the case's own case manager and its case team, and the owning centre's
    coordinator and clinical lead. Intake (referral only) and roles outside case work never."""
    if not _acts_at(user, case):
        return False
    if active_role(user) in (Role.COORDINATOR, Role.CLINICAL_LEAD):
        return True
    return _manages(user, case) or _on_team(user, case)


def can_record_contacts(user: Any, case: Case) -> bool:
    """The case's own case manager, its case-team members and the owning centre's
    coordinator. (Whether the case is open is the service's check.)"""
    if not _acts_at(user, case):
        return False
    return active_role(user) == Role.COORDINATOR or _manages(user, case) or _on_team(user, case)


def can_mark_entered_in_error(user: Any, contact: ContactRecord) -> bool:
    """The author, the case's case manager or the centre's coordinator, on an open case, while
    the record is not marked yet. (That the user sees the record is the caller's check.)"""
    case = contact.case
    if contact.is_entered_in_error or case.status == Case.Status.CLOSED:
        return False
    if not can_record_contacts(user, case):
        return False
    return (
        contact.recorded_by_id == user.pk
        or _manages(user, case)
        or active_role(user) == Role.COORDINATOR
    )
