from __future__ import annotations

from django.http import HttpRequest

from .permissions import can_browse_audit, can_use_admin


def navigation(request: HttpRequest) -> dict[str, bool]:
    """Which sections the navigation offers: the same predicates the views check."""
    user = getattr(request, "user", None)
    return {
        "can_browse_audit": bool(user is not None and can_browse_audit(user)),
        "can_use_admin": bool(user is not None and can_use_admin(user)),
    }
