from __future__ import annotations

from datetime import date

import factory

from oneroof.accounts.tests.factories import UserFactory
from oneroof.cases.tests.factories import CaseFactory
from oneroof.intake.models import (
    CentreHandover,
    EligibilityRule,
    Referral,
    ReferralChannel,
    Urgency,
)
from oneroof.organisation.tests.factories import CentreFactory


class ReferralFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Referral

    case = factory.SubFactory(CaseFactory)
    received_on = date(2026, 11, 2)
    channel = ReferralChannel.SCHOOL
    reason = "Nauczycielka zauważyła, że dziecko jest wycofane."
    urgency = Urgency.ROUTINE
    registered_by = factory.SubFactory(UserFactory)


class EligibilityRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EligibilityRule

    requirement = EligibilityRule.Requirement.CHILD_IN_FAMILY


class CentreHandoverFactory(factory.django.DjangoModelFactory):
    """A pending referral of a new case from its centre to another one."""

    class Meta:
        model = CentreHandover

    case = factory.SubFactory(CaseFactory)
    kind = CentreHandover.Kind.REFERRAL
    from_centre = factory.LazyAttribute(lambda h: h.case.centre)
    to_centre = factory.SubFactory(CentreFactory)
    reason = "Rodzina potrzebuje terapii par."
    requested_by = factory.SubFactory(UserFactory)
