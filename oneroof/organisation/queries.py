"""Reads of organisation records, always limited to what the user may see."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet

from oneroof.core.access import get_visible_or_404

from .models import Centre, Membership, Room
from .permissions import active_centre_id


def centres_visible_to(user: Any) -> QuerySet[Centre]:
    """The centre of the user's active role (twin of ``permissions.can_view_centre``)."""
    centre_id = active_centre_id(user)
    if centre_id is None:
        return Centre.objects.none()
    return Centre.objects.filter(pk=centre_id)


def get_centre_for(user: Any, centre_id: object) -> Centre:
    """The centre with its operator, active rooms and active staff, or 404."""
    visible = (
        centres_visible_to(user)
        .select_related("operator")
        .prefetch_related(
            Prefetch("rooms", queryset=Room.objects.filter(is_active=True)),
            Prefetch(
                "memberships",
                queryset=Membership.objects.active()
                .select_related("user__institution")
                .order_by("role", "user__last_name", "user__first_name"),
            ),
        )
    )
    return get_visible_or_404(visible, centre_id)


def memberships_of(user: Any) -> QuerySet[Membership]:
    return Membership.objects.active().filter(user=user).select_related("centre")
