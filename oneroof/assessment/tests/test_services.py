"""NORR services: who may administer, answering and completing, escalation on a red flag, the
clinician's rating, and the decisions on recommendations, alerts and joint sessions."""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from conftest import make_staff
from oneroof.accounts.models import User
from oneroof.assessment import instruments, scoring, services
from oneroof.assessment.models import (
    Administration,
    Answer,
    ClinicianRating,
    Recommendation,
    SafetyAlert,
)
from oneroof.assessment.tests.factories import (
    AdministrationFactory,
    RecommendationFactory,
    SafetyAlertFactory,
    born_aged,
    norr_v1,
)
from oneroof.audit.models import AuditEvent
from oneroof.audit.services import MASK
from oneroof.cases.models import Case
from oneroof.cases.tests.factories import CaseFactory, CaseTeamMemberFactory
from oneroof.families.models import Person, Relationship
from oneroof.families.tests.conftest import acting
from oneroof.families.tests.factories import (
    FamilyFactory,
    FamilyMemberFactory,
    PersonFactory,
    RelationshipFactory,
)
from oneroof.notifications.models import Notification
from oneroof.organisation.models import Centre

E_MODERATE = {"E1": 1, "E2": 1, "E3": 1, "E4": 1, "E5": 2, "E6": 2}  # 33
E_ELEVATED = {"E1": 2, "E2": 2, "E3": 2, "E4": 2, "E5": 1, "E6": 1}  # 67


@dataclass
class Household:
    """A couple (mother 30, father 32) with a teenager (15) and a child (10), and the staff
    of their case at ``centre``."""

    case: Case
    mother: Person
    father: Person
    teen: Person
    child: Person
    manager: User
    lead: User
    coordinator: User


@pytest.fixture
def household(centre: Centre) -> Household:
    family = FamilyFactory(registered_at=centre)
    people = [PersonFactory(date_of_birth=born_aged(age)) for age in (30, 32, 15, 10)]
    for person in people:
        FamilyMemberFactory(family=family, person=person)
    mother, father, teen, child = people
    RelationshipFactory(family=family, from_person=mother, to_person=father, kind="partner")
    manager = acting(make_staff("case_manager", centre))
    case = CaseFactory(family=family, centre=centre, case_manager=manager)
    return Household(
        case=case,
        mother=mother,
        father=father,
        teen=teen,
        child=child,
        manager=manager,
        lead=acting(make_staff("clinical_lead", centre)),
        coordinator=acting(make_staff("coordinator", centre)),
    )


def therapist_of(h: Household, *persons: Person, centre: Centre) -> User:
    therapist = acting(make_staff("therapist", centre))
    CaseTeamMemberFactory(case=h.case, user=therapist, works_with=list(persons))
    return therapist


def start(h: Household, person: Person | None = None, form: str = "adult") -> Administration:
    return services.start_administration(
        actor=h.manager, case=h.case, person=person or h.mother, form=form, occasion="diagnosis"
    )


def answer(h: Household, administration: Administration, answers: dict[str, Any]) -> None:
    services.save_answers(
        actor=h.manager,
        administration=administration,
        answers={item: str(value) for item, value in answers.items()},
    )


def completed(
    h: Household, answers: dict[str, Any], person: Person | None = None
) -> Administration:
    administration = start(h, person)
    answer(h, administration, answers)
    services.complete_administration(actor=h.manager, administration=administration)
    administration.refresh_from_db()
    return administration


def codes(administration: Administration) -> set[str]:
    return set(administration.recommendations.values_list("code", flat=True))


# --- starting ---------------------------------------------------------------------------------


def test_the_case_manager_of_the_case_starts_an_administration(household: Household) -> None:
    administration = start(household)
    assert (administration.status, administration.version, administration.administered_by) == (
        Administration.Status.IN_PROGRESS,
        norr_v1(),
        household.manager,
    )


def test_starting_an_administration_is_audited_with_the_case_number(
    household: Household,
) -> None:
    administration = start(household)
    event = AuditEvent.objects.get(action="assessment.started")
    assert (event.target_id, event.target_label) == (
        str(administration.pk),
        household.case.number,
    )


def test_the_clinical_lead_may_start_an_administration(household: Household) -> None:
    services.start_administration(
        actor=household.lead,
        case=household.case,
        person=household.father,
        form="adult",
        occasion="diagnosis",
    )


def test_a_therapist_linked_to_the_mother_may_administer_to_her(
    household: Household, centre: Centre
) -> None:
    therapist = therapist_of(household, household.mother, centre=centre)
    services.start_administration(
        actor=therapist, case=household.case, person=household.mother, form="adult",
        occasion="diagnosis",
    )  # fmt: skip


def test_a_therapist_linked_only_to_the_father_may_not_administer_to_the_mother(
    household: Household, centre: Centre
) -> None:
    therapist = therapist_of(household, household.father, centre=centre)
    with pytest.raises(PermissionDenied):
        services.start_administration(
            actor=therapist, case=household.case, person=household.mother, form="adult",
            occasion="diagnosis",
        )  # fmt: skip


@pytest.mark.parametrize("role", ["coordinator", "intake", "eu_officer"])
def test_roles_outside_the_clinical_team_may_not_start_an_administration(
    household: Household, centre: Centre, role: str
) -> None:
    user = acting(make_staff(role, centre, username=f"{role}-x"))
    with pytest.raises(PermissionDenied):
        services.start_administration(
            actor=user, case=household.case, person=household.mother, form="adult",
            occasion="diagnosis",
        )  # fmt: skip


def test_a_case_manager_of_another_case_may_not_start_an_administration(
    household: Household, centre: Centre
) -> None:
    other = acting(make_staff("case_manager", centre, username="inna-koordynatorka"))
    with pytest.raises(PermissionDenied):
        services.start_administration(
            actor=other, case=household.case, person=household.mother, form="adult",
            occasion="diagnosis",
        )  # fmt: skip


def test_a_person_outside_the_family_cannot_be_assessed_in_the_case(
    household: Household,
) -> None:
    with pytest.raises((ValidationError, PermissionDenied)):
        start(household, PersonFactory(date_of_birth=born_aged(40)))
    assert not Administration.objects.exists()


@pytest.mark.parametrize(
    ("who", "form", "fits"),
    [("mother", "adult", True), ("mother", "teen", False), ("mother", "child", False),
     ("teen", "teen", True), ("teen", "child", True), ("teen", "adult", False),
     ("child", "child", True), ("child", "teen", False), ("child", "adult", False)],
)  # fmt: skip
def test_the_form_must_fit_the_persons_age(
    household: Household, who: str, form: str, fits: bool
) -> None:
    person = getattr(household, who)
    if fits:
        assert start(household, person, form).form == form
    else:
        with pytest.raises(ValidationError) as error:
            start(household, person, form)
        assert "form" in error.value.message_dict


def test_a_new_administration_uses_the_latest_published_version(
    household: Household, tmp_path: Path
) -> None:
    version, _ = services.publish_instrument(path=_version_two_file(tmp_path))
    assert start(household).version == version


# --- answering --------------------------------------------------------------------------------


def test_answers_are_stored_with_their_source(household: Household) -> None:
    administration = start(household)
    services.save_answers(
        actor=household.manager,
        administration=administration,
        answers={"E1": "2", "S2": "no"},
        source=Answer.Source.PROFESSIONAL,
    )
    assert sorted(administration.answers.values_list("item", "value", "source")) == [
        ("E1", "2", "professional"),
        ("S2", "no", "professional"),
    ]


def test_answering_again_replaces_the_earlier_answer(household: Household) -> None:
    administration = start(household)
    answer(household, administration, {"E1": 2})
    answer(household, administration, {"E1": 3})
    assert list(administration.answers.values_list("value", flat=True)) == ["3"]


def test_an_empty_value_clears_an_answer(household: Household) -> None:
    administration = start(household)
    answer(household, administration, {"E1": 2, "E2": 1})
    services.save_answers(
        actor=household.manager, administration=administration, answers={"E1": ""}
    )
    assert list(administration.answers.values_list("item", flat=True)) == ["E2"]


def test_saving_answers_remembers_the_current_step(household: Household) -> None:
    administration = start(household)
    services.save_answers(
        actor=household.manager, administration=administration, answers={"E1": "1"}, step=3
    )
    administration.refresh_from_db()
    assert administration.current_step == 3


def test_an_unknown_item_is_rejected_and_nothing_is_saved(household: Household) -> None:
    administration = start(household)
    with pytest.raises(ValidationError, match="Z9"):
        services.save_answers(
            actor=household.manager, administration=administration,
            answers={"E1": "2", "Z9": "1"},
        )  # fmt: skip
    assert not administration.answers.exists()


def test_an_item_outside_the_form_is_rejected(household: Household) -> None:
    administration = start(household, household.teen, "teen")
    with pytest.raises(ValidationError, match="S2"):
        services.save_answers(
            actor=household.manager, administration=administration, answers={"S2": "yes"}
        )


@pytest.mark.parametrize(("item", "value"), [("E1", "4"), ("E1", "yes"), ("S2", "2"),
                                             ("S2", "maybe"), ("E1", "-1")])  # fmt: skip
def test_a_value_outside_the_items_scale_is_rejected_and_nothing_is_saved(
    household: Household, item: str, value: str
) -> None:
    administration = start(household)
    answer(household, administration, {"E3": 1})
    with pytest.raises(ValidationError) as error:
        services.save_answers(
            actor=household.manager, administration=administration,
            answers={"E2": "2", item: value},
        )  # fmt: skip
    assert item in error.value.message_dict
    assert list(administration.answers.values_list("item", "value")) == [("E3", "1")]


def test_answer_errors_go_through_the_translation_catalogue(
    household: Household, monkeypatch: pytest.MonkeyPatch
) -> None:
    administration = start(household)
    monkeypatch.setattr(services, "_", lambda text: f"<pl>{text}")
    with pytest.raises(ValidationError) as unknown:
        services.save_answers(
            actor=household.manager, administration=administration, answers={"Z9": "1"}
        )
    with pytest.raises(ValidationError) as invalid:
        services.save_answers(
            actor=household.manager, administration=administration, answers={"E1": "9"}
        )
    assert unknown.value.messages[0].startswith("<pl>")
    assert invalid.value.message_dict["E1"][0].startswith("<pl>")


def test_saving_answers_is_audited_with_the_values_masked(household: Household) -> None:
    administration = start(household)
    answer(household, administration, {"E1": 3, "S2": "yes"})
    event = AuditEvent.objects.get(action="assessment.answers_saved")
    assert event.changes == {"E1": [MASK, MASK], "S2": [MASK, MASK]}
    assert "yes" not in json.dumps(event.changes)


def test_a_therapist_linked_only_to_the_father_may_not_answer_for_the_mother(
    household: Household, centre: Centre
) -> None:
    administration = start(household)
    therapist = therapist_of(household, household.father, centre=centre)
    with pytest.raises(PermissionDenied):
        services.save_answers(actor=therapist, administration=administration, answers={"E1": "1"})


def test_a_completed_administration_cannot_be_answered_again(household: Household) -> None:
    administration = completed(household, E_MODERATE)
    with pytest.raises(ValidationError):
        answer(household, administration, {"E1": 3})
    assert administration.answers.get(item="E1").value == "1"


# --- completing -------------------------------------------------------------------------------


def test_completing_stores_the_result_with_the_scorer_version(household: Household) -> None:
    administration = completed(household, {**E_ELEVATED, "S2": "dont_know"})
    result = administration.result
    expected = scoring.score(norr_v1().definition, "adult", {**E_ELEVATED, "S2": "dont_know"})
    assert (result.scorer_version, result.overall_band, result.is_critical) == (
        scoring.SCORER_VERSION,
        "elevated",
        False,
    )
    assert result.parsed == expected


def test_completing_marks_the_administration_completed(household: Household) -> None:
    administration = completed(household, E_MODERATE)
    assert administration.is_completed and administration.completed_at is not None


def test_completing_is_audited(household: Household) -> None:
    administration = completed(household, E_MODERATE)
    assert AuditEvent.objects.filter(
        action="assessment.completed", target_id=str(administration.pk)
    ).exists()


def test_completing_proposes_the_help_the_rules_call_for(household: Household) -> None:
    administration = completed(household, E_ELEVATED)
    assert codes(administration) == {"couples_therapy", "psychological_counselling"}
    assert set(administration.recommendations.values_list("status", flat=True)) == {"proposed"}


def test_former_partners_are_not_proposed_couples_therapy(household: Household) -> None:
    Relationship.objects.filter(family=household.case.family).update(kind="former_partner")
    assert "couples_therapy" not in codes(completed(household, E_ELEVATED))


def test_a_large_gap_between_partners_proposes_separate_sessions(household: Household) -> None:
    completed(household, E_MODERATE, household.father)
    high = {"E1": 3, "E2": 3, "E3": 3, "E4": 3, "E5": 0, "E6": 0}
    assert "separate_sessions" in codes(completed(household, high, household.mother))


def test_a_completed_administration_cannot_be_completed_again(household: Household) -> None:
    administration = completed(household, E_MODERATE)
    with pytest.raises(ValidationError):
        services.complete_administration(actor=household.manager, administration=administration)


def test_completing_without_a_red_flag_raises_no_alert(household: Household) -> None:
    completed(household, {**E_ELEVATED, "S2": "no"})
    household.case.refresh_from_db()
    assert not SafetyAlert.objects.exists()
    assert not household.case.joint_sessions_blocked
    assert not Notification.objects.exists()


def test_a_red_flag_opens_a_safety_alert(household: Household) -> None:
    administration = completed(household, {**E_MODERATE, "S2": "yes"})
    alert = SafetyAlert.objects.get()
    assert (alert.case, alert.administration, alert.red_flags, alert.is_open) == (
        household.case,
        administration,
        [{"item": "S2", "answer": "yes"}],
        True,
    )


def test_a_red_flag_stores_a_critical_result(household: Household) -> None:
    administration = completed(household, {**E_MODERATE, "S2": "yes"})
    assert (administration.result.overall_band, administration.result.is_critical) == (
        "critical",
        True,
    )


def test_a_red_flag_blocks_joint_sessions(household: Household) -> None:
    completed(household, {**E_MODERATE, "S2": "yes"})
    household.case.refresh_from_db()
    assert household.case.joint_sessions_blocked


def test_a_red_flag_notifies_the_case_manager_and_the_clinical_lead_urgently(
    household: Household, centre: Centre
) -> None:
    therapist_of(household, household.mother, centre=centre)
    completed(household, {**E_MODERATE, "S2": "yes"})
    alert = SafetyAlert.objects.get()
    notified = Notification.objects.all()
    assert {n.user for n in notified} == {household.manager, household.lead}
    assert {(n.url, n.is_urgent) for n in notified} == {
        (reverse("assessment:alert", args=[alert.pk]), True)
    }


def test_the_alert_notification_names_the_case_not_the_person(household: Household) -> None:
    completed(household, {**E_MODERATE, "S2": "yes"})
    message = Notification.objects.first().message
    assert household.case.number in message
    assert household.mother.last_name not in message


def test_a_red_flag_proposes_a_safety_plan_and_a_cpd_referral(household: Household) -> None:
    administration = completed(household, {**E_ELEVATED, "S2": "yes"})
    assert {"safety_plan", "cpd_referral"} <= codes(administration)
    assert "couples_therapy" not in codes(administration)


def test_a_red_flag_is_audited(household: Household) -> None:
    completed(household, {**E_MODERATE, "S2": "yes"})
    event = AuditEvent.objects.get(action="assessment.red_flag_escalated")
    assert event.target_label == household.case.number


def test_a_stored_result_is_unchanged_by_publishing_a_new_version(
    household: Household, tmp_path: Path
) -> None:
    administration = completed(household, E_MODERATE)
    stored = administration.result.outcome
    services.publish_instrument(path=_version_two_file(tmp_path))
    services.rate_domain(
        actor=household.manager, administration=administration, domain="E", value=0
    )
    administration.result.refresh_from_db()
    assert administration.result.outcome == stored


# --- the clinician's rating -------------------------------------------------------------------


def test_a_rating_of_two_rescores_and_raises_the_band(household: Household) -> None:
    administration = completed(household, E_MODERATE)
    result = services.rate_domain(
        actor=household.manager, administration=administration, domain="E", value=2
    )
    assert result is not None
    domain = result.parsed.domain("E")
    assert domain is not None
    assert (domain.band, domain.raised_by_clinician, result.overall_band) == (
        "elevated",
        True,
        "elevated",
    )


def test_a_raised_band_proposes_the_help_it_now_calls_for(household: Household) -> None:
    administration = completed(household, E_MODERATE)
    services.rate_domain(
        actor=household.manager, administration=administration, domain="E", value=2
    )
    assert "couples_therapy" in codes(administration)


def test_a_rating_of_one_leaves_the_band(household: Household) -> None:
    administration = completed(household, E_MODERATE)
    result = services.rate_domain(
        actor=household.manager, administration=administration, domain="E", value=1
    )
    assert result is not None and result.overall_band == "moderate"


def test_a_rating_before_completion_counts_when_the_administration_completes(
    household: Household,
) -> None:
    administration = start(household)
    answer(household, administration, E_MODERATE)
    assert (
        services.rate_domain(
            actor=household.manager, administration=administration, domain="E", value=2
        )
        is None
    )
    result = services.complete_administration(
        actor=household.manager, administration=administration
    )
    assert result.overall_band == "elevated"


@pytest.mark.parametrize(("domain", "value"), [("Z", 2), ("E", 3), ("E", -1)])
def test_a_rating_needs_a_known_domain_and_a_value_from_0_to_2(
    household: Household, domain: str, value: int
) -> None:
    administration = completed(household, E_MODERATE)
    with pytest.raises(ValidationError):
        services.rate_domain(
            actor=household.manager, administration=administration, domain=domain, value=value
        )
    assert not ClinicianRating.objects.exists()


def test_the_coordinator_may_not_rate_a_domain(household: Household) -> None:
    administration = completed(household, E_MODERATE)
    with pytest.raises(PermissionDenied):
        services.rate_domain(
            actor=household.coordinator, administration=administration, domain="E", value=2
        )


def test_a_rating_is_audited_without_its_value(household: Household) -> None:
    administration = completed(household, E_MODERATE)
    services.rate_domain(
        actor=household.manager, administration=administration, domain="E", value=2
    )
    event = AuditEvent.objects.get(action="assessment.clinician_rated")
    assert event.changes == {"E": [MASK, MASK]}


# --- deciding recommendations -----------------------------------------------------------------


def proposal(h: Household) -> Recommendation:
    return RecommendationFactory(administration=AdministrationFactory(case=h.case, person=h.mother))


def test_the_case_manager_accepts_a_proposal(household: Household) -> None:
    decided = services.decide_recommendation(
        actor=household.manager, recommendation=proposal(household), status="accepted"
    )
    assert (decided.status, decided.decided_by) == ("accepted", household.manager)
    assert decided.decided_at is not None


def test_rejecting_a_proposal_needs_a_reason(household: Household) -> None:
    recommendation = proposal(household)
    with pytest.raises(ValidationError) as error:
        services.decide_recommendation(
            actor=household.manager, recommendation=recommendation, status="rejected",
            reason="  ",
        )  # fmt: skip
    assert "reason" in error.value.message_dict
    recommendation.refresh_from_db()
    assert recommendation.status == "proposed"


def test_a_rejection_records_its_reason(household: Household) -> None:
    decided = services.decide_recommendation(
        actor=household.manager, recommendation=proposal(household), status="rejected",
        reason="Rodzina korzysta już z terapii prywatnie.",
    )  # fmt: skip
    assert (decided.status, decided.reason) == (
        "rejected",
        "Rodzina korzysta już z terapii prywatnie.",
    )


def test_editing_a_proposal_needs_the_changed_text(household: Household) -> None:
    with pytest.raises(ValidationError) as error:
        services.decide_recommendation(
            actor=household.manager, recommendation=proposal(household), status="edited"
        )
    assert "text" in error.value.message_dict


def test_an_edit_replaces_the_text_of_the_help(household: Household) -> None:
    decided = services.decide_recommendation(
        actor=household.manager, recommendation=proposal(household), status="edited",
        text="Terapia par od stycznia",
    )  # fmt: skip
    assert (decided.status, decided.text) == ("edited", "Terapia par od stycznia")


def test_a_proposal_cannot_be_decided_back_to_proposed(household: Household) -> None:
    with pytest.raises(ValidationError):
        services.decide_recommendation(
            actor=household.manager, recommendation=proposal(household), status="proposed"
        )


def test_the_clinical_lead_may_decide_a_proposal(household: Household) -> None:
    decided = services.decide_recommendation(
        actor=household.lead, recommendation=proposal(household), status="accepted"
    )
    assert decided.decided_by == household.lead


@pytest.mark.parametrize("role", ["therapist", "coordinator", "case_manager"])
def test_others_may_not_decide_a_proposal(household: Household, centre: Centre, role: str) -> None:
    other = acting(make_staff(role, centre, username=f"{role}-inna"))
    with pytest.raises(PermissionDenied):
        services.decide_recommendation(
            actor=other, recommendation=proposal(household), status="accepted"
        )


def test_a_decision_on_a_proposal_is_audited(household: Household) -> None:
    recommendation = proposal(household)
    services.decide_recommendation(
        actor=household.manager, recommendation=recommendation, status="accepted"
    )
    event = AuditEvent.objects.get(action="assessment.recommendation_decided")
    assert event.changes == {"status": ["proposed", "accepted"]}


# --- deciding alerts --------------------------------------------------------------------------


def open_alert(h: Household) -> SafetyAlert:
    return SafetyAlertFactory(administration=AdministrationFactory(case=h.case, person=h.mother))


def decide(actor: User, alert: SafetyAlert, **changes: Any) -> SafetyAlert:
    decision: dict[str, Any] = {
        "safety_plan_made": True,
        "blue_card": "opened",
        "blue_card_reasons": "Duszenie zgłoszone przez matkę.",
        "child_referral": "not_needed",
    }
    decision.update(changes)
    return services.decide_alert(actor=actor, alert=alert, **decision)


def test_the_case_manager_decides_an_alert_and_closes_it(household: Household) -> None:
    decided = decide(household.manager, open_alert(household))
    assert (decided.is_open, decided.decided_by, decided.blue_card) == (
        False,
        household.manager,
        "opened",
    )


@pytest.mark.parametrize(
    ("changes", "field"),
    [({"blue_card": ""}, "blue_card"), ({"blue_card_reasons": " "}, "blue_card_reasons"),
     ({"child_referral": "maybe"}, "child_referral")],
)  # fmt: skip
def test_an_alert_decision_needs_the_blue_card_decision_its_reasons_and_the_child_referral(
    household: Household, changes: dict[str, Any], field: str
) -> None:
    alert = open_alert(household)
    with pytest.raises(ValidationError) as error:
        decide(household.manager, alert, **changes)
    assert field in error.value.message_dict
    alert.refresh_from_db()
    assert alert.is_open


def test_a_decided_alert_cannot_be_decided_again(household: Household) -> None:
    alert = decide(household.manager, open_alert(household))
    with pytest.raises(ValidationError):
        decide(household.lead, alert)


@pytest.mark.parametrize("who", ["lead", "coordinator"])
def test_the_clinical_lead_and_the_coordinator_may_decide_an_alert(
    household: Household, who: str
) -> None:
    actor = getattr(household, who)
    assert decide(actor, open_alert(household)).decided_by == actor


def test_a_therapist_may_not_decide_an_alert(household: Household, centre: Centre) -> None:
    therapist = therapist_of(household, household.mother, centre=centre)
    with pytest.raises(PermissionDenied):
        decide(therapist, open_alert(household))


def test_a_case_manager_of_another_case_may_not_decide_an_alert(
    household: Household, centre: Centre
) -> None:
    other = acting(make_staff("case_manager", centre, username="inny-manager"))
    with pytest.raises(PermissionDenied):
        decide(other, open_alert(household))


def test_the_clinical_lead_of_another_centre_may_not_decide_an_alert(
    household: Household, other_centre: Centre
) -> None:
    with pytest.raises(PermissionDenied):
        decide(acting(make_staff("clinical_lead", other_centre)), open_alert(household))


def test_an_alert_decision_is_audited_with_its_reasons(household: Household) -> None:
    decide(household.manager, open_alert(household))
    event = AuditEvent.objects.get(action="assessment.alert_decided")
    assert event.reason == "Duszenie zgłoszone przez matkę."


# --- joint sessions after a red flag ----------------------------------------------------------


def clear(actor: User, case: Case, reason: str = "Ponowna ocena bez sygnałów alarmowych.") -> Case:
    return services.clear_joint_sessions_block(actor=actor, case=case, reason=reason)


@pytest.fixture
def reassessed(household: Household) -> Household:
    """A red flag, its alert decided, and a later reassessment without red flags."""
    completed(household, {**E_MODERATE, "S2": "yes"})
    decide(household.manager, SafetyAlert.objects.get())
    completed(household, {**E_MODERATE, "S2": "no"})
    return household


def test_the_clinical_lead_allows_joint_sessions_after_a_clean_reassessment(
    reassessed: Household,
) -> None:
    case = clear(reassessed.lead, reassessed.case)
    case.refresh_from_db()
    assert not case.joint_sessions_blocked


def test_allowing_joint_sessions_again_is_audited_with_the_reason(reassessed: Household) -> None:
    clear(reassessed.lead, reassessed.case)
    event = AuditEvent.objects.get(action="assessment.joint_sessions_allowed")
    assert event.reason == "Ponowna ocena bez sygnałów alarmowych."


def test_joint_sessions_stay_blocked_while_an_alert_is_open(household: Household) -> None:
    completed(household, {**E_MODERATE, "S2": "yes"})
    completed(household, {**E_MODERATE, "S2": "no"})
    with pytest.raises(ValidationError) as alert_open:
        clear(household.lead, household.case)
    assert alert_open.value.code == "alert_open"


def test_joint_sessions_stay_blocked_until_a_reassessment_without_red_flags(
    household: Household,
) -> None:
    completed(household, {**E_MODERATE, "S2": "yes"})
    decide(household.manager, SafetyAlert.objects.get())
    with pytest.raises(ValidationError) as reassessment_needed:
        clear(household.lead, household.case)
    assert reassessment_needed.value.code == "reassessment_needed"
    household.case.refresh_from_db()
    assert household.case.joint_sessions_blocked


def test_allowing_joint_sessions_again_needs_a_reason(reassessed: Household) -> None:
    with pytest.raises(ValidationError) as error:
        clear(reassessed.lead, reassessed.case, reason="  ")
    assert "reason" in error.value.message_dict


@pytest.mark.parametrize("who", ["manager", "coordinator"])
def test_only_the_clinical_lead_allows_joint_sessions_again(
    reassessed: Household, who: str
) -> None:
    with pytest.raises(PermissionDenied):
        clear(getattr(reassessed, who), reassessed.case)


def test_the_clinical_lead_of_another_centre_may_not_allow_joint_sessions(
    reassessed: Household, other_centre: Centre
) -> None:
    with pytest.raises(PermissionDenied):
        clear(acting(make_staff("clinical_lead", other_centre)), reassessed.case)


# --- helpers ----------------------------------------------------------------------------------


def _version_two_file(tmp_path: Path) -> Path:
    """NORR-P v2: different bands (everything from 10 up is high) and one new item."""
    definition = copy.deepcopy(instruments.read_definition(instruments.NORR_P_V1))
    definition["version"] = "2"
    definition["scoring"]["bands"] = [[0, "low"], [4, "moderate"], [7, "elevated"], [10, "high"]]
    definition["items"].append(
        {"id": "E7", "domain": "E", "scale": "freq", "reverse": False, "teen": False,
         "text": {"pl": "Nowa pozycja", "en": "A new item"}}
    )  # fmt: skip
    path = tmp_path / "norr-p-v2.json"
    path.write_text(json.dumps(definition, ensure_ascii=False), encoding="utf-8")
    return path


# --- a closed case is read-only ---------------------------------------------------------------


def _close(h: Household) -> None:
    Case.objects.filter(pk=h.case.pk).update(status=Case.Status.CLOSED)
    h.case.refresh_from_db()


def test_a_closed_case_takes_no_new_administration(household: Household) -> None:
    _close(household)
    with pytest.raises(ValidationError) as refused:
        start(household)
    assert refused.value.error_dict["__all__"][0].code == "closed"
    assert not Administration.objects.exists()


def test_an_administration_under_way_may_be_completed_after_closure(
    household: Household,
) -> None:
    administration = start(household)
    answer(household, administration, {"E1": 2})
    _close(household)
    services.complete_administration(actor=household.manager, administration=administration)
    administration.refresh_from_db()
    assert administration.is_completed


def test_a_closed_case_takes_no_decision_on_proposed_help(household: Household) -> None:
    recommendation = proposal(household)
    _close(household)
    with pytest.raises(ValidationError):
        services.decide_recommendation(
            actor=household.manager, recommendation=recommendation, status="accepted"
        )
    recommendation.refresh_from_db()
    assert recommendation.status == "proposed"
