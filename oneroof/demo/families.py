"""Fictional families in bulk, for the demo and for measuring pages at scale.

Every person is invented by Faker (pl_PL) with a valid PESEL that agrees with the date of
birth. Shapes follow the centres' target groups: couples, parents with children, single
parents, three generations with a senior, and children who experienced violence with a
non-offending parent and a flagged one (walled off by a do-not-disclose block).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import transaction
from faker import Faker

from oneroof.accounts.models import User
from oneroof.cases.models import Case
from oneroof.families.models import (
    ContactDetails,
    DisclosureBlock,
    Family,
    FamilyMember,
    Household,
    Person,
    Relationship,
    SafetyFlag,
)
from oneroof.families.text import search_key
from oneroof.intake.models import Referral, ReferralChannel, Urgency
from oneroof.organisation.models import Centre

BATCH = 250
CHANNELS = [c.value for c in ReferralChannel]


@dataclass
class _Person:
    first_name: str
    last_name: str
    born: date
    sex: str
    is_client: bool = False
    flag: str = ""


@dataclass
class _Family:
    centre_code: str
    name: str
    persons: list[_Person]
    relations: list[tuple[int, str, int]] = field(default_factory=list)
    block: tuple[int, int] | None = None


class FamilyShapes:
    """Draws realistic family shapes from a seeded random source."""

    def __init__(self, seed: int, today: date) -> None:
        self.rng = random.Random(seed)  # noqa: S311 - fictional data, not security
        self.fake = Faker("pl_PL")
        self.fake.seed_instance(seed)
        self.today = today
        self.used_pesels: set[str] = set()

    def pesel(self, born: date, sex: str) -> str:
        """A valid PESEL for ``born`` not used before (there are ~5,000 per day and sex)."""
        while True:
            pesel = self.fake.pesel(date_of_birth=born, sex=sex)  # type: ignore[arg-type]
            if pesel not in self.used_pesels:
                self.used_pesels.add(pesel)
                return pesel

    def _born(self, min_age: int, max_age: int) -> date:
        days = self.rng.randint(min_age * 365 + 1, max_age * 365 + 300)
        return self.today - timedelta(days=days)

    def _person(self, last: str, sex: str, min_age: int, max_age: int) -> _Person:
        first = self.fake.first_name_female() if sex == "F" else self.fake.first_name_male()
        return _Person(first, last, self._born(min_age, max_age), sex)

    def _surname(self, sex: str) -> str:
        return self.fake.last_name_female() if sex == "F" else self.fake.last_name_male()

    def draw(self) -> _Family:
        roll = self.rng.random()
        male = self.fake.last_name_male()
        female = _feminine(male)
        mother = self._person(female, "F", 26, 50)
        father = self._person(male, "M", 27, 55)
        children = []
        for _ in range(self.rng.randint(1, 3)):
            sex = self.rng.choice("FM")
            child = self._person(female if sex == "F" else male, sex, 1, 17)
            child.is_client = True
            children.append(child)
        if roll < 0.2:  # a couple working on their relationship
            return _Family("wodna", f"Rodzina {male}", [mother, father], [(0, "spouse", 1)])
        if roll < 0.65:  # parents with children
            persons = [mother, father, *children]
            relations = [(0, "spouse", 1)] + [
                (parent, "parent", i) for i in range(2, len(persons)) for parent in (0, 1)
            ]
            return _Family("krakowiakow", f"Rodzina {male}", persons, relations)
        if roll < 0.85:  # a single parent
            persons = [mother, *children]
            relations = [(0, "parent", i) for i in range(1, len(persons))]
            return _Family("krakowiakow", f"Rodzina {female}", persons, relations)
        if roll < 0.95:  # three generations, with a senior cared for at home
            grandmother = self._person(_feminine(self._surname("M")), "F", 62, 88)
            persons = [mother, father, *children, grandmother]
            relations = [(0, "spouse", 1), (len(persons) - 1, "parent", 0)] + [
                (parent, "parent", i) for i in range(2, len(persons) - 1) for parent in (0, 1)
            ]
            return _Family("krakowiakow", f"Rodzina {male}", persons, relations)
        # a child who experienced violence; the father is flagged and walled off
        child = children[0]
        child.flag = "victim"
        father.flag = "suspected"
        mother.flag = "protected"
        persons = [child, mother, father]
        return _Family(
            "cpd",
            f"Rodzina {male}",
            persons,
            [(1, "parent", 0), (2, "parent", 0), (1, "former_partner", 2)],
            block=(1, 2),
        )


def _feminine(surname: str) -> str:
    for masculine, feminine in (("ski", "ska"), ("cki", "cka"), ("dzki", "dzka")):
        if surname.endswith(masculine):
            return surname[: -len(masculine)] + feminine
    return surname


def generate_families(
    count: int,
    *,
    actor: User,
    seed: int = 1,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Create ``count`` fictional families with cases and referrals; return how many."""
    today = date.today()  # noqa: DTZ011 - ages only; a day either way is irrelevant
    shapes = FamilyShapes(seed, today)
    shapes.used_pesels = set(Person.objects.exclude(pesel="").values_list("pesel", flat=True))
    centres = {c.code: c for c in Centre.objects.filter(code__in=["wodna", "krakowiakow", "cpd"])}
    if len(centres) < 3:
        raise ValueError("Load the demo organisation first (manage.py load_demo).")
    start = Case.objects.count()
    made = 0
    for batch in _batches(count):
        with transaction.atomic():
            _create_batch(
                [shapes.draw() for _ in range(batch)], shapes, centres, actor, start + made
            )
        made += batch
        if progress is not None:
            progress(batch)
    return made


def _batches(count: int) -> Iterator[int]:
    while count > 0:
        yield min(BATCH, count)
        count -= BATCH


def _create_batch(
    drafts: list[_Family],
    shapes: FamilyShapes,
    centres: dict[str, Centre],
    actor: User,
    offset: int,
) -> None:
    fake, rng, today = shapes.fake, shapes.rng, shapes.today
    families = Family.objects.bulk_create(
        Family(display_name=d.name, registered_at=centres[d.centre_code], registered_by=actor)
        for d in drafts
    )
    persons = Person.objects.bulk_create(
        Person(
            first_name=p.first_name,
            last_name=p.last_name,
            pesel=shapes.pesel(p.born, p.sex),
            date_of_birth=p.born,
            sex=p.sex,
            search_name=search_key(p.last_name, p.first_name),
            created_by=actor,
        )
        for d in drafts
        for p in d.persons
    )
    people = iter(persons)
    by_family = [[next(people) for _ in d.persons] for d in drafts]
    members, relations, contacts, flags, blocks, memberships = [], [], [], [], [], []
    households = Household.objects.bulk_create(
        Household(family=f, label="gospodarstwo 1", address=fake.address().replace("\n", ", "))
        for f in families
    )
    for family, draft, own, household in zip(families, drafts, by_family, households, strict=True):
        for person, data in zip(own, draft.persons, strict=True):
            members.append(FamilyMember(family=family, person=person, is_client=data.is_client))
            phone = f"{rng.randint(500, 899)}{rng.randint(0, 999999):06d}"
            contacts.append(
                ContactDetails(
                    person=person, address=household.address, phone=phone, phone_digits=phone,
                    email=f"osoba{person.pk}@example.invalid",
                )
            )  # fmt: skip
            memberships.append(Household.members.through(household=household, person=person))
            if data.flag:
                flags.append(
                    SafetyFlag(
                        family=family, person=person, kind=data.flag, source="dane generowane",
                        noted_on=today, recorded_by=actor,
                    )
                )  # fmt: skip
        relations += [
            Relationship(family=family, from_person=own[a], to_person=own[b], kind=kind)
            for a, kind, b in draft.relations
        ]
        if draft.block is not None:
            protected, blocked = draft.block
            blocks.append(
                DisclosureBlock(
                    family=family, protected=own[protected], blocked_from=own[blocked],
                    reason="dane generowane", recorded_by=actor,
                )
            )  # fmt: skip
    FamilyMember.objects.bulk_create(members)
    ContactDetails.objects.bulk_create(contacts)
    Household.members.through.objects.bulk_create(memberships)
    Relationship.objects.bulk_create(relations)
    SafetyFlag.objects.bulk_create(flags)
    DisclosureBlock.objects.bulk_create(blocks)
    cases = Case.objects.bulk_create(
        Case(
            number=f"GEN/{today.year}/{offset + n + 1:06d}",
            family=family,
            centre=centres[draft.centre_code],
            first_contact_on=today - timedelta(days=rng.randint(0, 400)),
            status=rng.choice([s.value for s in Case.Status]),
        )
        for n, (family, draft) in enumerate(zip(families, drafts, strict=True))
    )
    Referral.objects.bulk_create(
        Referral(
            case=case,
            received_on=case.first_contact_on,
            channel=rng.choice(CHANNELS),
            reason="Zgłoszenie wygenerowane (dane fikcyjne).",
            urgency=Urgency.ROUTINE,
            registered_by=actor,
        )
        for case in cases
    )
