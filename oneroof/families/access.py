"""Who may see what of a family — person by person. The one place the walls live.

Every view, search, export and later feature asks this module; templates only render what
it let through. The rules are shared/domain/access.md:

* D1 case index: every case role of a centre that owns the case or accepted its referral.
* D2 identity (names, dates of birth, relationships): coordinator and clinical lead of such a
  centre; the case manager and the case team; the intake worker who registered the family,
  until a case manager is assigned.
* D3 contact & location: the same people, but a therapist only for the persons they work
  with, and never across a wall.
* D4 safety facts: coordinator, clinical lead, case manager in full; a therapist sees that
  restrictions apply and the safe-contact rules of the persons they work with; an intake
  worker records flags and reads their own entries.
* D5 diagnosis (NORR answers and results): the case manager, the case team and the clinical
  lead for the persons they are linked to, never across a wall; the coordinator sees results
  (bands, red flags) only, never answers; intake sees none.
* D6/D7 case notes (``note_visible_to``): team notes for the case manager, the case team and
  the owning centre's coordinator and clinical lead; therapist-only notes (D7) for their
  author and the centre's clinical lead; restricted notes for their author and the named
  staff. A note about persons is hidden from anyone linked to none of them or walled off
  from one of them.

The wall: if A is marked do-not-disclose-to B, staff whose person-links in the family
include B but not A see A's name and place in the family, and nothing of A's D3.
"""

from __future__ import annotations

import enum
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet

from oneroof.cases.models import Case, CaseNote, CaseTeamMember
from oneroof.organisation.models import Role
from oneroof.organisation.permissions import active_centre_id, active_role

from .models import DisclosureBlock, Family, FamilyMember, Person, SafetyFlag

CASE_ROLES = frozenset(
    {Role.INTAKE, Role.CASE_MANAGER, Role.THERAPIST, Role.COORDINATOR, Role.CLINICAL_LEAD}
)
CENTRE_WIDE_ROLES = frozenset({Role.COORDINATOR, Role.CLINICAL_LEAD})
NOTE_ROLES = frozenset({Role.CASE_MANAGER, Role.THERAPIST, Role.COORDINATOR, Role.CLINICAL_LEAD})


class SafetyAccess(enum.IntEnum):
    NONE = 0
    OWN_ENTRIES = 1  # intake: the flags they recorded themselves
    RESTRICTIONS = 2  # therapist: "restrictions apply" + safe-contact rules binding them
    FULL = 3


@dataclass(frozen=True)
class FamilyAccess:
    """What one user may see of one family."""

    family_id: int
    identity: bool = False
    contact_person_ids: frozenset[int] = frozenset()
    linked_person_ids: frozenset[int] = frozenset()
    walled_person_ids: frozenset[int] = frozenset()
    diagnosis_person_ids: frozenset[int] = frozenset()  # NORR answers and full results
    result_person_ids: frozenset[int] = frozenset()  # bands and red flags only
    safety: SafetyAccess = SafetyAccess.NONE
    reasons: tuple[str, ...] = field(default=())

    def sees_contact_of(self, person_id: int) -> bool:
        return person_id in self.contact_person_ids

    def is_linked_to(self, person_id: int) -> bool:
        return person_id in self.linked_person_ids

    def sees_answers_of(self, person_id: int) -> bool:
        return person_id in self.diagnosis_person_ids

    def sees_results_of(self, person_id: int) -> bool:
        return person_id in self.result_person_ids


def _centre_cases(centre_id: int) -> Q:
    return Q(cases__centre_id=centre_id) | Q(cases__shared_with__id=centre_id)


def cases_visible_to(user: Any) -> QuerySet[Case]:
    """D1: the case index of the user's active centre (owned or accepted referrals)."""
    centre_id = active_centre_id(user)
    role = active_role(user)
    if centre_id is None or role not in CASE_ROLES:
        return Case.objects.none()
    scope = Q(centre_id=centre_id) | Q(shared_with__id=centre_id)
    if role == Role.INTAKE:
        scope |= Q(case_manager__isnull=True, referrals__registered_by=user)
    return Case.objects.filter(scope).distinct()


def families_visible_to(user: Any) -> QuerySet[Family]:
    """D2: the families whose members' identities the user may see."""
    role = active_role(user)
    centre_id = active_centre_id(user)
    if centre_id is None or role not in CASE_ROLES:
        return Family.objects.none()
    at_centre = _centre_cases(centre_id)
    if role in CENTRE_WIDE_ROLES:
        scope = at_centre
    elif role == Role.INTAKE:
        # Wherever the family was routed, until a case manager takes the case over.
        scope = Q(cases__case_manager__isnull=True, cases__referrals__registered_by=user)
    else:
        scope = at_centre & (Q(cases__case_manager=user) | Q(cases__team__user=user))
    return Family.objects.filter(scope).distinct()


def persons_visible_to(user: Any) -> QuerySet[Person]:
    """D2 of persons: the members of the families the user may see."""
    return Person.objects.filter(memberships__family__in=families_visible_to(user)).distinct()


def access_for_families(user: Any, family_ids: Iterable[int]) -> dict[int, FamilyAccess]:
    """Access to each family, computed for many families in a fixed number of queries."""
    ids = set(family_ids)
    role = active_role(user)
    centre_id = active_centre_id(user)
    result = {family_id: FamilyAccess(family_id) for family_id in ids}
    if not ids or centre_id is None or role not in CASE_ROLES:
        return result

    visible_ids = set(families_visible_to(user).filter(pk__in=ids).values_list("pk", flat=True))
    members: dict[int, set[int]] = defaultdict(set)
    for family_id, person_id in FamilyMember.objects.filter(family_id__in=visible_ids).values_list(
        "family_id", "person_id"
    ):
        members[family_id].add(person_id)
    blocks: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for family_id, protected_id, blocked_id in DisclosureBlock.objects.filter(
        family_id__in=visible_ids
    ).values_list("family_id", "protected_id", "blocked_from_id"):
        blocks[family_id].append((protected_id, blocked_id))
    links = _person_links(user, role, visible_ids, members)

    for family_id in visible_ids:
        everyone = frozenset(members[family_id])
        linked = frozenset(links.get(family_id, set()))
        walled = frozenset(
            protected
            for protected, blocked in blocks[family_id]
            if blocked in linked and protected not in linked
        )
        if role == Role.THERAPIST:
            contact = linked - walled
            safety = SafetyAccess.RESTRICTIONS
        else:
            contact = everyone - walled
            safety = SafetyAccess.OWN_ENTRIES if role == Role.INTAKE else SafetyAccess.FULL
        diagnosis: frozenset[int] = frozenset()
        if role in (Role.CASE_MANAGER, Role.THERAPIST, Role.CLINICAL_LEAD):
            diagnosis = linked - walled
        results = everyone if role == Role.COORDINATOR else diagnosis
        result[family_id] = FamilyAccess(
            family_id=family_id,
            identity=True,
            contact_person_ids=contact,
            linked_person_ids=linked,
            walled_person_ids=walled,
            diagnosis_person_ids=diagnosis,
            result_person_ids=results,
            safety=safety,
        )
    return result


def access_for_family(user: Any, family: Family) -> FamilyAccess:
    return access_for_families(user, [family.pk])[family.pk]


def _person_links(
    user: Any, role: str, family_ids: set[int], members: dict[int, set[int]]
) -> dict[int, set[int]]:
    """The persons the user works with, per family. Centre-wide roles, the case manager and
    the registering intake worker are linked to the whole family; a team member with a
    ``works_with`` set only to those persons."""
    if role in CENTRE_WIDE_ROLES or role == Role.INTAKE:
        return {family_id: set(members[family_id]) for family_id in family_ids}
    links: dict[int, set[int]] = defaultdict(set)
    managed = Case.objects.filter(family_id__in=family_ids, case_manager=user).values_list(
        "family_id", flat=True
    )
    for family_id in managed:
        links[family_id] |= members[family_id]
    memberships = CaseTeamMember.objects.filter(
        case__family_id__in=family_ids, user=user
    ).prefetch_related("works_with")
    for membership in memberships.select_related("case"):
        family_id = membership.case.family_id
        chosen = {person.pk for person in membership.works_with.all()}
        links[family_id] |= (chosen & members[family_id]) if chosen else members[family_id]
    return links


def note_visible_to(user: Any, note: CaseNote, access: FamilyAccess) -> bool:
    """Whether ``user`` may read ``note`` (D6 team notes, D7 therapist-only notes).

    Pure: no queries beyond the objects given. ``note.case`` with its ``team``, and the
    original's ``about`` and ``restricted_to``, should be loaded (``cases.queries`` does).
    ``access`` is the user's access to the case's family. A correction is visible exactly
    when the note it corrects is: it inherits the original's level and persons.
    """
    original = note.corrects if note.corrects_id is not None and note.corrects else note
    case = note.case
    role = active_role(user)
    if role not in NOTE_ROLES or active_centre_id(user) != case.centre_id:
        return False
    if access.family_id != case.family_id or not access.identity:
        return False
    is_author = original.author_id == user.pk
    if original.level == CaseNote.Level.THERAPIST_ONLY:
        allowed = is_author or role == Role.CLINICAL_LEAD
    elif original.level == CaseNote.Level.RESTRICTED:
        allowed = is_author or any(u.pk == user.pk for u in original.restricted_to.all())
    elif original.level == CaseNote.Level.TEAM:
        allowed = (
            role in CENTRE_WIDE_ROLES
            or (role == Role.CASE_MANAGER and case.case_manager_id == user.pk)
            or any(member.user_id == user.pk for member in case.team.all())
        )
    else:
        return False
    if not allowed:
        return False
    about = {person.pk for person in original.about.all()}
    if not about:
        return True
    # The partner wall: never about a walled person, and only about persons one works with.
    return not (about & access.walled_person_ids) and bool(about & access.linked_person_ids)


def persons_hidden_from_member(family: Family, reader: Person) -> frozenset[int]:
    """The persons of ``family`` about whom nothing may be given to ``reader``, a member of
    the family (a printed plan, a letter): those protected from the reader by a
    do-not-disclose block, and — if the reader is flagged as using violence — every
    protected person and every person who experienced violence (access policy, notes)."""
    hidden = set(
        DisclosureBlock.objects.filter(family=family, blocked_from=reader).values_list(
            "protected_id", flat=True
        )
    )
    flags = SafetyFlag.objects.filter(family=family)
    if flags.filter(person=reader, kind=SafetyFlag.Kind.SUSPECTED_OF_VIOLENCE).exists():
        hidden |= set(
            flags.filter(
                kind__in=(SafetyFlag.Kind.PROTECTED, SafetyFlag.Kind.EXPERIENCED_VIOLENCE)
            ).values_list("person_id", flat=True)
        )
    hidden.discard(reader.pk)
    return frozenset(hidden)
