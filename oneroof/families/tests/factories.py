from __future__ import annotations

from datetime import date

import factory
from faker import Faker

from oneroof.accounts.tests.factories import UserFactory
from oneroof.families.models import (
    ContactDetails,
    DisclosureBlock,
    Family,
    FamilyMember,
    Person,
    Relationship,
)
from oneroof.organisation.tests.factories import CentreFactory

fake = Faker("pl_PL")


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    first_name = factory.Faker("first_name", locale="pl_PL")
    last_name = factory.Faker("last_name", locale="pl_PL")
    date_of_birth = date(1985, 3, 14)
    created_by = factory.SubFactory(UserFactory)


class ContactDetailsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContactDetails

    person = factory.SubFactory(PersonFactory)
    address = factory.Faker("address", locale="pl_PL")
    phone = factory.Sequence(lambda n: f"+48 600 {n:03d} {n % 1000:03d}")
    email = factory.Sequence(lambda n: f"osoba{n}@example.invalid")


class FamilyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Family

    display_name = factory.Sequence(lambda n: f"Rodzina {n}")
    registered_at = factory.SubFactory(CentreFactory)
    registered_by = factory.SubFactory(UserFactory)


class FamilyMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FamilyMember

    family = factory.SubFactory(FamilyFactory)
    person = factory.SubFactory(PersonFactory)


class RelationshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Relationship

    family = factory.SubFactory(FamilyFactory)
    from_person = factory.SubFactory(PersonFactory)
    to_person = factory.SubFactory(PersonFactory)
    kind = Relationship.Kind.PARTNER


class DisclosureBlockFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DisclosureBlock

    family = factory.SubFactory(FamilyFactory)
    protected = factory.SubFactory(PersonFactory)
    blocked_from = factory.SubFactory(PersonFactory)
    recorded_by = factory.SubFactory(UserFactory)
