"""The family list, the search and the family page cost the same number of queries for 20
families as for 200 (and for a family of 3 as for one of 25), for every case role.

The data comes from the demo generator (``load_demo`` + ``generate_families``), so every
shape is there: couples, families with children, three generations, and children who
experienced violence with a walled-off parent. On a mismatch the message lists the queries
whose count grew, numbers blanked out: that is the N+1.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from datetime import date
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import make_staff
from oneroof.accounts.models import User
from oneroof.cases.models import Case, CaseTeamMember
from oneroof.demo.families import generate_families
from oneroof.families.access import access_for_family, families_visible_to
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
from oneroof.families.tests.conftest import acting
from oneroof.organisation.models import Centre, Role

SMALL, LARGE = 20, 200
# Upper bounds that hold at any size. Measured (SQLite and PostgreSQL alike), per request and
# including session, user, 2FA device, roles, the audit event and the session save:
# list 10; search 20 (intake, coordinator, clinical lead), 22 (case manager), 23 (therapist);
# detail 27-30. Two queries of headroom, so that one more context processor is not a failure.
MAX_QUERIES = {"list": 12, "search": 25, "detail": 32}

SignIn = Callable[[Client, User], Client]


class Org:
    """The demo organisation plus one user per case role, and a way to grow the data."""

    def __init__(self) -> None:
        call_command("load_demo", stdout=StringIO())
        self.centres = {c.code: c for c in Centre.objects.all()}
        krakowiakow, cpd = self.centres["krakowiakow"], self.centres["cpd"]
        self.users = {
            Role.INTAKE: make_staff(Role.INTAKE.value, krakowiakow, "pomiar.rejestracja"),
            Role.COORDINATOR: make_staff(Role.COORDINATOR.value, krakowiakow, "pomiar.koord"),
            Role.CLINICAL_LEAD: make_staff(Role.CLINICAL_LEAD.value, cpd, "pomiar.kierownik"),
            Role.CASE_MANAGER: make_staff(Role.CASE_MANAGER.value, krakowiakow, "pomiar.cm"),
            Role.THERAPIST: make_staff(Role.THERAPIST.value, cpd, "pomiar.terapeuta"),
        }
        self.seed = 0

    def grow(self, count: int) -> None:
        """``count`` more families; the case manager takes every other Krakowiaków case and the
        CPD therapist joins every CPD case team, working with the flagged parent only."""
        self.seed += 1
        generate_families(count, actor=self.users[Role.INTAKE], seed=self.seed)
        manager, therapist = self.users[Role.CASE_MANAGER], self.users[Role.THERAPIST]
        unassigned = Case.objects.filter(centre__code="krakowiakow", case_manager__isnull=True)
        Case.objects.filter(pk__in=[c.pk for c in unassigned if c.pk % 2]).update(
            case_manager=manager
        )
        new_cases = Case.objects.filter(centre__code="cpd").exclude(team__user=therapist)
        for case in new_cases:
            member = CaseTeamMember.objects.create(case=case, user=therapist)
            flagged = SafetyFlag.objects.filter(family_id=case.family_id, kind="suspected")
            member.works_with.set([flag.person for flag in flagged])

    def inflate(self, family: Family, extra: int) -> None:
        """Make ``family`` big: ``extra`` more persons with contact data, relationships, safety
        flags, walls, a second household and a second (closed) case."""
        first = family.members.select_related("person").first()
        assert first is not None
        anchor = first.person
        household = Household.objects.create(family=family, label="mieszkanie 2", address="x")
        for n in range(extra):
            person = Person.objects.create(
                first_name="Dodatkowa", last_name=f"Osoba{n}", date_of_birth=date(2010, 1, 1),
                created_by=self.users[Role.INTAKE],
            )  # fmt: skip
            FamilyMember.objects.create(family=family, person=person)
            ContactDetails.objects.create(person=person, phone=f"7000{n:05d}", address="y")
            Relationship.objects.create(
                family=family, from_person=anchor, to_person=person, kind="parent"
            )
            SafetyFlag.objects.create(
                family=family, person=person, kind="victim", source="test",
                noted_on=date(2026, 1, 1), recorded_by=self.users[Role.INTAKE],
            )  # fmt: skip
            DisclosureBlock.objects.create(
                family=family, protected=person, blocked_from=anchor,
                recorded_by=self.users[Role.INTAKE],
            )  # fmt: skip
            household.members.add(person)
        case = Case.objects.filter(family=family).first()
        assert case is not None
        Case.objects.create(
            number=f"ZAMK/{family.pk}", family=family, centre=case.centre, status="closed",
            first_contact_on=date(2025, 1, 1),
        )  # fmt: skip


def _normalised(sql: str) -> str:
    """The query's shape: literals, numbers and IN (…) lists blanked out."""
    sql = re.sub(r"'[^']*'", "'…'", sql)
    sql = re.sub(r"\bIN \([^()]*\)", "IN (…)", sql)
    return re.sub(r"\d+", "N", sql)


def _measure(client: Client, probe: tuple[str, dict[str, str] | None]) -> list[str]:
    url, search = probe
    with CaptureQueriesContext(connection) as queries:
        response = client.post(url, search) if search is not None else client.get(url)
    assert response.status_code == 200, url
    return [q["sql"] for q in queries.captured_queries]


def _growth(small: list[str], large: list[str]) -> str:
    grown = Counter(map(_normalised, large)) - Counter(map(_normalised, small))
    return "\n".join(f"  +{n} x {sql[:300]}" for sql, n in grown.items())


def _probes(user: User) -> dict[str, tuple[str, dict[str, str] | None]]:
    """One URL per page, chosen among what this user may see (so no page is empty): the
    biggest family they may see, and a member of it whose contact data they may see."""
    viewer = acting(user)
    family = (
        Family.objects.filter(pk__in=list(families_visible_to(viewer).values_list("pk", flat=True)))
        .annotate(size=Count("members"))
        .order_by("-size", "pk")
        .first()
    )
    assert family is not None, "the user sees no family: the scenario is wrong"
    access = access_for_family(viewer, family)
    person = (
        Person.objects.filter(pk__in=access.contact_person_ids).exclude(pesel="").order_by("pk")
    ).first()
    assert person is not None, "the user sees nobody's contact: the scenario is wrong"
    phone = ContactDetails.objects.filter(person=person).values_list("phone", flat=True).get()
    listing = reverse("families:list")
    return {
        "list": (listing, None),
        "search by name": (listing, {"q": person.last_name[:1]}),
        "search by phone": (listing, {"q": phone}),
        "search by PESEL": (listing, {"q": person.pesel}),
        "detail": (reverse("families:detail", args=[family.pk]), None),
    }


def _bound(page: str) -> int:
    return MAX_QUERIES["search" if page.startswith("search") else page]


@pytest.mark.parametrize(
    "role",
    [Role.INTAKE, Role.COORDINATOR, Role.CLINICAL_LEAD, Role.CASE_MANAGER, Role.THERAPIST],
    ids=lambda role: role.value,
)
def test_family_pages_cost_the_same_for_10x_the_data(
    db: None,
    client: Client,
    sign_in: SignIn,
    role: Role,
    django_assert_max_num_queries: Any,
    record_property: Callable[[str, object], None],
) -> None:
    org = Org()
    org.grow(SMALL)
    user = org.users[role]
    sign_in(client, user)
    probes = _probes(user)
    small = {page: _measure(client, probe) for page, probe in probes.items()}

    org.grow(LARGE - SMALL)
    detail_family = int(probes["detail"][0].rstrip("/").rsplit("/", 1)[1])
    org.inflate(Family.objects.get(pk=detail_family), extra=22)
    large = {page: _measure(client, probe) for page, probe in probes.items()}

    counts = {page: (len(small[page]), len(large[page])) for page in probes}
    record_property("query_counts", counts)
    grew = [
        f"{page}: {len(small[page])} → {len(large[page])} queries\n"
        f"{_growth(small[page], large[page])}"
        for page in probes
        if len(small[page]) != len(large[page])
    ]
    assert not grew, "\n".join(grew)
    for page, url in probes.items():
        with django_assert_max_num_queries(_bound(page), info=page):
            client.get(url)
