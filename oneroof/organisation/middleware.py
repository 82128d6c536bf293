from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from .queries import memberships_of

SESSION_KEY = "active_membership_id"


class ActiveMembershipMiddleware:
    """Attach the user's roles and the one they act in now to the request (one query)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        request.memberships = []  # type: ignore[attr-defined]
        if user.is_authenticated:
            memberships = list(memberships_of(user))
            chosen_id = request.session.get(SESSION_KEY)
            active = next((m for m in memberships if m.pk == chosen_id), None)
            if active is None and memberships:
                active = memberships[0]
            user.active_membership = active
            request.memberships = memberships  # type: ignore[attr-defined]
        return self.get_response(request)
