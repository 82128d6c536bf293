"""Respondent mode: while a member of staff has handed the device to a respondent, the
session reaches that one administration and nothing else.

The lock lives in the staff member's session (``respondent_lock`` = the administration's id).
Every other page, including the home page, the family pages, another person's
administration and the configuration, answers with a redirect back to the questionnaire, so
the respondent has no way to reach any other record. Only the staff member's password ends
the lock (``views_administration.handback``).

The browser's history is a way back too: pages seen before the hand-over could be shown again
from its cache. So no page for a signed-in user is stored (``Cache-Control: no-store``): going
back asks the server, which answers with the redirect. Starting the lock also changes the
session key (``lock``), which evicts pages a browser kept in its back-forward cache.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import patch_cache_control

SESSION_KEY = "respondent_lock"
# The pages of the locked administration the respondent may reach (besides static files and
# the language switch).
_ALLOWED_URL_NAMES = ("assessment:administer", "assessment:complete", "assessment:handback")


def locked_administration_id(request: HttpRequest) -> int | None:
    value = request.session.get(SESSION_KEY)
    return int(value) if value is not None else None


def lock(request: HttpRequest, administration_id: int) -> None:
    request.session.cycle_key()
    request.session[SESSION_KEY] = administration_id


def unlock(request: HttpRequest) -> None:
    request.session.pop(SESSION_KEY, None)


def allowed_paths(administration_id: int) -> set[str]:
    return {reverse(name, args=[administration_id]) for name in _ALLOWED_URL_NAMES} | {
        reverse("set_language")
    }


class RespondentLockMiddleware:
    """Send every request of a locked session back to the locked administration."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.get_response(request)
        administration_id = locked_administration_id(request)
        if (
            administration_id is not None
            and not request.path.startswith(settings.STATIC_URL)
            and request.path not in allowed_paths(administration_id)
        ):
            response: HttpResponse = redirect(
                "assessment:administer", administration_id=administration_id
            )
        else:
            response = self.get_response(request)
        patch_cache_control(response, private=True, no_store=True)
        return response
