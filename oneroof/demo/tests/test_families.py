from __future__ import annotations

from django.core.management import call_command

from oneroof.accounts.models import User
from oneroof.cases.models import Case
from oneroof.demo.families import generate_families
from oneroof.demo.organisation import load_demo_organisation
from oneroof.families.models import DisclosureBlock, Family, Person
from oneroof.families.validation import validate_pesel_matches


def _generated(db: None, count: int = 40) -> None:
    load_demo_organisation()
    generate_families(count, actor=User.objects.get(username="rejestracja"), seed=3)


def test_generated_families_each_get_a_case(db: None) -> None:
    _generated(db)
    assert Case.objects.count() == 40


def test_every_generated_pesel_agrees_with_the_date_of_birth(db: None) -> None:
    _generated(db)
    for person in Person.objects.all():
        validate_pesel_matches(person.pesel, person.date_of_birth)


def test_child_victim_families_wall_the_flagged_parent_off(db: None) -> None:
    _generated(db, count=120)
    block = DisclosureBlock.objects.select_related("blocked_from").first()
    assert block is not None
    assert block.blocked_from.safety_flags.filter(kind="suspected").exists()


def test_generating_twice_adds_families_without_pesel_clashes(db: None) -> None:
    _generated(db)
    generate_families(40, actor=User.objects.get(username="rejestracja"), seed=3)
    assert Person.objects.values("pesel").distinct().count() == Person.objects.count()


def test_the_demo_brings_fictional_families_once(db: None) -> None:
    call_command("load_demo", verbosity=0)
    call_command("load_demo", verbosity=0)
    assert Family.objects.count() == 40
