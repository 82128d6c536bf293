"""Who may read and record a case's contacts. Pure and cheap: no queries beyond the objects
given (``case.team`` should be prefetched). *Which* contacts a reader sees, person by person,
is ``queries.contacts_visible_to`` (the partner wall, from ``families.access``)."""

from __future__ import annotations

from typing import Any

from oneroof.cases import permissions as case_permissions
from oneroof.cases.models import Case
from oneroof.organisation.models import Role
from oneroof.organisation.permissions import active_role

from .models import ContactRecord

# Reading and recording contacts is case work (D6), decided with the rest of it.
can_read_contacts = case_permissions.can_read_case_work
can_record_contacts = case_permissions.can_do_case_work


def can_mark_entered_in_error(user: Any, contact: ContactRecord) -> bool:
    """The author, the case's case manager or the centre's coordinator, on an open case, while
    the record is not marked yet. (That the user sees the record is the caller's check.)"""
    case = contact.case
    if contact.is_entered_in_error or case.status == Case.Status.CLOSED:
        return False
    if not can_record_contacts(user, case):
        return False
    role = active_role(user)
    return (
        contact.recorded_by_id == user.pk
        or (role == Role.CASE_MANAGER and case.case_manager_id == user.pk)
        or role == Role.COORDINATOR
    )
