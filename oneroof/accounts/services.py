"""Account actions that must be audited."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F

from oneroof.audit import services as audit

from .models import User


@transaction.atomic
def end_all_sessions(*, actor: User, user: User) -> User:
    """End every session of ``user`` on every device (the user, or an administrator, asks)."""
    User.objects.filter(pk=user.pk).update(session_generation=F("session_generation") + 1)
    user.refresh_from_db(fields=["session_generation"])
    audit.record(actor=actor, action="accounts.sessions_ended", target=user)
    return user
