from __future__ import annotations

import csv

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from oneroof.core.types import AuthenticatedRequest
from oneroof.organisation.models import Role
from oneroof.organisation.permissions import can_browse_audit

from . import services
from .filters import AuditEventFilter
from .queries import audit_events_visible_to, get_audit_event_for

PAGE_SIZE = 50
ROLE_LABELS = dict(Role.choices)
EXPORT_COLUMNS = (
    "seq", "occurred_at", "actor_label", "role", "centre_label", "action",
    "target_type", "target_id", "target_label", "changes", "reason", "ip_address",
)  # fmt: skip


def _require_browser(request: AuthenticatedRequest) -> None:
    if not can_browse_audit(request.user):
        raise PermissionDenied


@require_GET
def event_list(request: AuthenticatedRequest) -> HttpResponse:
    _require_browser(request)
    events = AuditEventFilter(request.GET, queryset=audit_events_visible_to(request.user))
    page = Paginator(events.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    for event in page:
        event.role_label = ROLE_LABELS.get(event.role, event.role)
    services.record_view(actor=request.user, action="audit.events_viewed")
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/event_list.html",
        {"filter": events, "page": page, "query": query.urlencode()},
    )


@require_GET
def event_detail(request: AuthenticatedRequest, event_id: int) -> HttpResponse:
    _require_browser(request)
    event = get_audit_event_for(request.user, event_id)
    event.role_label = ROLE_LABELS.get(event.role, event.role)  # type: ignore[attr-defined]
    services.record_view(actor=request.user, action="audit.event_viewed", target=event)
    return render(request, "audit/event_detail.html", {"event": event})


class _Echo:
    def write(self, value: str) -> str:
        return value


@require_GET
def event_export(request: AuthenticatedRequest) -> StreamingHttpResponse:
    """The filtered events as CSV, streamed; the export itself is an audited read."""
    _require_browser(request)
    events = AuditEventFilter(request.GET, queryset=audit_events_visible_to(request.user)).qs
    services.record_view(actor=request.user, action="audit.events_exported")
    writer = csv.writer(_Echo())
    rows = (
        writer.writerow([_cell(value) for value in row])
        for row in events.values_list(*EXPORT_COLUMNS).iterator(chunk_size=2000)
    )
    header = (writer.writerow(EXPORT_COLUMNS),)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = StreamingHttpResponse(
        (line for chunk in (header, rows) for line in chunk), content_type="text/csv"
    )
    response["Content-Disposition"] = f'attachment; filename="audyt-{stamp}.csv"'
    return response


def _cell(value: object) -> str:
    # Spreadsheets execute cells that start with these characters (CSV formula injection).
    text = "" if value is None else str(value)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
