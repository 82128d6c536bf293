from __future__ import annotations

import pytest
from django.core.management import call_command

from oneroof.contacts.models import ContactRecord
from oneroof.demo.contacts import load_demo_contacts
from oneroof.families.models import SafeContactRule

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo() -> None:
    call_command("load_demo", verbosity=0)


def test_the_demo_has_contacts_and_a_person_not_to_be_called_at_home(demo: None) -> None:
    assert ContactRecord.objects.count() >= 3
    assert SafeContactRule.objects.filter(no_calls_at_home=True).exists()


def test_loading_the_demo_contacts_again_adds_nothing(demo: None) -> None:
    assert load_demo_contacts() == 0
