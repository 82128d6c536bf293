"""Reads of NORR data (D5), always through ``families.access``."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from oneroof.cases.models import DIAGNOSIS_WITHIN, Case
from oneroof.families.access import FamilyAccess, access_for_family, cases_visible_to
from oneroof.organisation.models import Role
from oneroof.organisation.permissions import active_centre_id, active_role

from .models import Administration, Recommendation, SafetyAlert

ANSWERS = "answers"
RESULTS = "results"


def get_case_for(user: Any, case_id: int) -> Case:
    case = cases_visible_to(user).filter(pk=case_id).select_related("family", "centre").first()
    if case is None:
        raise Http404
    return case


def get_administration_for(
    user: Any, administration_id: int, need: str = ANSWERS
) -> tuple[Administration, FamilyAccess]:
    """The administration and the user's access to its family, or 404 when the user may not
    see this person's answers (``need=ANSWERS``) or results (``need=RESULTS``)."""
    administration = (
        Administration.objects.filter(pk=administration_id, case__in=cases_visible_to(user))
        .select_related("case__family", "case__centre", "person", "version")
        .first()
    )
    if administration is None:
        raise Http404
    access = access_for_family(user, administration.case.family)
    person_id = administration.person_id
    allowed = (
        access.sees_answers_of(person_id) if need == ANSWERS else access.sees_results_of(person_id)
    )
    if not allowed:
        raise Http404
    return administration, access


def administrations_of_case(case: Case, access: FamilyAccess) -> list[Administration]:
    """The case's administrations whose results the user may see, newest first."""
    return list(
        Administration.objects.filter(case=case, person_id__in=access.result_person_ids)
        .select_related("person", "version", "result", "administered_by")
        .order_by("-started_at")
    )


def alerts_visible_to(user: Any) -> QuerySet[SafetyAlert]:
    """Alerts on cases of the user's centre, for the roles that decide them; a case manager
    sees those of the cases they manage."""
    role = active_role(user)
    centre_id = active_centre_id(user)
    alerts = SafetyAlert.objects.select_related("case", "administration", "decided_by")
    if centre_id is None or role not in (Role.CASE_MANAGER, Role.CLINICAL_LEAD, Role.COORDINATOR):
        return alerts.none()
    alerts = alerts.filter(case__centre_id=centre_id)
    if role == Role.CASE_MANAGER:
        alerts = alerts.filter(case__case_manager=user)
    return alerts


def open_alerts_for(user: Any) -> QuerySet[SafetyAlert]:
    return alerts_visible_to(user).filter(decided_at__isnull=True).order_by("raised_at")


def recommendations_of(case: Case, access: FamilyAccess) -> list[Recommendation]:
    return list(
        Recommendation.objects.filter(
            case=case, administration__person_id__in=access.diagnosis_person_ids
        ).select_related("administration__person", "administration__version", "decided_by")
    )


def overdue_diagnoses(user: Any, today: date | None = None) -> QuerySet[Case]:
    """Cases of the user's centre still waiting for a completed diagnosis more than 14 days
    after the first contact (the Kraków model's target), oldest first."""
    today = today or timezone.localdate()
    centre_id = active_centre_id(user)
    if centre_id is None or active_role(user) not in (
        Role.CASE_MANAGER, Role.CLINICAL_LEAD, Role.COORDINATOR, Role.INTAKE,
    ):  # fmt: skip
        return Case.objects.none()
    diagnosed = Administration.objects.filter(
        case=OuterRef("pk"), status=Administration.Status.COMPLETED
    )
    cases = (
        Case.objects.filter(centre_id=centre_id)
        .exclude(status=Case.Status.CLOSED)
        .filter(~Exists(diagnosed))
        .filter(first_contact_on__lt=today - DIAGNOSIS_WITHIN)
    )
    if active_role(user) == Role.CASE_MANAGER:
        cases = cases.filter(Q(case_manager=user) | Q(team__user=user)).distinct()
    return cases.select_related("case_manager").order_by("first_contact_on")
