"""What each role's home page shows. Reads only; a fixed number of queries per role."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Count, Q, Window
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from oneroof.accounts.models import User
from oneroof.assessment.queries import open_alerts_for, overdue_diagnoses
from oneroof.audit.models import AuditEvent
from oneroof.audit.queries import audit_events_visible_to
from oneroof.organisation.models import Centre, Membership, Role
from oneroof.organisation.permissions import active_centre_id, active_role
from oneroof.tasks.permissions import TASK_ROLES
from oneroof.tasks.queries import my_task_counts

RECENT_EVENTS = 10
OPEN_ALERTS_SHOWN = 10
# The roles that decide safety alerts and answer for the diagnosis deadline of their centre.
DIAGNOSIS_WATCH_ROLES = frozenset({Role.CASE_MANAGER, Role.CLINICAL_LEAD, Role.COORDINATOR})


@dataclass
class HomePage:
    template: str
    context: dict[str, Any] = field(default_factory=dict)


def home_for(user: Any) -> HomePage:
    role = active_role(user)
    if role is None:
        return HomePage("dashboard/home_no_role.html")
    if role == Role.DPO:
        return HomePage("dashboard/home_dpo.html", _dpo_context(user))
    if role == Role.SYSADMIN:
        return HomePage("dashboard/home_sysadmin.html", _sysadmin_context())
    context = _centre_context(user)
    if role in (Role.COORDINATOR, Role.CLINICAL_LEAD):
        context["recent_events"] = list(audit_events_visible_to(user)[:RECENT_EVENTS])
    if role in DIAGNOSIS_WATCH_ROLES:
        context.update(_diagnosis_context(user))
    if role in TASK_ROLES:
        context["task_counts"] = my_task_counts(user)
    return HomePage(f"dashboard/home_{role}.html", context)


def _centre_context(user: Any) -> dict[str, Any]:
    centre_id = active_centre_id(user)
    assert centre_id is not None  # noqa: S101 - home_for routes only centre roles here
    centre = (
        Centre.objects.select_related("operator")
        .annotate(room_count=Count("rooms", filter=Q(rooms__is_active=True)))
        .get(pk=centre_id)
    )
    team = list(
        Membership.objects.active()
        .filter(centre=centre)
        .select_related("user__institution")
        .order_by("role", "user__last_name", "user__first_name")
    )
    return {"centre": centre, "team": team}


def _diagnosis_context(user: Any) -> dict[str, Any]:
    """Open safety alerts and overdue diagnoses of the centre, in two queries: the window
    count carries the number of all open alerts on each of the first few rows."""
    alerts = list(
        open_alerts_for(user).annotate(open_total=Window(Count("pk")))[:OPEN_ALERTS_SHOWN]
    )
    return {
        "open_alerts": alerts,
        "open_alert_count": alerts[0].open_total if alerts else 0,
        "overdue_count": overdue_diagnoses(user).count(),
    }


def _dpo_context(user: Any) -> dict[str, Any]:
    since = timezone.now() - timedelta(hours=24)
    day = AuditEvent.objects.filter(occurred_at__gte=since).aggregate(
        events=Count("pk"), failed_logins=Count("pk", filter=Q(action="accounts.login_failed"))
    )
    return {
        "events_24h": day["events"],
        "failed_logins_24h": day["failed_logins"],
        "locked_out": _locked_out_count(),
        "recent_events": list(audit_events_visible_to(user)[:RECENT_EVENTS]),
    }


def _sysadmin_context() -> dict[str, Any]:
    staff = User.objects.filter(is_active=True).aggregate(
        total=Count("pk"),
        without_2fa=Count(
            "pk",
            filter=~Q(pk__in=TOTPDevice.objects.filter(confirmed=True).values("user_id")),
        ),
    )
    centres = list(
        Centre.objects.annotate(
            room_count=Count("rooms", filter=Q(rooms__is_active=True), distinct=True),
            staff_count=Count(
                "memberships__user",
                filter=Q(memberships__is_active=True, memberships__user__is_active=True),
                distinct=True,
            ),
        ).order_by("name", "address")
    )
    return {
        "staff_total": staff["total"],
        "staff_without_2fa": staff["without_2fa"],
        "locked_out": _locked_out_count(),
        "centres": centres,
    }


def _locked_out_count() -> int:
    limit = settings.AXES_FAILURE_LIMIT
    return int(AccessAttempt.objects.filter(failures_since_start__gte=limit).count())
