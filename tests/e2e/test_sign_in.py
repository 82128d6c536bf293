"""Signing in, enrolling an authenticator and signing out everywhere, through the real forms."""

from __future__ import annotations

import base64
import re
from typing import Any

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import BrowserContext, Page, expect

from oneroof.accounts.models import User
from oneroof.accounts.tests.factories import UserFactory
from oneroof.organisation.models import Centre, Role
from oneroof.organisation.tests.factories import MembershipFactory

pytestmark = pytest.mark.e2e

POLISH_ROLE_LABELS = {
    Role.INTAKE: "pracownik rejestracji",
    Role.CASE_MANAGER: "koordynator rodziny",
    Role.THERAPIST: "terapeuta / specjalista",
    Role.COORDINATOR: "koordynator centrum",
    Role.CLINICAL_LEAD: "kierownik kliniczny",
    Role.EU_OFFICER: "specjalista ds. projektu UE",
    Role.DPO: "inspektor ochrony danych",
    Role.SYSADMIN: "administrator systemu",
    Role.PARTNER: "partner zewnętrzny",
}


def test_every_role_has_a_polish_label_under_test() -> None:
    assert set(POLISH_ROLE_LABELS) == set(Role)


@pytest.mark.parametrize("role", list(Role), ids=[role.value for role in Role])
def test_each_role_signs_in_with_password_and_code_and_sees_their_polish_home_page(
    page: Page, login: Any, staff: dict[str, User], role: Role
) -> None:
    login.log_in(page, staff[role.value])

    expect(page.locator("html")).to_have_attribute("lang", "pl")
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Witaj"))
    expect(page.locator("main p.lead")).to_contain_text(POLISH_ROLE_LABELS[role])


def test_a_new_account_must_enrol_an_authenticator_before_reaching_any_page(
    page: Page, login: Any, live_server: Any, centre: Centre
) -> None:
    newcomer = UserFactory(username="nowy.pracownik")
    MembershipFactory(user=newcomer, centre=centre, role=Role.CASE_MANAGER)
    setup_url = login.setup_url

    login.submit_password(page, newcomer.username)
    expect(page).to_have_url(setup_url)
    for path in ("/", f"/organizacja/centra/{centre.pk}/", "/audyt/", "/konto/2fa/", "/admin/"):
        page.goto(live_server.url + path)
        expect(page).to_have_url(setup_url)

    next_button = page.locator('main form button[type="submit"]:not([name])')
    next_button.click()  # the wizard's welcome step
    secret = page.locator('a[href^="otpauth://"]').inner_text().strip()
    code = totp(base64.b32decode(secret))
    page.locator('input[name="generator-token"]').fill(f"{code:06d}")
    next_button.click()

    expect(page).to_have_url(live_server.url + "/konto/2fa/konfiguracja/gotowe/")
    assert TOTPDevice.objects.filter(user=newcomer, confirmed=True).count() == 1
    page.goto(live_server.url + "/")
    expect(page).to_have_url(live_server.url + "/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(newcomer.get_full_name())


def test_signing_out_on_all_devices_ends_the_session_in_another_browser(
    page: Page,
    new_context: Any,
    login: Any,
    live_server: Any,
    staff: dict[str, User],
) -> None:
    user = staff[Role.CASE_MANAGER.value]
    other_browser: BrowserContext = new_context()
    other_page = other_browser.new_page()
    login.log_in(page, user)
    login.log_in(other_page, user)

    page.goto(live_server.url + "/konto/2fa/")
    page.locator('form[action$="/wyloguj-wszedzie/"] button[type="submit"]').click()
    expect(page).to_have_url(re.compile(re.escape(login.login_url)))

    other_page.reload()
    expect(other_page).to_have_url(re.compile(re.escape(login.login_url)))
    expect(other_page.locator('input[name="auth-username"]')).to_be_visible()
