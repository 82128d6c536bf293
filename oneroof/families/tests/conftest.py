"""A family with a wall: mother A is protected from father B; their child C."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from oneroof.accounts.models import User
from oneroof.cases.models import Case
from oneroof.cases.tests.factories import CaseFactory
from oneroof.families.models import Family, Person
from oneroof.families.tests.factories import (
    ContactDetailsFactory,
    DisclosureBlockFactory,
    FamilyFactory,
    FamilyMemberFactory,
    PersonFactory,
    RelationshipFactory,
)
from oneroof.organisation.models import Centre, Membership


@dataclass
class WalledFamily:
    family: Family
    case: Case
    mother: Person
    father: Person
    child: Person


@pytest.fixture
def walled_family(centre: Centre) -> WalledFamily:
    family = FamilyFactory(registered_at=centre)
    mother = PersonFactory(first_name="Anna", date_of_birth=date(1988, 5, 1))
    father = PersonFactory(first_name="Jan", date_of_birth=date(1986, 2, 9))
    child = PersonFactory(first_name="Zosia", date_of_birth=date(2016, 7, 20))
    for person in (mother, father, child):
        FamilyMemberFactory(family=family, person=person)
        ContactDetailsFactory(person=person)
    RelationshipFactory(family=family, from_person=mother, to_person=father, kind="former_partner")
    RelationshipFactory(family=family, from_person=mother, to_person=child, kind="parent")
    RelationshipFactory(family=family, from_person=father, to_person=child, kind="parent")
    DisclosureBlockFactory(family=family, protected=mother, blocked_from=father)
    case = CaseFactory(family=family, centre=centre)
    return WalledFamily(family, case, mother, father, child)


def acting(user: User) -> User:
    """The user, acting in their (only) role, as the middleware would set it."""
    user.active_membership = Membership.objects.select_related("centre").get(user=user)
    return user
