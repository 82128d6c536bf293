"""Search, duplicates and the family view never reveal anything outside the user's scope."""

from __future__ import annotations

from datetime import date

import pytest
from django.http import Http404

from conftest import make_staff
from oneroof.cases.tests.factories import CaseFactory, CaseTeamMemberFactory
from oneroof.families.queries import find_duplicates, get_family_for, search_persons
from oneroof.families.tests.conftest import WalledFamily, acting
from oneroof.families.tests.factories import FamilyMemberFactory, PersonFactory
from oneroof.organisation.models import Centre


def test_search_ignores_polish_diacritics(walled_family: WalledFamily, centre: Centre) -> None:
    walled_family.mother.last_name = "Żółć"
    walled_family.mother.save()
    coordinator = acting(make_staff("coordinator", centre))
    assert [hit.person for hit in search_persons(coordinator, "Zolc")] == [walled_family.mother]


def test_search_by_pesel_finds_the_person(walled_family: WalledFamily, centre: Centre) -> None:
    walled_family.child.pesel = "16272012345"
    walled_family.child.save()
    coordinator = acting(make_staff("coordinator", centre))
    assert [hit.person for hit in search_persons(coordinator, "16272012345")] == [
        walled_family.child
    ]


def test_search_never_finds_families_of_another_centre(
    walled_family: WalledFamily, other_centre: Centre
) -> None:
    stranger = acting(make_staff("coordinator", other_centre))
    assert search_persons(stranger, walled_family.mother.last_name) == []


def test_fathers_therapist_cannot_find_the_mother_by_her_phone(
    walled_family: WalledFamily, centre: Centre
) -> None:
    therapist = acting(make_staff("therapist", centre))
    CaseTeamMemberFactory(
        case=walled_family.case, user=therapist, works_with=[walled_family.father]
    )
    assert search_persons(therapist, walled_family.mother.contact.phone) == []


def test_fathers_therapist_finds_the_mother_by_name_without_her_contact(
    walled_family: WalledFamily, centre: Centre
) -> None:
    therapist = acting(make_staff("therapist", centre))
    CaseTeamMemberFactory(
        case=walled_family.case, user=therapist, works_with=[walled_family.father]
    )
    hits = [
        h
        for h in search_persons(therapist, walled_family.mother.last_name)
        if h.person == walled_family.mother
    ]
    assert hits and hits[0].contact is None


def test_a_duplicate_the_user_may_see_is_offered_for_linking(
    walled_family: WalledFamily, centre: Centre
) -> None:
    coordinator = acting(make_staff("coordinator", centre))
    mother = walled_family.mother
    matches = find_duplicates(
        coordinator, pesel="", first_name=mother.first_name, last_name=mother.last_name,
        born=mother.date_of_birth,
    )  # fmt: skip
    assert [m.person for m in matches] == [mother]


def test_a_duplicate_the_user_may_not_see_names_only_its_centre(
    walled_family: WalledFamily, other_centre: Centre, centre: Centre
) -> None:
    stranger = acting(make_staff("intake", other_centre))
    mother = walled_family.mother
    matches = find_duplicates(
        stranger, pesel="", first_name=mother.first_name, last_name=mother.last_name,
        born=mother.date_of_birth,
    )  # fmt: skip
    assert (matches[0].person, matches[0].centres) == (None, (str(centre),))


def test_the_family_view_hides_the_mothers_contact_from_the_fathers_therapist(
    walled_family: WalledFamily, centre: Centre
) -> None:
    therapist = acting(make_staff("therapist", centre))
    CaseTeamMemberFactory(
        case=walled_family.case, user=therapist, works_with=[walled_family.father]
    )
    view = get_family_for(therapist, walled_family.family.pk)
    mother = next(m for m in view.members if m.person == walled_family.mother)
    assert mother.contact is None and mother.walled


def test_the_family_view_answers_404_outside_the_scope(
    walled_family: WalledFamily, other_centre: Centre
) -> None:
    stranger = acting(make_staff("coordinator", other_centre))
    with pytest.raises(Http404):
        get_family_for(stranger, walled_family.family.pk)


def test_the_family_view_takes_a_fixed_number_of_queries(
    walled_family: WalledFamily, centre: Centre, django_assert_max_num_queries
) -> None:
    coordinator = acting(make_staff("coordinator", centre))
    for _ in range(20):
        FamilyMemberFactory(
            family=walled_family.family, person=PersonFactory(date_of_birth=date(2010, 1, 1))
        )
    CaseFactory(family=walled_family.family, centre=centre, status="closed")
    with django_assert_max_num_queries(16):
        get_family_for(coordinator, walled_family.family.pk)
