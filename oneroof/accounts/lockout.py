"""How django-axes learns which account a sign-in attempt was for."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def attempted_username(request: HttpRequest, credentials: dict[str, Any] | None = None) -> Any:
    """The username of a sign-in attempt, however django-axes asks for it.

    The two-factor login form prefixes its fields ("auth-username"). django-axes looks the
    username up under that name when it *checks* a lock-out, but records *failures* from
    Django's ``user_login_failed`` credentials, where it is plain "username". Without this the
    two never meet: failures are stored without a username and no lock-out ever holds
    (jazzband/django-axes#1159).
    """
    if credentials:
        return credentials.get("username") or credentials.get(settings.AXES_USERNAME_FORM_FIELD)
    return request.POST.get(settings.AXES_USERNAME_FORM_FIELD)
