from __future__ import annotations

import factory

from oneroof.accounts.tests.factories import UserFactory
from oneroof.organisation.models import Centre, Institution, Membership, Role, Room


class InstitutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Institution
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"instytucja-{n}")
    name = factory.LazyAttribute(lambda i: f"Instytucja {i.code}")
    short_name = factory.LazyAttribute(lambda i: i.code.upper()[:40])
    kind = Institution.Kind.CITY_UNIT


class CentreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Centre

    code = factory.Sequence(lambda n: f"centrum-{n}")
    name = "Centrum dla Rodzin"
    address = factory.Sequence(lambda n: f"ul. Testowa {n}, Kraków")
    operator = factory.SubFactory(InstitutionFactory)
    target_group = Centre.TargetGroup.FAMILIES_WITH_CHILDREN


class RoomFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Room

    centre = factory.SubFactory(CentreFactory)
    name = factory.Sequence(lambda n: f"Gabinet {n}")
    kind = Room.Kind.THERAPY
    capacity = 3


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    centre = factory.SubFactory(CentreFactory)
    role = Role.CASE_MANAGER
