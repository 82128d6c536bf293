"""Each role's home page, and pages whose query count must not grow with the data."""

from __future__ import annotations

from collections.abc import Callable
from itertools import cycle
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from conftest import make_staff
from oneroof.accounts.models import User
from oneroof.accounts.tests.factories import UserFactory
from oneroof.audit import services as audit
from oneroof.core.types import AuditContext
from oneroof.organisation.models import ORGANISATION_WIDE_ROLES, Centre, Role
from oneroof.organisation.tests.factories import RoomFactory

SignIn = Callable[[Client, User], Client]
ROLES = [role.value for role in Role]
CENTRE_ROLES = [role for role in ROLES if role not in ORGANISATION_WIDE_ROLES]

# Generous ceilings: a page that loops over its data would blow through them at once.
MAX_QUERIES_HOME = 15
MAX_QUERIES_CENTRE_PAGE = 15
MAX_QUERIES_AUDIT_LIST = 15


def template_names(response: Any) -> list[str]:
    return [template.name for template in response.templates]


# --- home pages ----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_its_own_home_page(
    client: Client, staff: dict[str, User], sign_in: SignIn, role: str
) -> None:
    sign_in(client, staff[role])
    response = client.get(reverse("dashboard:home"))
    assert response.status_code == 200
    assert f"dashboard/home_{role}.html" in template_names(response)


def test_a_user_without_a_role_sees_the_no_role_page(
    client: Client, sign_in: SignIn, db: None
) -> None:
    user = UserFactory(username="bez.roli")
    user.totpdevice_set.create(name="default", confirmed=True)
    sign_in(client, user)
    response = client.get(reverse("dashboard:home"))
    assert "dashboard/home_no_role.html" in template_names(response)


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.CLINICAL_LEAD])
def test_centre_leads_see_only_their_centres_recent_events(
    client: Client,
    staff: dict[str, User],
    sign_in: SignIn,
    centre: Centre,
    other_centre: Centre,
    role: str,
) -> None:
    audit.record(actor=None, action="test.here", context=_at(centre))
    audit.record(actor=None, action="test.elsewhere", context=_at(other_centre))
    sign_in(client, staff[role])
    response = client.get(reverse("dashboard:home"))
    actions = [event.action for event in response.context["recent_events"]]
    assert "test.here" in actions
    assert "test.elsewhere" not in actions


def test_the_sysadmin_home_counts_staff_without_a_second_factor(
    client: Client, staff: dict[str, User], sign_in: SignIn
) -> None:
    UserFactory(username="bez.telefonu")
    sign_in(client, staff[Role.SYSADMIN])
    response = client.get(reverse("dashboard:home"))
    assert response.context["staff_without_2fa"] == 1


# --- query counts do not grow with the data -----------------------------------------------------


def _at(centre: Centre) -> AuditContext:
    return AuditContext(role=Role.CASE_MANAGER, centre_id=centre.pk, centre_label=str(centre))


def add_data(centre: Centre, other_centre: Centre, n: int, tag: str) -> None:
    """``n`` more staff, rooms and audit events at each centre."""
    roles = cycle(CENTRE_ROLES)
    for i in range(n):
        for place in (centre, other_centre):
            make_staff(next(roles), place, f"{tag}-{place.code}-{i}")
            RoomFactory(centre=place)
            audit.record(actor=None, action="test.filler", context=_at(place))


def queries_for(client: Client, url: str, ceiling: int, assert_max: Any) -> int:
    client.get(url)  # warm-up: first-request caches (content types, sessions) are not the page
    with assert_max(ceiling) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("role", ROLES)
def test_home_page_queries_do_not_grow_with_the_data(
    client: Client,
    staff: dict[str, User],
    sign_in: SignIn,
    centre: Centre,
    other_centre: Centre,
    django_assert_max_num_queries: Any,
    role: str,
) -> None:
    sign_in(client, staff[role])
    url = reverse("dashboard:home")
    add_data(centre, other_centre, 1, "small")
    few = queries_for(client, url, MAX_QUERIES_HOME, django_assert_max_num_queries)
    add_data(centre, other_centre, 50, "large")
    many = queries_for(client, url, MAX_QUERIES_HOME, django_assert_max_num_queries)
    assert many == few


def test_centre_page_queries_do_not_grow_with_the_data(
    client: Client,
    staff: dict[str, User],
    sign_in: SignIn,
    centre: Centre,
    other_centre: Centre,
    django_assert_max_num_queries: Any,
) -> None:
    sign_in(client, staff[Role.CASE_MANAGER])
    url = reverse("organisation:centre-detail", args=[centre.pk])
    add_data(centre, other_centre, 1, "small")
    few = queries_for(client, url, MAX_QUERIES_CENTRE_PAGE, django_assert_max_num_queries)
    add_data(centre, other_centre, 50, "large")
    many = queries_for(client, url, MAX_QUERIES_CENTRE_PAGE, django_assert_max_num_queries)
    assert many == few


@pytest.mark.parametrize("role", [Role.DPO, Role.COORDINATOR, Role.SYSADMIN])
def test_audit_list_queries_do_not_grow_with_the_data(
    client: Client,
    staff: dict[str, User],
    sign_in: SignIn,
    centre: Centre,
    other_centre: Centre,
    django_assert_max_num_queries: Any,
    role: str,
) -> None:
    sign_in(client, staff[role])
    url = reverse("audit:event-list")
    add_data(centre, other_centre, 1, "small")
    few = queries_for(client, url, MAX_QUERIES_AUDIT_LIST, django_assert_max_num_queries)
    add_data(centre, other_centre, 50, "large")
    many = queries_for(client, url, MAX_QUERIES_AUDIT_LIST, django_assert_max_num_queries)
    assert many == few
