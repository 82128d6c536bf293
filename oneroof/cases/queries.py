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

from oneroof.families.access import (
    FamilyAccess,
    access_for_family,
    cases_visible_to,
    note_visible_to,
)

from .models import (
    DIAGNOSIS_WITHIN,
    Case,
    CaseEvent,
    CaseNote,
    CaseTeamMember,
    Goal,
    PlannedHelp,
    PlanRevision,
    PlanStage,
    SupportPlan,
)


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


def notes_visible_to(user: Any, case: Case, access: FamilyAccess | None = None) -> list[CaseNote]:
    """The case's original notes the user may read, newest first, each with its
    ``corrections`` (oldest first), ``about`` and ``restricted_to`` loaded: a fixed number of
    queries however many notes. Every note passes ``families.access.note_visible_to``.

    ``case`` should come from ``get_case_for`` (its team is loaded); ``access`` is the user's
    access to the family when the caller already has it.
    """
    access = access or access_for_family(user, case.family)
    notes = list(
        case.notes.filter(corrects__isnull=True)
        .select_related("author")
        .prefetch_related(
            "about",
            "restricted_to",
            Prefetch(
                "corrections",
                queryset=CaseNote.objects.select_related("author").order_by("created_at", "pk"),
            ),
        )
        .order_by("-created_at", "-pk")
    )
    return [note for note in notes if note_visible_to(user, note, access)]


def get_note_for(user: Any, case: Case, note_id: int) -> CaseNote:
    """One original note of the case the user may read, or 404 (also for corrections)."""
    for note in notes_visible_to(user, case):
        if note.pk == note_id:
            return note
    raise Http404


def plan_of(case: Case) -> SupportPlan | None:
    """The case's support plan with its stages, goals (persons concerned, responsible),
    planned help and revision history, in a fixed number of queries; None if there is none.
    ``case`` must come from ``get_case_for`` (visibility is decided there)."""
    return (
        SupportPlan.objects.filter(case=case)
        .select_related("author", "approved_by")
        .prefetch_related(
            Prefetch(
                "stages",
                queryset=PlanStage.objects.order_by("order", "pk").prefetch_related(
                    Prefetch(
                        "goals",
                        queryset=Goal.objects.select_related("responsible").prefetch_related(
                            "concerns"
                        ),
                    ),
                    Prefetch(
                        "helps",
                        queryset=PlannedHelp.objects.select_related("provider", "responsible"),
                    ),
                ),
            ),
            Prefetch("revisions", queryset=PlanRevision.objects.select_related("changed_by")),
        )
        .first()
    )
