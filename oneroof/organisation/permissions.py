"""Who may do what with organisation records and the audit trail — decided here only.

Every predicate looks at the user's *active* membership (the role they are acting in now),
so a person holding several roles never mixes their powers. Superuser flags are never
consulted: system administrators run the system, not the cases (access policy, principle 6).
Each predicate has a queryset twin in ``queries.py``; tests check that the two agree.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from django.core.exceptions import PermissionDenied
from rules.permissions import add_perm
from rules.predicates import predicate

from .models import ORGANISATION_WIDE_ROLES, Centre, Role

AUDIT_BROWSING_ROLES = frozenset({Role.DPO, Role.COORDINATOR, Role.CLINICAL_LEAD, Role.SYSADMIN})


def active_role(user: Any) -> str | None:
    membership = getattr(user, "active_membership", None)
    if membership is None or not user.is_authenticated:
        return None
    return str(membership.role)


def require_role(user: Any, roles: Collection[str]) -> None:
    """A section of the site is for some roles only: the others are refused (403)."""
    if active_role(user) not in roles:
        raise PermissionDenied


def active_centre_id(user: Any) -> int | None:
    """The centre of the active role; None for organisation-wide roles and the anonymous."""
    membership = getattr(user, "active_membership", None)
    if membership is None or membership.role in ORGANISATION_WIDE_ROLES:
        return None
    return int(membership.centre_id)


@predicate
def can_use_admin(user: Any) -> bool:
    return active_role(user) == Role.SYSADMIN


@predicate
def can_view_centre(user: Any, centre: Centre) -> bool:
    return centre is not None and active_centre_id(user) == centre.pk


@predicate
def can_browse_audit(user: Any) -> bool:
    return active_role(user) in AUDIT_BROWSING_ROLES


@predicate
def can_view_audit_event(user: Any, event: Any) -> bool:
    """DPO: everything; coordinator and clinical lead: their centre's events;
    system administrator: their own actions (access policy, class D11)."""
    role = active_role(user)
    if role == Role.DPO:
        return True
    if role in (Role.COORDINATOR, Role.CLINICAL_LEAD):
        return event.centre_ref is not None and event.centre_ref == active_centre_id(user)
    if role == Role.SYSADMIN:
        return bool(event.actor_id == user.pk)
    return False


add_perm("organisation.use_admin", can_use_admin)
add_perm("organisation.view_centre", can_view_centre)
add_perm("audit.browse_auditevent", can_browse_audit)
add_perm("audit.view_auditevent", can_view_audit_event)
