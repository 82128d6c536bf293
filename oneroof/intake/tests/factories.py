from __future__ import annotations

from datetime import date

import factory

from oneroof.accounts.tests.factories import UserFactory
from oneroof.cases.tests.factories import CaseFactory
from oneroof.intake.models import EligibilityRule, Referral, ReferralChannel, Urgency


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
