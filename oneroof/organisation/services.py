"""Writes to organisation state that are not admin configuration."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction

from oneroof.accounts.models import User
from oneroof.audit import services as audit

from .models import Membership


@transaction.atomic
def switch_role(*, actor: User, membership: Membership) -> Membership:
    """Make ``membership`` the role ``actor`` acts in from now on."""
    if membership.user_id != actor.pk or not membership.is_active:
        raise PermissionDenied
    previous = actor.active_membership
    actor.active_membership = membership
    audit.record(
        actor=actor,
        action="organisation.role_switched",
        target=membership,
        changes={"role": [str(previous) if previous else None, str(membership)]},
    )
    return membership
