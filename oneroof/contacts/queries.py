"""Reads of the contact log, always through ``families.access``.

A reader sees a contact when they may read the case's contacts (``permissions``) and, person
by person, when every family member the contact is with or about is one they are linked to and
not walled off from (``FamilyAccess.linked_person_ids`` minus ``walled_person_ids``). A
contact with an institution about nobody in particular concerns the family as a whole: only
staff linked to the whole family read it. Every function runs a fixed number of queries.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404

from oneroof.cases.models import Case, CaseTeamMember
from oneroof.families.access import FamilyAccess, access_for_family, cases_visible_to
from oneroof.families.models import FamilyMember, Person, SafeContactRule

from .models import ContactRecord
from .permissions import can_read_contacts


@dataclass(frozen=True)
class ContactScope:
    """What of one case's contact log one user may read."""

    readable: bool
    person_ids: frozenset[int] = frozenset()  # linked to, not walled off from
    whole_family: bool = False


def contact_scope(user: Any, case: Case, access: FamilyAccess | None = None) -> ContactScope:
    """``case.team`` should be loaded; ``access``: the user's access to the case's family."""
    if not can_read_contacts(user, case):
        return ContactScope(readable=False)
    access = access or access_for_family(user, case.family)
    if access.family_id != case.family_id or not access.identity:
        return ContactScope(readable=False)
    allowed = access.linked_person_ids - access.walled_person_ids
    members = set(
        FamilyMember.objects.filter(family_id=case.family_id).values_list("person_id", flat=True)
    )
    return ContactScope(readable=True, person_ids=allowed, whole_family=members <= allowed)


def _about_rows() -> QuerySet[Any]:
    return ContactRecord.about.through._default_manager.all()


def visible_contacts(case: Case, scope: ContactScope) -> QuerySet[ContactRecord]:
    """The case's contacts within ``scope``, newest first (a queryset: slice it at will)."""
    if not scope.readable:
        return ContactRecord.objects.none()
    allowed = list(scope.person_ids)
    about_outside = (
        _about_rows().filter(contactrecord_id=OuterRef("pk")).exclude(person_id__in=allowed)
    )
    contacts = (
        ContactRecord.objects.filter(case_id=case.pk)
        .filter(Q(person__isnull=True) | Q(person_id__in=allowed))
        .exclude(Exists(about_outside))
    )
    if not scope.whole_family:
        about_any = _about_rows().filter(contactrecord_id=OuterRef("pk"))
        contacts = contacts.filter(Q(person__isnull=False) | Exists(about_any))
    return (
        contacts.select_related("person", "recorded_by", "entered_in_error_by")
        .prefetch_related("about")
        .order_by("-occurred_at", "-pk")
    )


def contacts_visible_to(
    user: Any, case: Case, access: FamilyAccess | None = None, *, limit: int | None = None
) -> list[ContactRecord]:
    """The contacts of ``case`` the user may read, newest first (at most ``limit``)."""
    contacts = visible_contacts(case, contact_scope(user, case, access))
    return list(contacts[:limit] if limit is not None else contacts)


def get_case_for_contacts(user: Any, case_id: int) -> Case:
    """The case (family, centre, case manager, team) or 404 outside ``cases_visible_to``."""
    case = (
        cases_visible_to(user)
        .filter(pk=case_id)
        .select_related("family", "centre", "case_manager")
        .prefetch_related(Prefetch("team", queryset=CaseTeamMember.objects.select_related("user")))
        .first()
    )
    if case is None:
        raise Http404
    return case


def get_contact_for(user: Any, contact_id: int) -> ContactRecord:
    """One contact the user may read, with its case (and team) loaded, or 404."""
    found = (
        ContactRecord.objects.filter(pk=contact_id, case__in=cases_visible_to(user))
        .select_related("case__family", "case__centre")
        .prefetch_related("case__team")
        .first()
    )
    if found is None:
        raise Http404
    case = found.case
    contact = visible_contacts(case, contact_scope(user, case)).filter(pk=contact_id).first()
    if contact is None:
        raise Http404
    contact.case = case  # with its team, for the permission checks
    return contact


def reachable_persons(access: FamilyAccess) -> QuerySet[Person]:
    """The family members the user may record a contact with: those whose contact data (D3)
    they may see and whom they are linked to, never across a wall."""
    ids = access.contact_person_ids & (access.linked_person_ids - access.walled_person_ids)
    return Person.objects.filter(pk__in=list(ids)).order_by("date_of_birth", "pk")


def rules_for(person_ids: frozenset[int] | set[int]) -> dict[int, SafeContactRule]:
    """The safe-contact rules (D4) of these persons. Callers pass only persons whose rules the
    user may see: ``reachable_persons`` are linked, so their rules bind the user."""
    return {
        rule.person_id: rule
        for rule in SafeContactRule.objects.filter(person_id__in=list(person_ids))
    }
