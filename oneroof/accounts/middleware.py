from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

# Pages a signed-in user may reach before enrolling a second factor.
_ENROLMENT_URL_NAMES = (
    "two_factor:setup",
    "two_factor:qr",
    "two_factor:setup_complete",
    "accounts:logout",
    "set_language",
)


class RequireTwoFactorMiddleware:
    """Every signed-in account must have passed a second factor before reaching any page.

    Accounts without a device are sent to enrolment. The only exception is a fictional demo
    account while ``ONEROOF_DEMO_MODE`` is on, which production settings refuse.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not user.is_verified()  # type: ignore[attr-defined]  # set by OTPMiddleware
            and not (settings.ONEROOF_DEMO_MODE and getattr(user, "is_demo", False))
            and not request.path.startswith(settings.STATIC_URL)
            and request.path not in {reverse(name) for name in _ENROLMENT_URL_NAMES}
        ):
            return redirect("two_factor:setup")
        return self.get_response(request)
