"""Reads of cases, always starting from ``families.access.cases_visible_to``."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.apps import apps
from django.db.models import (
    BooleanField,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models import (
    Case as When_,
)
from django.http import Http404
from django.utils import timezone

from oneroof.families.access import cases_visible_to

from .models import DIAGNOSIS_WITHIN, Case, CaseEvent, CaseTeamMember


def _diagnosed() -> Exists:
    # By app label, not import: assessment builds on cases, not the other way round.
    administration = apps.get_model("assessment", "Administration")
    return Exists(administration.objects.filter(case=OuterRef("pk"), status="completed"))


def with_overdue_flag(cases: QuerySet[Case], today: date | None = None) -> QuerySet[Case]:
    """Annotate ``diagnosis_overdue``: open, no completed NORR diagnosis, and more than
    ``DIAGNOSIS_WITHIN`` since the first contact (as ``assessment.queries.overdue_diagnoses``)."""
    today = today or timezone.localdate()
    overdue = (
        ~Q(status=Case.Status.CLOSED)
        & Q(first_contact_on__lt=today - DIAGNOSIS_WITHIN)
        & ~Q(diagnosed=True)
    )
    return cases.annotate(diagnosed=_diagnosed()).annotate(
        diagnosis_overdue=When_(
            When(overdue, then=Value(True)), default=Value(False), output_field=BooleanField()
        )
    )


def case_list_for(user: Any, filters: Mapping[str, Any] | None = None) -> QuerySet[Case]:
    """The case index (D1) of the user's active centre, with what the list shows, in one
    query. ``filters``: ``status``, ``case_manager`` (a user or id), ``overdue`` (bool)."""
    filters = filters or {}
    cases = with_overdue_flag(
        cases_visible_to(user).select_related("family", "centre", "case_manager")
    )
    if filters.get("status"):
        cases = cases.filter(status=filters["status"])
    if filters.get("case_manager"):
        cases = cases.filter(case_manager=filters["case_manager"])
    if filters.get("overdue"):
        cases = cases.filter(Q(diagnosis_overdue=True))
    return cases.order_by("-opened_at", "-pk")


def get_case_for(user: Any, case_id: int) -> Case:
    """The case with what its page shows (timeline, team with works-with persons) in a fixed
    number of queries, or 404 outside ``cases_visible_to``."""
    case = (
        with_overdue_flag(cases_visible_to(user).filter(pk=case_id))
        .select_related("family", "centre", "case_manager")
        .prefetch_related(
            Prefetch(
                "events",
                queryset=CaseEvent.objects.select_related("actor", "subject_user").order_by(
                    "-occurred_at", "-pk"
                ),
            ),
            Prefetch(
                "team",
                queryset=CaseTeamMember.objects.select_related("user")
                .prefetch_related("works_with")
                .order_by("added_at", "pk"),
            ),
        )
        .first()
    )
    if case is None:
        raise Http404
    return case
