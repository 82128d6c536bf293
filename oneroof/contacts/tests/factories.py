from __future__ import annotations

from datetime import UTC, datetime

import factory

from oneroof.contacts.models import ContactRecord
from oneroof.families.models import SafeContactRule


class SafeContactRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SafeContactRule

    person = factory.SubFactory("oneroof.families.tests.factories.PersonFactory")
    channel = SafeContactRule.Channel.MOBILE


class ContactRecordFactory(factory.django.DjangoModelFactory):
    """A meeting at the centre with a person (set ``person`` to one of the case's family)."""

    class Meta:
        model = ContactRecord

    case = factory.SubFactory("oneroof.cases.tests.factories.CaseFactory")
    occurred_at = datetime(2026, 11, 3, 10, 0, tzinfo=UTC)
    channel = ContactRecord.Channel.CENTRE_MEETING
    direction = ContactRecord.Direction.INCOMING
    summary = "Rozmowa w centrum."
    recorded_by = factory.SubFactory("oneroof.accounts.tests.factories.UserFactory")
