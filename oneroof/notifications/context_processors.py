from __future__ import annotations

from functools import cache

from django.http import HttpRequest

from .queries import unread_count


def unread_notifications(request: HttpRequest) -> dict[str, object]:
    """The header's unread count. The template calls the callable when it renders the header,
    so a page that never shows it costs no query, and one that does costs exactly one."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_notifications": 0}
    return {"unread_notifications": cache(lambda: unread_count(user))}
