from __future__ import annotations

from datetime import date

import factory

from oneroof.cases.tests.factories import CaseFactory
from oneroof.tasks.models import Task


class TaskFactory(factory.django.DjangoModelFactory):
    """A task added by hand."""

    class Meta:
        model = Task

    case = factory.SubFactory(CaseFactory)
    kind = Task.Kind.MANUAL
    title = "Telefon do szkoły"
    due_on = date(2026, 12, 1)
