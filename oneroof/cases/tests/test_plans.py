"""The staged support plan: writing, approving, revisions, concurrent edits, the page."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from conftest import make_staff
from oneroof.accounts.models import User
from oneroof.audit.models import AuditEvent
from oneroof.cases import plans
from oneroof.cases.models import Case, CaseEvent, Goal, PlanStage, SupportPlan
from oneroof.families.tests.conftest import acting
from oneroof.organisation.models import Centre, Membership, Role
from oneroof.organisation.tests.factories import InstitutionFactory

TARGET = date(2030, 6, 30)


def _recommendation(case: Case, status: str, provider: str = "dom-terapii") -> Any:
    """An accepted (or other) NORR recommendation; by app label, as the cases app reads them."""
    person = case.family.members.first().person  # type: ignore[union-attr]
    administration = apps.get_model("assessment", "Administration").objects.create(
        case=case,
        person=person,
        version=apps.get_model("assessment", "InstrumentVersion").objects.get(
            code="NORR-P", version="1"
        ),
        form="adult",
        administered_by=case.case_manager,
    )
    return apps.get_model("assessment", "Recommendation").objects.create(
        administration=administration,
        case=case,
        code=f"rec-{status}-{provider}",
        text="Terapia par",
        provider=provider,
        status=status,
    )


def _plan_with_goal(case: Case, manager: User) -> tuple[SupportPlan, Goal]:
    plan = plans.create_plan(actor=manager, case=case)
    stage = plans.add_stage(actor=manager, plan=plan, name="Stabilizacja")
    goal = plans.add_goal(
        actor=manager,
        stage=stage,
        description="Bez przemocy przez 3 miesiące",
        target_date=TARGET,
        responsible=manager,
    )
    return plan, goal


def _submitted(case: Case, manager: User) -> SupportPlan:
    plan, _goal = _plan_with_goal(case, manager)
    return plans.submit_plan(actor=manager, plan=plan)


def test_two_stage_plan_from_accepted_recommendations(case: Case, actors: dict[str, User]) -> None:
    manager = actors["case_manager"]
    InstitutionFactory(code="dom-terapii")
    InstitutionFactory(code="mops")
    accepted = _recommendation(case, "accepted")
    edited = _recommendation(case, "edited", provider="mops")
    plan = plans.create_plan(actor=manager, case=case)
    first = plans.add_stage(actor=manager, plan=plan, name="Stabilizacja")
    second = plans.add_stage(actor=manager, plan=plan, name="Praca relacyjna")
    person = case.family.members.first().person  # type: ignore[union-attr]
    goal = plans.add_goal(
        actor=manager,
        stage=first,
        description="Bezpieczeństwo dzieci",
        target_date=TARGET,
        responsible=manager,
        concerns=[person],
    )
    one = plans.add_planned_help(
        actor=manager, stage=first, responsible=manager, from_recommendation=accepted
    )
    two = plans.add_planned_help(
        actor=manager, stage=second, responsible=manager, from_recommendation=edited
    )
    plans.add_goal(
        actor=manager, stage=second, description="Rozmowa", target_date=TARGET, responsible=manager
    )
    plan = plans.submit_plan(actor=manager, plan=plan)
    plan = plans.approve_plan(actor=actors["clinical_lead"], plan=plan, comment="Dobrze.")
    assert [stage.order for stage in plan.stages.all()] == [1, 2]
    assert list(goal.concerns.all()) == [person]
    assert (one.provider.code, one.from_recommendation_id) == ("dom-terapii", accepted.pk)
    assert (two.provider.code, two.description) == ("mops", "Terapia par")
    assert plan.status == SupportPlan.Status.APPROVED
    assert plan.approved_by == actors["clinical_lead"]


def test_only_accepted_recommendations_of_the_case(case: Case, actors: dict[str, User]) -> None:
    manager = actors["case_manager"]
    InstitutionFactory(code="dom-terapii")
    proposed = _recommendation(case, "proposed")
    plan = plans.create_plan(actor=manager, case=case)
    stage = plans.add_stage(actor=manager, plan=plan, name="Etap")
    with pytest.raises(ValidationError):
        plans.add_planned_help(
            actor=manager, stage=stage, responsible=manager, from_recommendation=proposed
        )


def test_only_the_case_manager_writes_the_plan(case: Case, actors: dict[str, User]) -> None:
    for role in ("therapist", "coordinator", "clinical_lead"):
        with pytest.raises(PermissionDenied):
            plans.create_plan(actor=actors[role], case=case)


def test_clinical_lead_approves(case: Case, actors: dict[str, User]) -> None:
    plan = _submitted(case, actors["case_manager"])
    plans.approve_plan(actor=actors["clinical_lead"], plan=plan, comment="OK")
    assert SupportPlan.objects.get().status == SupportPlan.Status.APPROVED


def test_case_manager_may_not_approve_own_plan(case: Case, actors: dict[str, User]) -> None:
    plan = _submitted(case, actors["case_manager"])
    with pytest.raises(PermissionDenied):
        plans.approve_plan(actor=actors["case_manager"], plan=plan, comment="OK")
    assert SupportPlan.objects.get().status == SupportPlan.Status.SUBMITTED


def test_approval_needs_a_comment(case: Case, actors: dict[str, User]) -> None:
    plan = _submitted(case, actors["case_manager"])
    with pytest.raises(ValidationError):
        plans.approve_plan(actor=actors["clinical_lead"], plan=plan, comment=" ")


def test_self_approval_only_with_the_clinical_lead_role(
    case: Case, actors: dict[str, User], centre: Centre
) -> None:
    """An author who also holds the clinical-lead role at the centre may approve, acting as
    clinical lead; acting as case manager they may not."""
    author = actors["case_manager"]
    plan = _submitted(case, author)
    Membership.objects.create(user=author, centre=centre, role=Role.CLINICAL_LEAD)
    with pytest.raises(PermissionDenied):
        plans.approve_plan(actor=author, plan=plan, comment="OK")
    author.active_membership = Membership.objects.get(user=author, role=Role.CLINICAL_LEAD)
    plans.approve_plan(actor=author, plan=plan, comment="OK")
    assert SupportPlan.objects.get().approved_by == author


def test_clinical_lead_of_another_centre_may_not_approve(
    case: Case, actors: dict[str, User], other_centre: Centre
) -> None:
    plan = _submitted(case, actors["case_manager"])
    stranger = acting(make_staff(Role.CLINICAL_LEAD, other_centre, "lead-elsewhere"))
    with pytest.raises(PermissionDenied):
        plans.approve_plan(actor=stranger, plan=plan, comment="OK")


def test_submit_writes_a_revision_snapshot(case: Case, actors: dict[str, User]) -> None:
    plan = _submitted(case, actors["case_manager"])
    revision = plan.revisions.get()
    assert (revision.revision, revision.changed_by) == (1, actors["case_manager"])
    assert revision.snapshot["stages"][0]["name"] == "Stabilizacja"
    assert revision.snapshot["stages"][0]["goals"][0]["description"].startswith("Bez przemocy")
    assert CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.PLAN_SUBMITTED).exists()


def test_editing_an_approved_plan_starts_a_new_revision(
    case: Case, actors: dict[str, User]
) -> None:
    manager = actors["case_manager"]
    plan = _submitted(case, manager)
    plans.approve_plan(actor=actors["clinical_lead"], plan=plan, comment="OK")
    goal = Goal.objects.get()
    plans.edit_goal(
        actor=manager, goal=goal, description="Nowy opis", target_date=TARGET, expected_version=1
    )
    plan.refresh_from_db()
    assert (plan.status, plan.revision, plan.approved_by) == (SupportPlan.Status.DRAFT, 2, None)
    plans.submit_plan(actor=manager, plan=plan)
    assert sorted(plan.revisions.values_list("revision", flat=True)) == [1, 1, 2]
    newest = plan.revisions.filter(revision=2).get()
    assert newest.snapshot["stages"][0]["goals"][0]["description"] == "Nowy opis"


def test_second_concurrent_goal_edit_is_refused(
    case: Case, actors: dict[str, User], centre: Centre
) -> None:
    manager = actors["case_manager"]
    _plan, goal = _plan_with_goal(case, manager)
    first_copy, second_copy = Goal.objects.get(pk=goal.pk), Goal.objects.get(pk=goal.pk)
    plans.edit_goal(
        actor=manager,
        goal=first_copy,
        description="Pierwsza wersja",
        target_date=TARGET,
        expected_version=first_copy.version,
    )
    with translation.override("pl"), pytest.raises(plans.StaleEditError) as stale:
        plans.edit_goal(
            actor=manager,
            goal=second_copy,
            description="Druga wersja",
            target_date=date(2031, 1, 1),
            expected_version=second_copy.version,
        )
    assert stale.value.messages == [
        "Ktoś inny zmienił w międzyczasie ten cel; Twoje zmiany nie zostały zapisane."
    ]
    assert "-Pierwsza wersja" in stale.value.diff and "+Druga wersja" in stale.value.diff
    goal.refresh_from_db()
    assert (goal.description, goal.target_date, goal.version) == ("Pierwsza wersja", TARGET, 2)


def test_the_page_shows_the_stale_message_and_diff(
    case: Case,
    actors: dict[str, User],
    client: Client,
    sign_in: Callable[[Client, User], Client],
) -> None:
    manager = actors["case_manager"]
    _plan, goal = _plan_with_goal(case, manager)
    plans.edit_goal(
        actor=manager, goal=goal, description="Pierwsza", target_date=TARGET, expected_version=1
    )
    sign_in(client, manager)
    response = client.post(
        reverse("cases:plan-goal-edit", args=[case.pk, goal.pk]),
        {"description": "Druga", "target_date": "2030-06-30", "version": "1"},
        HTTP_ACCEPT_LANGUAGE="pl",
    )
    assert response.status_code == 409
    content = response.content.decode()
    assert "Twoje zmiany nie zostały zapisane" in content
    assert "+Druga" in content
    goal.refresh_from_db()
    assert goal.description == "Pierwsza"


def test_every_write_is_audited(case: Case, actors: dict[str, User]) -> None:
    manager = actors["case_manager"]
    InstitutionFactory(code="dom-terapii")
    plan, goal = _plan_with_goal(case, manager)
    plans.edit_goal(
        actor=manager, goal=goal, description="Inny", target_date=TARGET, expected_version=1
    )
    plans.add_planned_help(
        actor=manager,
        stage=PlanStage.objects.get(),
        responsible=manager,
        from_recommendation=_recommendation(case, "accepted"),
    )
    plans.submit_plan(actor=manager, plan=plan)
    plans.approve_plan(actor=actors["clinical_lead"], plan=plan, comment="Tajny komentarz")
    events = AuditEvent.objects.filter(action__startswith="cases.plan_").order_by("pk")
    assert [event.action for event in events] == [
        "cases.plan_created",
        "cases.plan_stage_added",
        "cases.plan_goal_added",
        "cases.plan_goal_edited",
        "cases.plan_help_added",
        "cases.plan_submitted",
        "cases.plan_approved",
    ]
    for event in events:
        assert event.target_label == case.number
        assert "Inny" not in str(event.changes) and "Tajny" not in str(event.changes)
        assert "Stabilizacja" not in str(event.changes)


def test_closed_case_is_read_only(case: Case, actors: dict[str, User]) -> None:
    manager = actors["case_manager"]
    plan, goal = _plan_with_goal(case, manager)
    Case.objects.filter(pk=case.pk).update(status=Case.Status.CLOSED)
    plan.refresh_from_db()
    goal.refresh_from_db()
    with pytest.raises(ValidationError):
        plans.add_stage(actor=manager, plan=plan, name="Kolejny")
    with pytest.raises(ValidationError):
        plans.edit_goal(
            actor=manager, goal=goal, description="X", target_date=TARGET, expected_version=1
        )
    with pytest.raises(ValidationError):
        plans.submit_plan(actor=manager, plan=plan)


@pytest.mark.parametrize("role", ["case_manager", "therapist", "clinical_lead"])
def test_whoever_sees_the_case_sees_the_plan(
    case: Case,
    actors: dict[str, User],
    client: Client,
    sign_in: Callable[[Client, User], Client],
    role: str,
) -> None:
    _plan_with_goal(case, actors["case_manager"])
    sign_in(client, actors[role])
    response = client.get(reverse("cases:plan", args=[case.pk]))
    assert response.status_code == 200
    assert "Bez przemocy" in response.content.decode()


def test_approve_through_the_page(
    case: Case,
    actors: dict[str, User],
    client: Client,
    sign_in: Callable[[Client, User], Client],
) -> None:
    _submitted(case, actors["case_manager"])
    sign_in(client, actors["clinical_lead"])
    response = client.post(reverse("cases:plan-approve", args=[case.pk]), {"comment": "OK"})
    assert response.status_code == 302
    assert SupportPlan.objects.get().status == SupportPlan.Status.APPROVED


def _plan_page_queries(client: Client, case: Case) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("cases:plan", args=[case.pk])).status_code == 200
    return len(queries)


def test_plan_page_query_count_is_constant(
    case: Case,
    actors: dict[str, User],
    client: Client,
    sign_in: Callable[[Client, User], Client],
) -> None:
    manager = actors["case_manager"]
    person = case.family.members.first().person  # type: ignore[union-attr]
    _plan, goal = _plan_with_goal(case, manager)
    goal.concerns.set([person])
    sign_in(client, manager)
    one = _plan_page_queries(client, case)
    for n in range(9):
        extra = plans.add_goal(
            actor=manager,
            stage=goal.stage,
            description=f"Cel {n}",
            target_date=TARGET,
            responsible=manager,
            concerns=[person],
        )
        assert extra.pk
    assert _plan_page_queries(client, case) == one
