"""The administrator runs the system, not the cases, and every security action is audited."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from oneroof.accounts.services import reset_second_factor
from oneroof.audit.models import AuditEvent
from oneroof.organisation.models import Membership


def test_a_sysadmin_cannot_grant_themselves_a_role(client, sign_in, staff, centre) -> None:
    admin = staff["sysadmin"]
    sign_in(client, admin)
    client.post(
        reverse("admin:organisation_membership_add"),
        {"user": admin.pk, "centre": centre.pk, "role": "coordinator", "is_active": "on"},
    )
    assert not Membership.objects.filter(user=admin, role="coordinator").exists()


def test_a_sysadmin_cannot_edit_their_own_role(client, sign_in, staff, membership_of) -> None:
    admin = staff["sysadmin"]
    sign_in(client, admin)
    own = membership_of(admin)
    response = client.post(
        reverse("admin:organisation_membership_change", args=[own.pk]),
        {"user": admin.pk, "role": "dpo", "is_active": "on"},
    )
    assert response.status_code == 403


def test_resetting_a_lost_authenticator_removes_the_devices(staff) -> None:
    reset_second_factor(actor=staff["sysadmin"], user=staff["therapist"])
    assert not TOTPDevice.objects.filter(user=staff["therapist"]).exists()


def test_resetting_a_lost_authenticator_is_audited(staff) -> None:
    reset_second_factor(actor=staff["sysadmin"], user=staff["therapist"])
    assert AuditEvent.objects.filter(action="accounts.second_factor_reset").count() == 1


def test_nobody_resets_their_own_second_factor(staff) -> None:
    with pytest.raises(PermissionDenied):
        reset_second_factor(actor=staff["sysadmin"], user=staff["sysadmin"])


def test_unlocking_an_account_is_audited(client, sign_in, staff) -> None:
    attempt = AccessAttempt.objects.create(
        username="ktos", ip_address="127.0.0.1", user_agent="test", failures_since_start=5,
        get_data="", post_data="",
    )  # fmt: skip
    sign_in(client, staff["sysadmin"])
    client.post(reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"})
    assert AuditEvent.objects.filter(
        action="accounts.lockout_cleared", target_label="ktos"
    ).exists()
