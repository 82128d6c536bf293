from __future__ import annotations

import factory

from oneroof.accounts.tests.factories import UserFactory
from oneroof.notifications.models import Notification


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    user = factory.SubFactory(UserFactory)
    message = factory.Sequence(lambda n: f"Sprawa TEST/{n}: potrzebna decyzja.")
    url = "/diagnoza/alerty/1/"
