"""Sign-in events come from Django's auth signals: the one hook every login path passes."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from oneroof.audit import services as audit

from .models import User


@receiver(user_logged_in)
def _logged_in(sender: Any, request: HttpRequest, user: User, **kwargs: Any) -> None:
    audit.record(actor=user, action="accounts.logged_in", target=user)


@receiver(user_logged_out)
def _logged_out(sender: Any, request: HttpRequest, user: User | None, **kwargs: Any) -> None:
    if user is not None:
        audit.record(actor=user, action="accounts.logged_out", target=user)


@receiver(user_login_failed)
def _login_failed(sender: Any, credentials: dict[str, Any], **kwargs: Any) -> None:
    # The attempted username is not stored: it may be a mistyped password.
    audit.record(actor=None, action="accounts.login_failed")
