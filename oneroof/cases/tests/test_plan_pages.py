"""Building the plan on its page (stages, goals, forms of help; edits and removals that lose
nothing), the partner wall on the plan, and the plan printed for a family member to sign."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from conftest import pdf_text
from oneroof.accounts.models import User
from oneroof.audit.models import AuditEvent
from oneroof.cases import plans, printing
from oneroof.cases.models import Case, Goal, PlannedHelp, PlanStage, SupportPlan
from oneroof.cases.tests.factories import CaseFactory, CaseTeamMemberFactory
from oneroof.families.access import persons_hidden_from_member
from oneroof.families.models import SafetyFlag
from oneroof.families.tests import conftest as families_conftest
from oneroof.families.tests.conftest import WalledFamily
from oneroof.families.tests.factories import (
    FamilyFactory,
    FamilyMemberFactory,
    PersonFactory,
)
from oneroof.organisation.tests.factories import InstitutionFactory

from .test_plans import TARGET, _plan_with_goal, _recommendation

walled_family = families_conftest.walled_family
SignIn = Callable[[Client, User], Client]
POLISH = {"HTTP_ACCEPT_LANGUAGE": "pl"}


def _post(client: Client, url_name: str, /, *args: int, **data: object) -> object:
    return client.post(reverse(url_name, args=args), data, **POLISH)


@pytest.fixture
def manager(actors: dict[str, User], client: Client, sign_in: SignIn) -> User:
    sign_in(client, actors["case_manager"])
    return actors["case_manager"]


# --- stages ----------------------------------------------------------------------------------


def test_case_manager_adds_a_stage_on_the_page(case: Case, manager: User, client: Client) -> None:
    plans.create_plan(actor=manager, case=case)
    response = _post(
        client, "cases:plan-stage-add", case.pk, name="Stabilizacja", review_on="2030-01-15"
    )
    assert response.status_code == 302  # type: ignore[attr-defined]
    stage = PlanStage.objects.get()
    assert (stage.name, stage.review_on, stage.order) == ("Stabilizacja", date(2030, 1, 15), 1)


def test_a_stage_without_a_name_is_refused_and_nothing_saved(
    case: Case, manager: User, client: Client
) -> None:
    plans.create_plan(actor=manager, case=case)
    response = client.post(
        reverse("cases:plan-stage-add", args=[case.pk]), {"name": "  "}, follow=True, **POLISH
    )
    assert "To pole jest wymagane." in response.content.decode()
    assert not PlanStage.objects.exists()


def test_therapist_may_not_add_a_stage(
    case: Case, actors: dict[str, User], client: Client, sign_in: SignIn
) -> None:
    plans.create_plan(actor=actors["case_manager"], case=case)
    CaseTeamMemberFactory(case=case, user=actors["therapist"])
    sign_in(client, actors["therapist"])
    response = _post(client, "cases:plan-stage-add", case.pk, name="Etap")
    assert response.status_code == 403  # type: ignore[attr-defined]
    assert not PlanStage.objects.exists()


def test_stale_stage_edit_is_refused_with_a_polish_message_and_a_diff(
    case: Case, manager: User, client: Client
) -> None:
    plan = plans.create_plan(actor=manager, case=case)
    stage = plans.add_stage(actor=manager, plan=plan, name="Stabilizacja")
    plans.edit_stage(
        actor=manager, stage=stage, name="Bezpieczeństwo", review_on=None, expected_version=1
    )
    response = _post(
        client, "cases:plan-stage-edit", case.pk, stage.pk, name="Moja nazwa", version=1
    )
    assert response.status_code == 409  # type: ignore[attr-defined]
    content = response.content.decode()  # type: ignore[attr-defined]
    assert "Twoje zmiany nie zostały zapisane" in content
    assert "-Bezpieczeństwo" in content and "+Moja nazwa" in content
    stage.refresh_from_db()
    assert (stage.name, stage.version) == ("Bezpieczeństwo", 2)


def test_a_stage_with_goals_is_not_removed(case: Case, manager: User) -> None:
    _plan, goal = _plan_with_goal(case, manager)
    with translation.override("pl"), pytest.raises(ValidationError) as refused:
        plans.remove_stage(actor=manager, stage=goal.stage, expected_version=1)
    assert refused.value.messages == ["Najpierw usuń cele i formy pomocy tego etapu."]
    assert PlanStage.objects.filter(pk=goal.stage_id).exists()


def test_removing_an_empty_stage_moves_the_later_ones_up(
    case: Case, manager: User, client: Client
) -> None:
    plan = plans.create_plan(actor=manager, case=case)
    first = plans.add_stage(actor=manager, plan=plan, name="Pierwszy")
    plans.add_stage(actor=manager, plan=plan, name="Drugi")
    plans.add_stage(actor=manager, plan=plan, name="Trzeci")
    response = _post(client, "cases:plan-stage-remove", case.pk, first.pk, version=1)
    assert response.status_code == 302  # type: ignore[attr-defined]
    assert list(PlanStage.objects.values_list("order", "name")) == [(1, "Drugi"), (2, "Trzeci")]
    assert AuditEvent.objects.filter(action="cases.plan_stage_removed").count() == 1


def test_a_stage_of_another_plan_answers_404(case: Case, manager: User, client: Client) -> None:
    plans.create_plan(actor=manager, case=case)
    other_family = FamilyFactory(registered_at=case.centre)
    FamilyMemberFactory(family=other_family)
    other_case = CaseFactory(family=other_family, centre=case.centre, case_manager=manager)
    other_stage = plans.add_stage(
        actor=manager, plan=plans.create_plan(actor=manager, case=other_case), name="Obcy"
    )
    response = _post(client, "cases:plan-stage-remove", case.pk, other_stage.pk, version=1)
    assert response.status_code == 404  # type: ignore[attr-defined]
    assert PlanStage.objects.filter(pk=other_stage.pk).exists()


# --- goals -----------------------------------------------------------------------------------


def test_case_manager_adds_a_goal_for_family_members(
    case: Case, manager: User, client: Client
) -> None:
    plan = plans.create_plan(actor=manager, case=case)
    stage = plans.add_stage(actor=manager, plan=plan, name="Stabilizacja")
    person = case.family.members.get().person
    response = _post(
        client,
        "cases:plan-goal-add",
        case.pk,
        stage=stage.pk,
        description="Trzy spokojne rozmowy w tygodniu",
        target_date="2030-03-01",
        responsible=manager.pk,
        concerns=[person.pk],
    )
    assert response.status_code == 302  # type: ignore[attr-defined]
    goal = Goal.objects.get()
    assert (goal.stage, goal.target_date, list(goal.concerns.all())) == (
        stage,
        date(2030, 3, 1),
        [person],
    )


def test_a_goal_about_someone_outside_the_family_is_refused(
    case: Case, manager: User, client: Client
) -> None:
    plan = plans.create_plan(actor=manager, case=case)
    stage = plans.add_stage(actor=manager, plan=plan, name="Stabilizacja")
    stranger = PersonFactory()
    response = client.post(
        reverse("cases:plan-goal-add", args=[case.pk]),
        {
            "stage": stage.pk,
            "description": "Cel",
            "target_date": "2030-03-01",
            "responsible": manager.pk,
            "concerns": [stranger.pk],
        },
        follow=True,
        **POLISH,
    )
    assert "Wybierz poprawną wartość" in response.content.decode()
    assert not Goal.objects.exists()


def test_stale_goal_removal_removes_nothing(case: Case, manager: User, client: Client) -> None:
    _plan, goal = _plan_with_goal(case, manager)
    plans.edit_goal(
        actor=manager, goal=goal, description="Nowszy", target_date=TARGET, expected_version=1
    )
    response = _post(client, "cases:plan-goal-remove", case.pk, goal.pk, version=1)
    assert response.status_code == 409  # type: ignore[attr-defined]
    assert "nic nie zostało usunięte" in response.content.decode()  # type: ignore[attr-defined]
    assert Goal.objects.filter(pk=goal.pk).exists()


def test_goal_removal_is_audited_and_the_plan_goes_back_to_draft(
    case: Case, actors: dict[str, User], manager: User, client: Client
) -> None:
    plan, goal = _plan_with_goal(case, manager)
    plans.submit_plan(actor=manager, plan=plan)
    plans.approve_plan(actor=actors["clinical_lead"], plan=plan, comment="Tak.")
    _post(client, "cases:plan-goal-remove", case.pk, goal.pk, version=1)
    plan.refresh_from_db()
    assert not Goal.objects.exists()
    assert (plan.status, plan.revision) == (SupportPlan.Status.DRAFT, 2)
    assert AuditEvent.objects.filter(action="cases.plan_goal_removed").count() == 1


# --- forms of help ---------------------------------------------------------------------------


def test_help_from_an_accepted_recommendation_on_the_page(
    case: Case, manager: User, client: Client
) -> None:
    InstitutionFactory(code="dom-terapii")
    accepted = _recommendation(case, "accepted")
    plan = plans.create_plan(actor=manager, case=case)
    stage = plans.add_stage(actor=manager, plan=plan, name="Praca relacyjna")
    page = client.get(reverse("cases:plan", args=[case.pk]), **POLISH)
    assert "Terapia par" in page.content.decode()  # offered in the form
    _post(
        client,
        "cases:plan-help-add",
        case.pk,
        stage=stage.pk,
        from_recommendation=accepted.pk,
        responsible=manager.pk,
    )
    help_ = PlannedHelp.objects.get()
    assert (help_.from_recommendation_id, help_.provider.code) == (accepted.pk, "dom-terapii")


def test_help_by_hand_needs_a_description(case: Case, manager: User, client: Client) -> None:
    plan = plans.create_plan(actor=manager, case=case)
    stage = plans.add_stage(actor=manager, plan=plan, name="Etap")
    response = client.post(
        reverse("cases:plan-help-add", args=[case.pk]),
        {"stage": stage.pk, "responsible": manager.pk},
        follow=True,
        **POLISH,
    )
    assert "Wybierz rekomendację albo opisz formę pomocy." in response.content.decode()
    assert not PlannedHelp.objects.exists()


def test_help_is_removed_with_its_version(case: Case, manager: User, client: Client) -> None:
    provider = InstitutionFactory(code="mcpu")
    plan = plans.create_plan(actor=manager, case=case)
    stage = plans.add_stage(actor=manager, plan=plan, name="Etap")
    help_ = plans.add_planned_help(
        actor=manager,
        stage=stage,
        responsible=manager,
        description="Konsultacja",
        provider=provider,
    )
    response = _post(client, "cases:plan-help-remove", case.pk, help_.pk, version=1)
    assert response.status_code == 302  # type: ignore[attr-defined]
    assert not PlannedHelp.objects.exists()
    assert AuditEvent.objects.filter(action="cases.plan_help_removed").count() == 1


def test_closed_case_plan_cannot_be_changed(case: Case, manager: User, client: Client) -> None:
    plans.create_plan(actor=manager, case=case)
    Case.objects.filter(pk=case.pk).update(status=Case.Status.CLOSED)
    response = _post(client, "cases:plan-stage-add", case.pk, name="Etap")
    assert response.status_code == 403  # type: ignore[attr-defined]
    assert not PlanStage.objects.exists()


# --- the partner wall on the plan ------------------------------------------------------------


@pytest.fixture
def walled_plan(walled_family: WalledFamily, actors: dict[str, User]) -> WalledFamily:
    """The walled family's plan: one goal for the mother (protected from the father), one
    for the child; the therapist works with the father only."""
    manager = actors["case_manager"]
    walled_family.case.case_manager = manager
    walled_family.case.save()
    team = CaseTeamMemberFactory(case=walled_family.case, user=actors["therapist"])
    team.works_with.set([walled_family.father])
    plan = plans.create_plan(actor=manager, case=walled_family.case)
    stage = plans.add_stage(actor=manager, plan=plan, name="Stabilizacja")
    for text, person in (
        ("Plan bezpieczeństwa matki", walled_family.mother),
        ("Spokojne wyjścia do szkoły", walled_family.child),
    ):
        plans.add_goal(
            actor=manager,
            stage=stage,
            description=text,
            target_date=TARGET,
            responsible=manager,
            concerns=[person],
        )
    plans.submit_plan(actor=manager, plan=plan)
    plans.approve_plan(actor=actors["clinical_lead"], plan=plan, comment="Zatwierdzam.")
    return walled_family


def test_a_goal_about_the_mother_is_not_shown_to_the_fathers_therapist(
    walled_plan: WalledFamily, actors: dict[str, User], client: Client, sign_in: SignIn
) -> None:
    sign_in(client, actors["therapist"])
    content = client.get(reverse("cases:plan", args=[walled_plan.case.pk])).content.decode()
    assert "Spokojne wyjścia do szkoły" in content
    assert "Plan bezpieczeństwa matki" not in content


def test_the_case_manager_sees_every_goal(
    walled_plan: WalledFamily, actors: dict[str, User], client: Client, sign_in: SignIn
) -> None:
    sign_in(client, actors["case_manager"])
    content = client.get(reverse("cases:plan", args=[walled_plan.case.pk])).content.decode()
    assert "Plan bezpieczeństwa matki" in content


# --- printing for signature ------------------------------------------------------------------


def _pdf(client: Client, case: Case, person_id: int) -> object:
    return client.get(reverse("cases:plan-pdf", args=[case.pk]), {"osoba": person_id}, **POLISH)


def test_printout_for_the_father_leaves_out_the_mother_and_all_protected_data(
    walled_plan: WalledFamily, actors: dict[str, User], client: Client, sign_in: SignIn
) -> None:
    sign_in(client, actors["case_manager"])
    response = _pdf(client, walled_plan.case, walled_plan.father.pk)
    assert response["Content-Type"] == "application/pdf"  # type: ignore[index]
    text = pdf_text(response.content)  # type: ignore[attr-defined]
    assert "Spokojne wyjścia do szkoły" in text
    assert "Zatwierdzam." not in text  # the approval comment is internal
    mother = walled_plan.mother
    assert "Plan bezpieczeństwa matki" not in text
    assert mother.first_name not in text
    for person in (walled_plan.father, mother, walled_plan.child):
        assert person.pesel not in text if person.pesel else True
        assert person.contact.address not in text
        assert person.contact.phone not in text


def test_printout_for_the_mother_holds_her_goal(
    walled_plan: WalledFamily, actors: dict[str, User], client: Client, sign_in: SignIn
) -> None:
    sign_in(client, actors["case_manager"])
    text = pdf_text(_pdf(client, walled_plan.case, walled_plan.mother.pk).content)  # type: ignore[attr-defined]
    assert "Plan bezpieczeństwa matki" in text


def test_printout_is_audited_with_the_signatory(
    walled_plan: WalledFamily, actors: dict[str, User], client: Client, sign_in: SignIn
) -> None:
    sign_in(client, actors["case_manager"])
    _pdf(client, walled_plan.case, walled_plan.father.pk)
    event = AuditEvent.objects.get(action="cases.plan_printed")
    assert event.changes["signatory"] == [None, walled_plan.father.pk]


def test_a_child_cannot_be_chosen_as_signatory(
    walled_plan: WalledFamily, actors: dict[str, User], client: Client, sign_in: SignIn
) -> None:
    sign_in(client, actors["case_manager"])
    response = _pdf(client, walled_plan.case, walled_plan.child.pk)
    assert response.status_code == 404  # type: ignore[attr-defined]


def test_therapist_may_not_print_the_plan(
    walled_plan: WalledFamily, actors: dict[str, User], client: Client, sign_in: SignIn
) -> None:
    sign_in(client, actors["therapist"])
    response = _pdf(client, walled_plan.case, walled_plan.father.pk)
    assert response.status_code == 403  # type: ignore[attr-defined]


def test_printout_is_the_approved_revision_not_later_draft_edits(
    walled_plan: WalledFamily, actors: dict[str, User]
) -> None:
    manager = actors["case_manager"]
    plan = walled_plan.case.plan
    goal = Goal.objects.get(description="Spokojne wyjścia do szkoły")
    plans.edit_goal(
        actor=manager,
        goal=goal,
        description="Wersja robocza",
        target_date=TARGET,
        expected_version=1,
    )
    printed = printing.printed_plan(case=walled_plan.case, plan=plan, signatory=walled_plan.mother)
    descriptions = [goal.description for stage in printed.stages for goal in stage.goals]
    assert printed.approved
    assert "Spokojne wyjścia do szkoły" in descriptions
    assert "Wersja robocza" not in descriptions


def test_a_never_approved_plan_prints_as_a_draft(case: Case, manager: User) -> None:
    plan, _goal = _plan_with_goal(case, manager)
    person = case.family.members.get().person
    printed = printing.printed_plan(case=case, plan=plan, signatory=person)
    assert not printed.approved


def test_a_person_flagged_as_using_violence_is_told_nothing_of_those_who_suffered_it(
    walled_family: WalledFamily, actors: dict[str, User]
) -> None:
    for person, kind in ((walled_family.father, "suspected"), (walled_family.child, "victim")):
        SafetyFlag.objects.create(
            family=walled_family.family,
            person=person,
            kind=kind,
            source="zespół interdyscyplinarny",
            noted_on=date(2026, 1, 5),
            recorded_by=actors["intake"],
        )
    hidden = persons_hidden_from_member(walled_family.family, walled_family.father)
    assert hidden == {walled_family.mother.pk, walled_family.child.pk}
    assert persons_hidden_from_member(walled_family.family, walled_family.mother) == set()


# --- constant queries ------------------------------------------------------------------------


def _queries(client: Client, case: Case) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("cases:plan", args=[case.pk])).status_code == 200
    return len(captured)


def test_plan_page_queries_do_not_grow_with_stages_and_help(
    case: Case, manager: User, client: Client
) -> None:
    provider = InstitutionFactory(code="mops")
    InstitutionFactory(code="dom-terapii")
    plan, goal = _plan_with_goal(case, manager)
    plans.add_planned_help(
        actor=manager,
        stage=goal.stage,
        responsible=manager,
        from_recommendation=_recommendation(case, "accepted"),
    )
    one = _queries(client, case)
    for n in range(8):
        stage = plans.add_stage(actor=manager, plan=plan, name=f"Etap {n}")
        plans.add_goal(
            actor=manager,
            stage=stage,
            description=f"Cel {n}",
            target_date=TARGET,
            responsible=manager,
        )
        plans.add_planned_help(
            actor=manager,
            stage=stage,
            responsible=manager,
            description=f"Pomoc {n}",
            provider=provider,
        )
        plans.add_planned_help(
            actor=manager,
            stage=stage,
            responsible=manager,
            from_recommendation=_recommendation(case, "accepted"),
        )
    assert _queries(client, case) == one
