"""The configuration back-office: every save through it is audited, passwords never leak."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse

from conftest import make_staff
from oneroof.accounts.models import User
from oneroof.audit.models import AuditEvent
from oneroof.audit.services import MASK
from oneroof.organisation.models import Centre, Membership, Role

SignIn = Callable[[Client, User], Client]
NEW_PASSWORD = "Zupełnie-nowe-hasło-2026"  # noqa: S105 - test value


@pytest.fixture
def admin_client(client: Client, centre: Centre, sign_in: SignIn) -> Client:
    return sign_in(client, make_staff(Role.SYSADMIN, centre, "administrator"))


@pytest.fixture
def colleague(centre: Centre) -> User:
    return make_staff(Role.CASE_MANAGER, centre, "kolega")


def current_form_data(response: Any) -> dict[str, Any]:
    """What the browser would post back unchanged: the admin form and its inline formsets."""
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms += [inline.formset.management_form, *inline.formset.forms]
    data: dict[str, Any] = {}
    for form in forms:
        for bound in form:
            value = bound.value()
            if bound.field.disabled or value is None or value is False:
                continue
            data[bound.html_name] = "on" if value is True else value
    return data


def post_change(client: Client, url: str, **changes: Any) -> Any:
    data = current_form_data(client.get(url))
    data.update(changes)
    return client.post(url, data)


def test_editing_a_centre_records_the_changed_fields(admin_client: Client, centre: Centre) -> None:
    url = reverse("admin:organisation_centre_change", args=[centre.pk])
    post_change(admin_client, url, name="Centrum Wsparcia Rodzin")
    event = AuditEvent.objects.get(action="organisation.centre_updated")
    assert event.changes == {"name": ["Centrum dla Rodzin", "Centrum Wsparcia Rodzin"]}
    assert (event.target_id, event.actor.username) == (str(centre.pk), "administrator")


def test_saving_a_centre_unchanged_records_no_field_changes(
    admin_client: Client, centre: Centre
) -> None:
    post_change(admin_client, reverse("admin:organisation_centre_change", args=[centre.pk]))
    assert AuditEvent.objects.get(action="organisation.centre_updated").changes == {}


def test_changing_a_role_inline_on_the_staff_page_is_audited(
    admin_client: Client, colleague: User
) -> None:
    membership = Membership.objects.get(user=colleague)
    url = reverse("admin:accounts_user_change", args=[colleague.pk])
    post_change(admin_client, url, **{"memberships-0-role": Role.COORDINATOR})
    event = AuditEvent.objects.get(action="organisation.membership_updated")
    assert event.target_id == str(membership.pk)
    assert event.changes == {"role": [Role.CASE_MANAGER, Role.COORDINATOR]}


def test_deactivating_a_role_inline_is_audited(admin_client: Client, colleague: User) -> None:
    url = reverse("admin:accounts_user_change", args=[colleague.pk])
    data = current_form_data(admin_client.get(url))
    del data["memberships-0-is_active"]
    admin_client.post(url, data)
    event = AuditEvent.objects.get(action="organisation.membership_updated")
    assert event.changes == {"is_active": [True, False]}


def test_adding_a_staff_member_never_puts_the_password_in_the_trail(
    admin_client: Client,
) -> None:
    post_change(
        admin_client,
        reverse("admin:accounts_user_add"),
        username="nowy.pracownik",
        usable_password="true",
        password1=NEW_PASSWORD,
        password2=NEW_PASSWORD,
    )
    user = User.objects.get(username="nowy.pracownik")
    trail = json.dumps(list(AuditEvent.objects.values("changes", "target_label", "reason")))
    assert AuditEvent.objects.filter(action="accounts.user_created").exists()
    assert NEW_PASSWORD not in trail
    assert user.password not in trail


def test_setting_a_staff_members_password_is_audited_with_the_value_masked(
    admin_client: Client, colleague: User
) -> None:
    old_hash = colleague.password
    admin_client.post(
        reverse("admin:auth_user_password_change", args=[colleague.pk]),
        {"usable_password": "true", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    colleague.refresh_from_db()
    event = AuditEvent.objects.get(action="accounts.user_updated", target_id=str(colleague.pk))
    assert event.changes == {"password": [MASK, MASK]}
    assert old_hash not in json.dumps(event.changes) and colleague.password != old_hash


def test_the_staff_page_shows_no_password_hash(admin_client: Client, colleague: User) -> None:
    response = admin_client.get(reverse("admin:accounts_user_change", args=[colleague.pk]))
    assert colleague.password not in response.content.decode()


def test_the_staff_page_offers_no_superuser_or_permission_fields(
    admin_client: Client, colleague: User
) -> None:
    response = admin_client.get(reverse("admin:accounts_user_change", args=[colleague.pk]))
    fields = set(response.context["adminform"].form.fields)
    assert not fields & {"is_superuser", "is_staff", "groups", "user_permissions"}


def test_no_record_can_be_deleted_through_the_admin(admin_client: Client, centre: Centre) -> None:
    response = admin_client.post(
        reverse("admin:organisation_centre_delete", args=[centre.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    assert Centre.objects.filter(pk=centre.pk).exists()


def test_deleting_a_lockout_record_unlocks_the_account(admin_client: Client) -> None:
    attempt = AccessAttempt.objects.create(
        username="kolega",
        ip_address="192.0.2.1",
        user_agent="test",
        http_accept="*/*",
        path_info="/konto/logowanie/",
        get_data="",
        post_data="",
        failures_since_start=5,
    )
    admin_client.post(
        reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"}
    )
    assert not AccessAttempt.objects.exists()


@pytest.mark.parametrize("role", [r.value for r in Role if r != Role.SYSADMIN])
def test_other_roles_cannot_post_to_the_admin(
    client: Client, centre: Centre, sign_in: SignIn, role: str
) -> None:
    sign_in(client, make_staff(role, centre))
    url = reverse("admin:organisation_centre_change", args=[centre.pk])
    response = client.post(url, {"name": "Przejęte"})
    assert response.status_code == 403
    assert Centre.objects.get(pk=centre.pk).name != "Przejęte"
