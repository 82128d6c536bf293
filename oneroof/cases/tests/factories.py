from __future__ import annotations

from datetime import date

import factory

from oneroof.cases.models import Case, CaseTeamMember
from oneroof.families.tests.factories import FamilyFactory
from oneroof.organisation.tests.factories import CentreFactory


class CaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Case

    number = factory.Sequence(lambda n: f"TEST/2026/{n:05d}")
    family = factory.SubFactory(FamilyFactory)
    centre = factory.SubFactory(CentreFactory)
    first_contact_on = date(2026, 11, 2)


class CaseTeamMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CaseTeamMember
        skip_postgeneration_save = True

    case = factory.SubFactory(CaseFactory)
    user = factory.SubFactory("oneroof.accounts.tests.factories.UserFactory")

    @factory.post_generation
    def works_with(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create and extracted:
            self.works_with.set(extracted)  # type: ignore[attr-defined]
