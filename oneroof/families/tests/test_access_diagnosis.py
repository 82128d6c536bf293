"""D5, the NORR diagnosis: who sees a person's answers and who sees only results
(shared/domain/access.md, families/access.py). The walled family: mother A is protected from
father B; their child C."""

from __future__ import annotations

import pytest

from conftest import make_staff
from oneroof.accounts.models import User
from oneroof.cases.tests.factories import CaseTeamMemberFactory
from oneroof.families.access import FamilyAccess, access_for_family
from oneroof.families.models import Person
from oneroof.families.tests.conftest import WalledFamily, acting
from oneroof.intake.tests.factories import ReferralFactory
from oneroof.organisation.models import Centre


def _everyone(wf: WalledFamily) -> set[int]:
    return {wf.mother.pk, wf.father.pk, wf.child.pk}


def _team_member(wf: WalledFamily, role: str, *persons: Person, centre: Centre) -> User:
    user = acting(make_staff(role, centre, username=f"{role}-zespol"))
    CaseTeamMemberFactory(case=wf.case, user=user, works_with=list(persons))
    return user


def _access(user: User, wf: WalledFamily) -> FamilyAccess:
    return access_for_family(user, wf.family)


def test_the_case_manager_of_the_case_sees_the_answers_of_everyone(
    walled_family: WalledFamily, centre: Centre
) -> None:
    manager = acting(make_staff("case_manager", centre))
    walled_family.case.case_manager = manager
    walled_family.case.save()
    access = _access(manager, walled_family)
    assert access.diagnosis_person_ids == _everyone(walled_family)
    assert access.result_person_ids == _everyone(walled_family)


def test_a_case_manager_not_on_the_case_sees_no_answers(
    walled_family: WalledFamily, centre: Centre
) -> None:
    manager = acting(make_staff("case_manager", centre))
    assert not _access(manager, walled_family).diagnosis_person_ids


def test_a_therapist_linked_only_to_the_father_sees_the_fathers_answers_only(
    walled_family: WalledFamily, centre: Centre
) -> None:
    therapist = _team_member(walled_family, "therapist", walled_family.father, centre=centre)
    access = _access(therapist, walled_family)
    assert access.diagnosis_person_ids == {walled_family.father.pk}
    assert access.result_person_ids == {walled_family.father.pk}


def test_a_therapist_linked_to_the_mother_sees_her_answers(
    walled_family: WalledFamily, centre: Centre
) -> None:
    therapist = _team_member(walled_family, "therapist", walled_family.mother, centre=centre)
    assert _access(therapist, walled_family).sees_answers_of(walled_family.mother.pk)


def test_a_team_member_without_chosen_persons_sees_the_answers_of_everyone(
    walled_family: WalledFamily, centre: Centre
) -> None:
    therapist = _team_member(walled_family, "therapist", centre=centre)
    assert _access(therapist, walled_family).diagnosis_person_ids == _everyone(walled_family)


def test_a_therapist_outside_the_case_team_sees_no_answers_or_results(
    walled_family: WalledFamily, centre: Centre
) -> None:
    outsider = acting(make_staff("therapist", centre))
    access = _access(outsider, walled_family)
    assert (access.diagnosis_person_ids, access.result_person_ids) == (set(), set())


def test_the_clinical_lead_sees_the_answers_of_everyone(
    walled_family: WalledFamily, centre: Centre
) -> None:
    lead = acting(make_staff("clinical_lead", centre))
    assert _access(lead, walled_family).diagnosis_person_ids == _everyone(walled_family)


def test_the_coordinator_sees_the_results_of_everyone(
    walled_family: WalledFamily, centre: Centre
) -> None:
    coordinator = acting(make_staff("coordinator", centre))
    assert _access(coordinator, walled_family).result_person_ids == _everyone(walled_family)


def test_the_coordinator_sees_the_answers_of_no_one(
    walled_family: WalledFamily, centre: Centre
) -> None:
    coordinator = acting(make_staff("coordinator", centre))
    access = _access(coordinator, walled_family)
    assert not any(access.sees_answers_of(pk) for pk in _everyone(walled_family))


def test_the_intake_worker_who_registered_the_family_sees_no_answers_or_results(
    walled_family: WalledFamily, centre: Centre
) -> None:
    intake = acting(make_staff("intake", centre))
    ReferralFactory(case=walled_family.case, registered_by=intake)
    access = _access(intake, walled_family)
    assert access.identity
    assert (access.diagnosis_person_ids, access.result_person_ids) == (set(), set())


@pytest.mark.parametrize("role", ["eu_officer", "dpo", "sysadmin", "partner"])
def test_roles_outside_the_case_work_see_no_diagnosis(
    walled_family: WalledFamily, centre: Centre, role: str
) -> None:
    access = _access(acting(make_staff(role, centre)), walled_family)
    assert (access.diagnosis_person_ids, access.result_person_ids) == (set(), set())


def test_the_coordinator_of_another_centre_sees_no_results(
    walled_family: WalledFamily, other_centre: Centre
) -> None:
    coordinator = acting(make_staff("coordinator", other_centre))
    assert not _access(coordinator, walled_family).result_person_ids


@pytest.mark.parametrize("role", ["therapist", "case_manager"])
@pytest.mark.parametrize("with_child", [False, True])
def test_the_walled_mothers_answers_are_never_shown_to_staff_linked_only_to_the_father(
    walled_family: WalledFamily, centre: Centre, role: str, with_child: bool
) -> None:
    linked = [walled_family.father, *([walled_family.child] if with_child else [])]
    user = _team_member(walled_family, role, *linked, centre=centre)
    access = _access(user, walled_family)
    assert walled_family.mother.pk in access.walled_person_ids
    assert not access.sees_answers_of(walled_family.mother.pk)
    assert not access.sees_results_of(walled_family.mother.pk)
