"""The centre page and switching the role one acts in."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from conftest import make_staff
from oneroof.accounts.models import User
from oneroof.audit.models import AuditEvent
from oneroof.organisation.models import Centre, Membership, Role
from oneroof.organisation.tests.factories import MembershipFactory, RoomFactory

SignIn = Callable[[Client, User], Client]


@pytest.fixture
def two_centre_coordinator(centre: Centre, other_centre: Centre) -> User:
    """A coordinator of ``centre`` who also coordinates ``other_centre``."""
    user = make_staff(Role.COORDINATOR, centre, "koordynator")
    MembershipFactory(user=user, centre=other_centre, role=Role.COORDINATOR)
    return user


def membership_at(user: User, centre: Centre) -> Membership:
    return Membership.objects.get(user=user, centre=centre)


def switch(client: Client, membership: Membership | int, next_url: str = "") -> object:
    pk = membership if isinstance(membership, int) else membership.pk
    return client.post(reverse("organisation:role-switch"), {"membership": pk, "next": next_url})


# --- centre page ---------------------------------------------------------------------------------


def test_centre_page_lists_active_rooms_only(
    client: Client, centre: Centre, staff: dict[str, User], sign_in: SignIn
) -> None:
    RoomFactory(centre=centre, name="Gabinet czynny")
    RoomFactory(centre=centre, name="Gabinet zamknięty", is_active=False)
    sign_in(client, staff[Role.CASE_MANAGER])
    response = client.get(reverse("organisation:centre-detail", args=[centre.pk]))
    assert [room.name for room in response.context["centre"].rooms.all()] == ["Gabinet czynny"]


def test_centre_page_leaves_out_deactivated_staff(
    client: Client, centre: Centre, staff: dict[str, User], sign_in: SignIn
) -> None:
    Membership.objects.filter(user=staff[Role.THERAPIST]).update(is_active=False)
    sign_in(client, staff[Role.CASE_MANAGER])
    response = client.get(reverse("organisation:centre-detail", args=[centre.pk]))
    members = {m.user for m in response.context["centre"].memberships.all()}
    assert staff[Role.THERAPIST] not in members
    assert staff[Role.CASE_MANAGER] in members


def test_a_missing_centre_answers_like_a_hidden_one(
    client: Client, staff: dict[str, User], sign_in: SignIn
) -> None:
    sign_in(client, staff[Role.CASE_MANAGER])
    response = client.get(reverse("organisation:centre-detail", args=[999_999]))
    assert response.status_code == 404


# --- role switch ---------------------------------------------------------------------------------


def test_switching_role_changes_the_centre_one_acts_for(
    client: Client, two_centre_coordinator: User, other_centre: Centre, sign_in: SignIn
) -> None:
    sign_in(client, two_centre_coordinator)
    switch(client, membership_at(two_centre_coordinator, other_centre))
    response = client.get(reverse("organisation:centre-detail", args=[other_centre.pk]))
    assert response.status_code == 200
    assert response.context["user"].active_membership.centre == other_centre


def test_switching_role_hides_the_centre_one_left(
    client: Client,
    two_centre_coordinator: User,
    centre: Centre,
    other_centre: Centre,
    sign_in: SignIn,
) -> None:
    sign_in(client, two_centre_coordinator)
    switch(client, membership_at(two_centre_coordinator, other_centre))
    response = client.get(reverse("organisation:centre-detail", args=[centre.pk]))
    assert response.status_code == 404


def test_switching_role_is_audited(
    client: Client, two_centre_coordinator: User, other_centre: Centre, sign_in: SignIn
) -> None:
    sign_in(client, two_centre_coordinator)
    target = membership_at(two_centre_coordinator, other_centre)
    switch(client, target)
    event = AuditEvent.objects.get(action="organisation.role_switched")
    assert (event.actor, event.target_id) == (two_centre_coordinator, str(target.pk))
    assert event.changes["role"][1] == str(target)


def test_switching_role_redirects_to_the_page_asked_for(
    client: Client, two_centre_coordinator: User, other_centre: Centre, sign_in: SignIn
) -> None:
    sign_in(client, two_centre_coordinator)
    response = switch(client, membership_at(two_centre_coordinator, other_centre), "/audyt/")
    assert response["Location"] == "/audyt/"


def test_switching_role_never_redirects_to_another_site(
    client: Client, two_centre_coordinator: User, other_centre: Centre, sign_in: SignIn
) -> None:
    sign_in(client, two_centre_coordinator)
    target = membership_at(two_centre_coordinator, other_centre)
    response = switch(client, target, "https://evil.example/")
    assert response["Location"] == reverse("dashboard:home")


def test_switching_to_someone_elses_role_answers_404(
    client: Client, two_centre_coordinator: User, staff: dict[str, User], sign_in: SignIn
) -> None:
    sign_in(client, two_centre_coordinator)
    response = switch(client, Membership.objects.get(user=staff[Role.CLINICAL_LEAD]))
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action="organisation.role_switched").exists()


def test_switching_to_a_deactivated_role_answers_404(
    client: Client, two_centre_coordinator: User, other_centre: Centre, sign_in: SignIn
) -> None:
    target = membership_at(two_centre_coordinator, other_centre)
    Membership.objects.filter(pk=target.pk).update(is_active=False)
    sign_in(client, two_centre_coordinator)
    assert switch(client, target).status_code == 404


def test_switching_to_a_garbage_membership_id_answers_404(
    client: Client, two_centre_coordinator: User, sign_in: SignIn
) -> None:
    sign_in(client, two_centre_coordinator)
    response = client.post(reverse("organisation:role-switch"), {"membership": "x'; --"})
    assert response.status_code == 404
