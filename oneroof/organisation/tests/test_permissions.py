"""Each permission predicate and its queryset twin give the same answer, for every role.

Exhaustive over the roles, the centre a role is held at (own, other, organisation-wide) and a
set of records that covers every branch of the rules; cheap enough to run on every commit.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from conftest import make_staff
from oneroof.accounts.models import User
from oneroof.accounts.tests.factories import UserFactory
from oneroof.audit import services as audit
from oneroof.audit.models import AuditEvent
from oneroof.audit.queries import audit_events_visible_to
from oneroof.core.types import AuditContext
from oneroof.organisation.models import ORGANISATION_WIDE_ROLES, Centre, Membership, Role
from oneroof.organisation.permissions import can_view_audit_event, can_view_centre
from oneroof.organisation.queries import centres_visible_to
from oneroof.organisation.tests.factories import CentreFactory

ROLES = [role.value for role in Role]


def acting(user: User) -> User:
    """The user acting in their only role, as ActiveMembershipMiddleware would set it."""
    user.active_membership = Membership.objects.select_related("centre").get(user=user)
    return user


def subjects(centre: Centre, other_centre: Centre) -> list[User | AnonymousUser]:
    """Anonymous, a user with no role, and every role at each centre it can be held at."""
    no_role = UserFactory(username="bez-roli")
    no_role.active_membership = None
    users: list[User | AnonymousUser] = [AnonymousUser(), no_role]
    for role in ROLES:
        places = [None] if role in ORGANISATION_WIDE_ROLES else [centre, other_centre]
        users += [
            acting(make_staff(role, place, f"{role}-{place.code if place else 'org'}"))
            for place in places
        ]
    return users


def _label(user: User | AnonymousUser) -> str:
    return getattr(user, "username", "") or "anonymous"


@pytest.fixture
def third_centre(db: None) -> Centre:
    return CentreFactory(code="wadowicka")


def test_can_view_centre_agrees_with_centres_visible_to(
    centre: Centre, other_centre: Centre, third_centre: Centre
) -> None:
    everyone = subjects(centre, other_centre)
    all_centres = list(Centre.objects.all())
    disagreements = [
        (_label(user), c.code)
        for user in everyone
        for c in all_centres
        if can_view_centre(user, c) != centres_visible_to(user).filter(pk=c.pk).exists()
    ]
    assert disagreements == []


def test_every_centre_role_sees_exactly_its_own_centre(
    centre: Centre, other_centre: Centre
) -> None:
    seen = {
        _label(user): (list(centres_visible_to(user)), user.active_membership.centre)
        for user in subjects(centre, other_centre)
        if isinstance(user, User)
        and user.active_membership is not None
        and user.active_membership.centre is not None
    }
    assert len(seen) == 2 * (len(ROLES) - len(ORGANISATION_WIDE_ROLES))
    assert all(visible == [own] for visible, own in seen.values())


@pytest.mark.parametrize("role", sorted(ORGANISATION_WIDE_ROLES))
def test_organisation_wide_roles_see_no_centre_page(centre: Centre, role: str) -> None:
    user = acting(make_staff(role, None))
    assert not centres_visible_to(user).exists()


def _events(centre: Centre, other_centre: Centre, authors: list[User]) -> list[AuditEvent]:
    """Events at each centre, without a centre, by the system, and one by each author."""

    def at(place: Centre | None) -> AuditContext:
        if place is None:
            return AuditContext()
        return AuditContext(role=Role.CASE_MANAGER, centre_id=place.pk, centre_label=str(place))

    events = [
        audit.record(actor=None, action="test.system", context=at(None)),
        audit.record(actor=None, action="test.at_centre", context=at(centre)),
        audit.record(actor=None, action="test.at_other_centre", context=at(other_centre)),
    ]
    for author in authors:
        membership = author.active_membership
        events.append(
            audit.record(
                actor=author,
                action="test.own_action",
                context=at(membership.centre if membership else None),
            )
        )
    return events


def test_can_view_audit_event_agrees_with_audit_events_visible_to(
    centre: Centre, other_centre: Centre
) -> None:
    everyone = subjects(centre, other_centre)
    events = _events(centre, other_centre, [u for u in everyone if isinstance(u, User)])
    disagreements = [
        (_label(user), event.seq)
        for user in everyone
        for event in events
        if can_view_audit_event(user, event)
        != audit_events_visible_to(user).filter(pk=event.pk).exists()
    ]
    assert disagreements == []


@pytest.mark.parametrize(
    ("role", "visible"),
    [
        (Role.DPO, {"test.system", "test.at_centre", "test.at_other_centre", "test.own_action"}),
        (Role.COORDINATOR, {"test.at_centre", "test.own_action"}),
        (Role.CLINICAL_LEAD, {"test.at_centre", "test.own_action"}),
        (Role.SYSADMIN, {"test.own_action"}),
        (Role.CASE_MANAGER, set()),
        (Role.PARTNER, set()),
    ],
)
def test_audit_trail_scope_follows_the_role(
    centre: Centre, other_centre: Centre, role: str, visible: set[str]
) -> None:
    place = None if role in ORGANISATION_WIDE_ROLES else centre
    user = acting(make_staff(role, place))
    _events(centre, other_centre, [user])
    actions = set(audit_events_visible_to(user).values_list("action", flat=True))
    assert actions == visible


def test_sysadmin_does_not_see_another_sysadmins_actions(centre: Centre) -> None:
    me = acting(make_staff(Role.SYSADMIN, None, "admin1"))
    colleague = acting(make_staff(Role.SYSADMIN, None, "admin2"))
    event = audit.record(actor=colleague, action="test.configured")
    assert not can_view_audit_event(me, event)
    assert not audit_events_visible_to(me).filter(pk=event.pk).exists()
