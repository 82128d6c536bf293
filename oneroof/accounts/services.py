"""Account actions that must be audited."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django_otp import devices_for_user

from oneroof.audit import services as audit

from .models import User


@transaction.atomic
def end_all_sessions(*, actor: User, user: User) -> User:
    """End every session of ``user`` on every device (the user, or an administrator, asks)."""
    User.objects.filter(pk=user.pk).update(session_generation=F("session_generation") + 1)
    user.refresh_from_db(fields=["session_generation"])
    audit.record(actor=actor, action="accounts.sessions_ended", target=user)
    return user


@transaction.atomic
def reset_second_factor(*, actor: User, user: User) -> User:
    """Remove a user's authenticator and backup codes (a lost phone) and end their sessions;
    they enrol again at their next sign-in."""
    if actor.pk == user.pk:
        raise PermissionDenied
    for device in devices_for_user(user, confirmed=None):
        device.delete()
    User.objects.filter(pk=user.pk).update(session_generation=F("session_generation") + 1)
    audit.record(actor=actor, action="accounts.second_factor_reset", target=user)
    return user
