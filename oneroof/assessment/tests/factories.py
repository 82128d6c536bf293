"""Test data for NORR administrations. The instrument itself is never built here: NORR-P v1
is published by migration 0002, so every test database already holds it."""

from __future__ import annotations

from datetime import date, timedelta

import factory
from django.utils import timezone

from oneroof.accounts.tests.factories import UserFactory
from oneroof.assessment.models import (
    Administration,
    Answer,
    InstrumentVersion,
    Recommendation,
    SafetyAlert,
)
from oneroof.cases.tests.factories import CaseFactory
from oneroof.families.tests.factories import PersonFactory


def norr_v1() -> InstrumentVersion:
    """NORR-P v1 as the migration published it."""
    return InstrumentVersion.objects.get(code="NORR-P", version="1")


def born_aged(years: int, today: date | None = None) -> date:
    """A date of birth that makes a person ``years`` old today (a month past the birthday)."""
    today = today or timezone.localdate()
    return today - timedelta(days=365 * years + years // 4 + 30)


class AdministrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Administration

    case = factory.SubFactory(CaseFactory)
    person = factory.SubFactory(PersonFactory)
    version = factory.LazyFunction(norr_v1)
    form = Administration.Form.ADULT
    administered_by = factory.SubFactory(UserFactory)


class AnswerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Answer

    administration = factory.SubFactory(AdministrationFactory)
    item = "E1"
    value = "0"


class SafetyAlertFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SafetyAlert

    administration = factory.SubFactory(AdministrationFactory)
    case = factory.LazyAttribute(lambda alert: alert.administration.case)
    red_flags = factory.LazyFunction(lambda: [{"item": "S2", "answer": "yes"}])


class RecommendationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Recommendation

    administration = factory.SubFactory(AdministrationFactory)
    case = factory.LazyAttribute(lambda rec: rec.administration.case)
    code = "couples_therapy"
    text = "Terapia par (Centrum dla Rodzin, ul. Wodna 2B)"
    provider = "dom-terapii"
