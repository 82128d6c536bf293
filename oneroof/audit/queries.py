"""Reads of the audit trail, limited by role (access policy, class D11)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from oneroof.core.access import get_visible_or_404
from oneroof.organisation.models import Role
from oneroof.organisation.permissions import active_centre_id, active_role

from .models import AuditEvent


def audit_events_visible_to(user: Any) -> QuerySet[AuditEvent]:
    """Twin of ``permissions.can_view_audit_event``."""
    role = active_role(user)
    events = AuditEvent.objects.select_related("actor")
    if role == Role.DPO:
        return events
    if role in (Role.COORDINATOR, Role.CLINICAL_LEAD):
        return events.filter(centre_ref=active_centre_id(user))
    if role == Role.SYSADMIN:
        return events.filter(actor=user)
    return events.none()


def get_audit_event_for(user: Any, event_id: object) -> AuditEvent:
    return get_visible_or_404(audit_events_visible_to(user), event_id)
