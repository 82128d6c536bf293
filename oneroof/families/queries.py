"""Reads of families and persons. Everything passes ``access.py`` before it leaves here."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from oneroof.cases.models import Case

from .access import (
    FamilyAccess,
    SafetyAccess,
    access_for_families,
    families_visible_to,
    persons_visible_to,
)
from .models import (
    ContactDetails,
    DisclosureBlock,
    Family,
    FamilyMember,
    Household,
    Person,
    Relationship,
    SafeContactRule,
    SafetyFlag,
)
from .text import digits, search_key

SEARCH_LIMIT = 50


@dataclass(frozen=True)
class PersonHit:
    person: Person
    family: Family
    contact: ContactDetails | None  # None when the user may not see it


def _classify(text: str) -> tuple[str, str]:
    """("pesel" | "phone" | "name", normalised value) for a search box entry."""
    compact = "".join(text.split())
    number = digits(compact)
    if len(number) == 11 and number == compact:
        return "pesel", number
    if len(number) >= 9 and set(compact) <= set("0123456789+-()"):
        return "phone", number[-9:]
    return "name", search_key(text)


def search_persons(user: Any, text: str, limit: int = SEARCH_LIMIT) -> list[PersonHit]:
    """Persons the user may see, by name (diacritics ignored), PESEL or phone number.

    A phone number only finds persons whose contact data the user may see, so a search can
    never confirm where a walled person can be reached.
    """
    kind, value = _classify(text)
    if not value:
        return []
    members = FamilyMember.objects.filter(family__in=families_visible_to(user)).select_related(
        "person", "family"
    )
    if kind == "pesel":
        members = members.filter(person__pesel=value)
    elif kind == "phone":
        members = members.filter(person__contact__phone_digits=value)
    else:
        tokens = value.split()
        # The first token uses the search_name index (prefix); the rest narrow the rows.
        members = members.filter(
            Q(person__search_name__startswith=tokens[0])
            | Q(person__search_name__contains=f" {tokens[0]}")
        )
        for token in tokens[1:]:
            members = members.filter(person__search_name__contains=token)
    rows = list(members.order_by("person__search_name", "family_id")[:limit])
    access = access_for_families(user, {row.family_id for row in rows})
    seen = [row for row in rows if access[row.family_id].sees_contact_of(row.person_id)]
    contacts = _contacts_for([row.person_id for row in seen])
    hits = []
    for row in rows:
        visible = access[row.family_id].sees_contact_of(row.person_id)
        if kind == "phone" and not visible:
            continue
        contact = contacts.get(row.person_id) if visible else None
        hits.append(PersonHit(row.person, row.family, contact))
    return hits


def _contacts_for(person_ids: list[int]) -> dict[int, ContactDetails]:
    return {c.person_id: c for c in ContactDetails.objects.filter(person_id__in=person_ids)}


@dataclass(frozen=True)
class DuplicateMatch:
    """A record that looks like the person being entered.

    For a record the user may not see, only the centres are named, never the person."""

    person: Person | None
    centres: tuple[str, ...] = ()

    @property
    def visible(self) -> bool:
        return self.person is not None


def find_duplicates(
    user: Any, *, pesel: str, first_name: str, last_name: str, born: date | None
) -> list[DuplicateMatch]:
    same = Q(pesel=pesel) if pesel else Q(pk__in=[])
    if born is not None and last_name.strip():
        same |= Q(search_name=search_key(last_name, first_name), date_of_birth=born)
    candidates = list(
        Person.objects.filter(same).prefetch_related(
            Prefetch(
                "memberships",
                queryset=FamilyMember.objects.select_related(
                    "family__registered_at"
                ).prefetch_related(
                    Prefetch("family__cases", queryset=Case.objects.select_related("centre"))
                ),
            )
        )[:10]
    )
    visible_ids = set(
        persons_visible_to(user)
        .filter(pk__in=[c.pk for c in candidates])
        .values_list("pk", flat=True)
    )
    matches = []
    for person in candidates:
        if person.pk in visible_ids:
            matches.append(DuplicateMatch(person))
            continue
        centres = sorted(
            {
                str(case.centre)
                for membership in person.memberships.all()
                for case in membership.family.cases.all()
            }
            or {str(m.family.registered_at) for m in person.memberships.all()}
        )
        matches.append(DuplicateMatch(None, tuple(centres)))
    return matches


@dataclass
class MemberView:
    member: FamilyMember
    person: Person
    contact: ContactDetails | None = None
    flags: list[SafetyFlag] = field(default_factory=list)
    safe_contact: SafeContactRule | None = None
    restricted: bool = False  # "restrictions apply" shown to a therapist
    walled: bool = False
    relations: list[tuple[str, Person]] = field(default_factory=list)


@dataclass
class FamilyView:
    family: Family
    access: FamilyAccess
    members: list[MemberView]
    households: list[Household]
    cases: list[Case]
    blocks: list[DisclosureBlock]

    @property
    def shows_safety(self) -> bool:
        return self.access.safety >= SafetyAccess.OWN_ENTRIES

    @property
    def shows_restrictions_only(self) -> bool:
        return self.access.safety == SafetyAccess.RESTRICTIONS


def get_family_for(user: Any, family_id: int) -> FamilyView:
    """The family as this user may see it, or 404. A fixed number of queries."""
    access = access_for_families(user, [family_id])[family_id]
    if not access.identity:
        raise Http404
    family = Family.objects.select_related("registered_at").get(pk=family_id)
    members = list(family.members.select_related("person").order_by("person__date_of_birth"))
    contacts = _contacts_for(list(access.contact_person_ids))
    flags = _flags_for(user, family, access)
    rules = {
        rule.person_id: rule
        for rule in SafeContactRule.objects.filter(person__in=[m.person_id for m in members])
        if access.safety == SafetyAccess.FULL
        or (access.safety == SafetyAccess.RESTRICTIONS and access.is_linked_to(rule.person_id))
    }
    persons = {m.person_id: m.person for m in members}
    relations: dict[int, list[tuple[str, Person]]] = {pid: [] for pid in persons}
    for rel in Relationship.objects.filter(family=family):
        if rel.from_person_id in persons and rel.to_person_id in persons:
            relations[rel.from_person_id].append(
                (rel.get_kind_display(), persons[rel.to_person_id])
            )
    restricted_ids = set(
        SafetyFlag.objects.filter(family=family).values_list("person_id", flat=True)
    ) | {b.protected_id for b in DisclosureBlock.objects.filter(family=family)}
    views = [
        MemberView(
            member=m,
            person=m.person,
            contact=contacts.get(m.person_id),
            flags=flags.get(m.person_id, []),
            safe_contact=rules.get(m.person_id),
            restricted=m.person_id in restricted_ids,
            walled=m.person_id in access.walled_person_ids,
            relations=relations[m.person_id],
        )
        for m in members
    ]
    households = [
        h
        for h in family.households.prefetch_related("members")
        if {p.pk for p in h.members.all()} <= access.contact_person_ids
    ]
    blocks = (
        list(DisclosureBlock.objects.filter(family=family))
        if access.safety == SafetyAccess.FULL
        else []
    )
    cases = list(
        Case.objects.filter(family=family)
        .select_related("centre", "case_manager")
        .prefetch_related("referrals")
    )
    return FamilyView(family, access, views, households, cases, blocks)


def _flags_for(user: Any, family: Family, access: FamilyAccess) -> dict[int, list[SafetyFlag]]:
    if access.safety == SafetyAccess.FULL:
        flags: QuerySet[SafetyFlag] = SafetyFlag.objects.filter(family=family)
    elif access.safety == SafetyAccess.OWN_ENTRIES:
        flags = SafetyFlag.objects.filter(family=family, recorded_by=user)
    else:
        return {}
    grouped: dict[int, list[SafetyFlag]] = {}
    for flag in flags.select_related("recorded_by"):
        grouped.setdefault(flag.person_id, []).append(flag)
    return grouped


def families_list_for(user: Any) -> QuerySet[Family]:
    """The family list: visible families with their cases, newest first."""
    return (
        families_visible_to(user)
        .select_related("registered_at")
        .prefetch_related(
            Prefetch("cases", queryset=Case.objects.select_related("centre", "case_manager"))
        )
        .order_by("-created_at", "-pk")
    )
