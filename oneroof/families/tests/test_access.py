"""The walls inside a family, as the access policy (shared/domain/access.md) states them."""

from __future__ import annotations

from conftest import make_staff
from oneroof.accounts.models import User
from oneroof.cases.tests.factories import CaseTeamMemberFactory
from oneroof.families.access import SafetyAccess, access_for_family, families_visible_to
from oneroof.families.tests.conftest import WalledFamily, acting
from oneroof.intake.tests.factories import ReferralFactory
from oneroof.organisation.models import Centre


def _therapist_working_with(wf: WalledFamily, *persons: object, centre: Centre) -> User:
    therapist = acting(make_staff("therapist", centre, username="terapeuta-ojca"))
    CaseTeamMemberFactory(case=wf.case, user=therapist, works_with=list(persons))
    return therapist


def test_therapist_linked_only_to_the_father_sees_no_contact_of_the_protected_mother(
    walled_family: WalledFamily, centre: Centre
) -> None:
    therapist = _therapist_working_with(walled_family, walled_family.father, centre=centre)
    access = access_for_family(therapist, walled_family.family)
    assert not access.sees_contact_of(walled_family.mother.pk)


def test_therapist_linked_only_to_the_father_still_sees_the_mother_in_the_family(
    walled_family: WalledFamily, centre: Centre
) -> None:
    therapist = _therapist_working_with(walled_family, walled_family.father, centre=centre)
    assert access_for_family(therapist, walled_family.family).identity


def test_therapist_linked_only_to_the_father_sees_the_fathers_contact(
    walled_family: WalledFamily, centre: Centre
) -> None:
    therapist = _therapist_working_with(walled_family, walled_family.father, centre=centre)
    assert access_for_family(therapist, walled_family.family).sees_contact_of(
        walled_family.father.pk
    )


def test_mothers_therapist_sees_her_contact(walled_family: WalledFamily, centre: Centre) -> None:
    therapist = _therapist_working_with(walled_family, walled_family.mother, centre=centre)
    assert access_for_family(therapist, walled_family.family).sees_contact_of(
        walled_family.mother.pk
    )


def test_team_member_linked_to_father_and_mother_is_not_walled(
    walled_family: WalledFamily, centre: Centre
) -> None:
    therapist = _therapist_working_with(
        walled_family, walled_family.father, walled_family.mother, centre=centre
    )
    assert not access_for_family(therapist, walled_family.family).walled_person_ids


def test_therapist_sees_restrictions_not_the_full_safety_record(
    walled_family: WalledFamily, centre: Centre
) -> None:
    therapist = _therapist_working_with(walled_family, walled_family.father, centre=centre)
    assert access_for_family(therapist, walled_family.family).safety == SafetyAccess.RESTRICTIONS


def test_therapist_outside_the_case_team_sees_nothing_of_the_family(
    walled_family: WalledFamily, centre: Centre
) -> None:
    outsider = acting(make_staff("therapist", centre, username="inny-terapeuta"))
    assert not access_for_family(outsider, walled_family.family).identity


def test_coordinator_of_the_centre_sees_all_contacts(
    walled_family: WalledFamily, centre: Centre
) -> None:
    coordinator = acting(make_staff("coordinator", centre))
    access = access_for_family(coordinator, walled_family.family)
    assert access.contact_person_ids == {
        walled_family.mother.pk,
        walled_family.father.pk,
        walled_family.child.pk,
    }


def test_coordinator_of_another_centre_sees_nothing(
    walled_family: WalledFamily, other_centre: Centre
) -> None:
    stranger = acting(make_staff("coordinator", other_centre))
    assert walled_family.family not in families_visible_to(stranger)


def test_case_manager_of_the_case_sees_the_family(
    walled_family: WalledFamily, centre: Centre
) -> None:
    manager = acting(make_staff("case_manager", centre))
    walled_family.case.case_manager = manager
    walled_family.case.save()
    assert walled_family.family in families_visible_to(manager)


def test_case_manager_not_on_the_case_does_not_see_the_family(
    walled_family: WalledFamily, centre: Centre
) -> None:
    manager = acting(make_staff("case_manager", centre))
    assert walled_family.family not in families_visible_to(manager)


def test_intake_worker_sees_a_family_they_registered_until_a_case_manager_is_assigned(
    walled_family: WalledFamily, centre: Centre
) -> None:
    intake = acting(make_staff("intake", centre))
    ReferralFactory(case=walled_family.case, registered_by=intake)
    assert walled_family.family in families_visible_to(intake)


def test_intake_worker_loses_the_family_once_a_case_manager_is_assigned(
    walled_family: WalledFamily, centre: Centre
) -> None:
    intake = acting(make_staff("intake", centre))
    ReferralFactory(case=walled_family.case, registered_by=intake)
    walled_family.case.case_manager = make_staff("case_manager", centre)
    walled_family.case.save()
    assert walled_family.family not in families_visible_to(intake)


def test_eu_officer_sees_no_family(walled_family: WalledFamily, centre: Centre) -> None:
    officer = acting(make_staff("eu_officer", centre))
    assert not families_visible_to(officer).exists()
