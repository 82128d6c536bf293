from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from .models import AuditEvent


class AuditEventFilter(django_filters.FilterSet):
    """Filters of the audit browser; applied on top of what the user may see."""

    occurred_from = django_filters.DateFilter(
        field_name="occurred_at", lookup_expr="date__gte", label=_("From (date)")
    )
    occurred_to = django_filters.DateFilter(
        field_name="occurred_at", lookup_expr="date__lte", label=_("To (date)")
    )
    actor = django_filters.CharFilter(
        field_name="actor_label", lookup_expr="iexact", label=_("Actor (login)")
    )
    action = django_filters.CharFilter(
        field_name="action", lookup_expr="startswith", label=_("Action (prefix)")
    )
    target_type = django_filters.CharFilter(
        field_name="target_type", lookup_expr="exact", label=_("Record type")
    )
    target_id = django_filters.CharFilter(
        field_name="target_id", lookup_expr="exact", label=_("Record id")
    )

    class Meta:
        model = AuditEvent
        fields: list[str] = []
