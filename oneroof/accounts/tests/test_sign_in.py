"""Signing in: the real two-factor login form, enrolment, lock-outs, sessions, sign-in audit."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import make_staff
from oneroof.accounts.models import User
from oneroof.accounts.tests.factories import TEST_PASSWORD, UserFactory
from oneroof.audit.models import AuditEvent
from oneroof.organisation.models import Centre, Role
from oneroof.organisation.tests.factories import MembershipFactory

LOGIN = "two_factor:login"


def submit_password(client: Client, username: str, password: str = TEST_PASSWORD) -> object:
    return client.post(
        reverse(LOGIN),
        {
            "login_view-current_step": "auth",
            "auth-username": username,
            "auth-password": password,
        },
    )


def submit_token(client: Client, token: str) -> object:
    return client.post(
        reverse(LOGIN), {"login_view-current_step": "token", "token-otp_token": token}
    )


def token_for(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, digits=device.digits):0{device.digits}d}"


@pytest.fixture
def without_device(centre: Centre) -> User:
    user = UserFactory(username="nowa.osoba")
    MembershipFactory(user=user, centre=centre, role=Role.INTAKE)
    return user


@pytest.fixture
def with_device(centre: Centre) -> User:
    return make_staff(Role.CASE_MANAGER, centre, "z.telefonem")


# --- enrolment and the second factor ------------------------------------------------------------


@pytest.mark.parametrize(
    "page",
    [
        lambda c: reverse("dashboard:home"),
        lambda c: reverse("organisation:centre-detail", args=[c.pk]),
        lambda c: reverse("audit:event-list"),
        lambda c: reverse("two_factor:profile"),
        lambda c: reverse("two_factor:backup_tokens"),
    ],
    ids=["home", "centre", "audit", "profile", "backup-tokens"],
)
def test_user_without_a_device_is_sent_to_enrolment_from_every_page(
    client: Client, without_device: User, centre: Centre, page: Callable[[Centre], str]
) -> None:
    submit_password(client, without_device.username)
    response = client.get(page(centre))
    assert response.status_code == 302
    assert response["Location"] == reverse("two_factor:setup")


def test_user_without_a_device_may_open_the_enrolment_wizard(
    client: Client, without_device: User
) -> None:
    submit_password(client, without_device.username)
    response = client.get(reverse("two_factor:setup"))
    assert response.status_code == 200


def test_user_with_a_device_is_asked_for_a_token_after_the_password(
    client: Client, with_device: User
) -> None:
    response = submit_password(client, with_device.username)
    assert response.context["wizard"]["steps"].current == "token"


def test_password_alone_does_not_sign_in_a_user_with_a_device(
    client: Client, with_device: User
) -> None:
    submit_password(client, with_device.username)
    response = client.get(reverse("dashboard:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse(LOGIN))


def test_user_with_a_device_reaches_home_with_a_valid_token(
    client: Client, with_device: User
) -> None:
    submit_password(client, with_device.username)
    submit_token(client, token_for(with_device.totpdevice_set.get()))
    response = client.get(reverse("dashboard:home"))
    assert response.status_code == 200


def test_a_wrong_token_does_not_sign_in(client: Client, with_device: User) -> None:
    submit_password(client, with_device.username)
    wrong = f"{(int(token_for(with_device.totpdevice_set.get())) + 1) % 1_000_000:06d}"
    submit_token(client, wrong)
    response = client.get(reverse("dashboard:home"))
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("demo_mode", "is_demo", "expected"),
    [(True, True, 200), (True, False, 302), (False, True, 302), (False, False, 302)],
    ids=[
        "demo-mode-demo-account",
        "demo-mode-real-account",
        "no-demo-mode-demo-account",
        "no-demo-mode-real-account",
    ],
)
def test_only_demo_accounts_in_demo_mode_skip_the_second_factor(
    client: Client, settings, centre: Centre, demo_mode: bool, is_demo: bool, expected: int
) -> None:
    settings.ONEROOF_DEMO_MODE = demo_mode
    user = UserFactory(username="demo.konto", is_demo=is_demo)
    MembershipFactory(user=user, centre=centre, role=Role.INTAKE)
    client.force_login(user)
    assert client.get(reverse("dashboard:home")).status_code == expected


# --- lock-outs ---------------------------------------------------------------------------------


def fail_to_sign_in(client: Client, username: str, times: int) -> None:
    for _ in range(times):
        submit_password(client, username, "not-the-password")


def test_the_failure_that_reaches_the_limit_is_answered_with_the_lockout_page(
    client: Client, with_device: User
) -> None:
    fail_to_sign_in(client, with_device.username, settings.AXES_FAILURE_LIMIT - 1)
    response = submit_password(client, with_device.username, "not-the-password")
    assert response.status_code == 429
    assert "accounts/locked_out.html" in [t.name for t in response.templates]


def test_a_locked_out_account_is_refused_even_with_the_right_password(
    client: Client, with_device: User
) -> None:
    fail_to_sign_in(client, with_device.username, settings.AXES_FAILURE_LIMIT)
    response = submit_password(client, with_device.username)
    assert response.status_code == 429
    assert "accounts/locked_out.html" in [t.name for t in response.templates]


def test_failures_below_the_limit_do_not_lock_the_account(
    client: Client, with_device: User
) -> None:
    fail_to_sign_in(client, with_device.username, settings.AXES_FAILURE_LIMIT - 1)
    response = submit_password(client, with_device.username)
    assert response.context["wizard"]["steps"].current == "token"


def test_a_lockout_of_one_account_leaves_colleagues_at_the_same_address_alone(
    client: Client, with_device: User, centre: Centre
) -> None:
    colleague = make_staff(Role.THERAPIST, centre, "kolega")
    fail_to_sign_in(client, with_device.username, settings.AXES_FAILURE_LIMIT)
    response = submit_password(client, colleague.username)
    assert response.context["wizard"]["steps"].current == "token"


def test_lockouts_are_recorded_against_the_attempted_username(
    client: Client, with_device: User
) -> None:
    fail_to_sign_in(client, with_device.username, 1)
    assert list(AccessAttempt.objects.values_list("username", flat=True)) == [with_device.username]


# --- sessions ----------------------------------------------------------------------------------


def test_signing_out_everywhere_ends_the_other_sessions_of_the_user(
    with_device: User, sign_in: Callable[[Client, User], Client]
) -> None:
    laptop, phone = sign_in(Client(), with_device), sign_in(Client(), with_device)
    laptop.post(reverse("accounts:logout-everywhere"))
    response = phone.get(reverse("dashboard:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse(LOGIN))


def test_signing_out_everywhere_is_audited(
    client: Client, with_device: User, sign_in: Callable[[Client, User], Client]
) -> None:
    sign_in(client, with_device)
    client.post(reverse("accounts:logout-everywhere"))
    assert AuditEvent.objects.filter(
        action="accounts.sessions_ended", actor=with_device, target_id=str(with_device.pk)
    ).exists()


def test_signing_out_ends_the_session_and_is_audited(
    client: Client, with_device: User, sign_in: Callable[[Client, User], Client]
) -> None:
    sign_in(client, with_device)
    client.post(reverse("accounts:logout"))
    assert client.get(reverse("dashboard:home")).status_code == 302
    assert AuditEvent.objects.filter(action="accounts.logged_out", actor=with_device).exists()


def test_sessions_expire_after_thirty_minutes_without_activity() -> None:
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True


def _stored_session(client: Client) -> Session:
    return Session.objects.get(session_key=client.session.session_key)


def test_a_session_idle_past_its_expiry_is_signed_out(
    client: Client, with_device: User, sign_in: Callable[[Client, User], Client]
) -> None:
    sign_in(client, with_device)
    Session.objects.filter(pk=client.session.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    response = client.get(reverse("dashboard:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse(LOGIN))


def test_each_request_pushes_the_session_expiry_forward(
    client: Client, with_device: User, sign_in: Callable[[Client, User], Client]
) -> None:
    sign_in(client, with_device)
    Session.objects.filter(pk=client.session.session_key).update(
        expire_date=timezone.now() + timedelta(minutes=1)
    )
    client.get(reverse("dashboard:home"))
    assert _stored_session(client).expire_date > timezone.now() + timedelta(minutes=29)


# --- sign-in audit -----------------------------------------------------------------------------


def test_a_successful_sign_in_is_audited(client: Client, with_device: User) -> None:
    submit_password(client, with_device.username)
    submit_token(client, token_for(with_device.totpdevice_set.get()))
    assert AuditEvent.objects.filter(action="accounts.logged_in", actor=with_device).exists()


def test_a_failed_sign_in_is_audited_without_the_attempted_username(
    client: Client, with_device: User
) -> None:
    submit_password(client, with_device.username, "not-the-password")
    event = AuditEvent.objects.get(action="accounts.login_failed")
    assert event.actor is None
    assert with_device.username not in (event.target_label, event.actor_label)


# --- language ----------------------------------------------------------------------------------


def test_choosing_a_language_sets_the_language_cookie(
    client: Client, with_device: User, sign_in: Callable[[Client, User], Client]
) -> None:
    sign_in(client, with_device)
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
