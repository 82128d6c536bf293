"""WCAG 2.1 A/AA checks with axe-core on the main pages, filled with the demo organisation.

The browser context bypasses the CSP so that the injected axe script may run (it carries no
nonce); the app's own scripts run either way.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.conf import settings
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from oneroof.accounts.models import User
from oneroof.accounts.tests.factories import TOTPDeviceFactory
from oneroof.audit import services as audit
from oneroof.audit.models import AuditEvent
from oneroof.cases import plans
from oneroof.cases.tests.factories import CaseFactory
from oneroof.contacts.tests.factories import ContactRecordFactory, SafeContactRuleFactory
from oneroof.demo.organisation import DEMO_PASSWORD, load_demo_organisation
from oneroof.families.tests.conftest import acting
from oneroof.families.tests.factories import FamilyFactory, FamilyMemberFactory, PersonFactory
from oneroof.organisation.models import Role, Room
from oneroof.tasks.tests.factories import TaskFactory

pytestmark = [pytest.mark.e2e, pytest.mark.browser_context_args(bypass_csp=True)]

# One demo account per role (oneroof.demo.organisation.ACCOUNTS).
DEMO_ACCOUNT_OF_ROLE = {
    Role.INTAKE: "rejestracja",
    Role.CASE_MANAGER: "case.manager",
    Role.THERAPIST: "terapeuta",
    Role.COORDINATOR: "koordynator",
    Role.CLINICAL_LEAD: "kierownik.kliniczny",
    Role.EU_OFFICER: "projekt.efs",
    Role.DPO: "iod",
    Role.SYSADMIN: "admin",
    Role.PARTNER: "policja",
}

Check = Callable[[Page], None]


@pytest.fixture
def demo(transactional_db: None) -> dict[Role, User]:
    """The fictional demo organisation; every account enrolled with an authenticator app."""
    load_demo_organisation()
    users = {role: User.objects.get(username=name) for role, name in DEMO_ACCOUNT_OF_ROLE.items()}
    for user in User.objects.all():
        TOTPDeviceFactory(user=user)
    return users


@pytest.fixture
def sign_in_as(page: Page, login: Any, demo: dict[Role, User]) -> Callable[[Role], User]:
    def _sign_in_as(role: Role) -> User:
        user = demo[role]
        login.log_in(page, user, DEMO_PASSWORD)
        return user

    return _sign_in_as


def test_the_axe_check_reports_a_planted_violation(
    page: Page, login: Any, assert_accessible: Check
) -> None:
    page.goto(login.login_url)
    page.locator("main").evaluate("m => m.insertAdjacentHTML('beforeend', '<img src=\"x.png\">')")
    with pytest.raises(AssertionError, match="image-alt"):
        assert_accessible(page)


def test_the_login_page_is_accessible(page: Page, login: Any, assert_accessible: Check) -> None:
    page.goto(login.login_url)
    assert_accessible(page)


def test_the_code_step_of_the_login_is_accessible(
    page: Page, login: Any, demo: dict[Role, User], assert_accessible: Check
) -> None:
    login.submit_password(page, demo[Role.THERAPIST].username, DEMO_PASSWORD)
    expect(page.locator('input[name="token-otp_token"]')).to_be_visible()
    assert_accessible(page)


def test_a_failed_login_is_accessible(
    page: Page, login: Any, demo: dict[Role, User], assert_accessible: Check
) -> None:
    login.submit_password(page, demo[Role.THERAPIST].username, "not-the-password")
    expect(page.locator('input[name="auth-password"]')).to_be_visible()
    assert_accessible(page)


def test_the_lockout_page_is_accessible(
    page: Page, login: Any, demo: dict[Role, User], assert_accessible: Check
) -> None:
    statuses = []
    for _ in range(settings.AXES_FAILURE_LIMIT):
        with page.expect_response(lambda r: r.request.method == "POST") as response:
            login.submit_password(page, demo[Role.THERAPIST].username, "not-the-password")
        statuses.append(response.value.status)
    assert statuses[-1] == settings.AXES_HTTP_RESPONSE_CODE, statuses
    assert_accessible(page)


def test_the_authenticator_enrolment_steps_are_accessible(
    page: Page, login: Any, demo: dict[Role, User], assert_accessible: Check
) -> None:
    newcomer = demo[Role.CASE_MANAGER]
    TOTPDevice.objects.filter(user=newcomer).delete()
    login.submit_password(page, newcomer.username, DEMO_PASSWORD)
    expect(page).to_have_url(login.setup_url)
    assert_accessible(page)  # welcome step

    page.locator('main form button[type="submit"]:not([name])').click()
    expect(page.locator('input[name="generator-token"]')).to_be_visible()
    assert_accessible(page)  # QR code and secret


@pytest.mark.parametrize("role", list(Role), ids=[role.value for role in Role])
def test_each_role_home_page_is_accessible(
    page: Page, sign_in_as: Callable[[Role], User], assert_accessible: Check, role: Role
) -> None:
    sign_in_as(role)
    assert_accessible(page)


def test_the_centre_page_is_accessible(
    page: Page, live_server: Any, sign_in_as: Callable[[Role], User], assert_accessible: Check
) -> None:
    coordinator = sign_in_as(Role.COORDINATOR)
    centre = coordinator.memberships.order_by("centre__address").first().centre
    assert Room.objects.filter(centre=centre).exists()
    page.goto(f"{live_server.url}/organizacja/centra/{centre.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(centre.address)
    assert_accessible(page)


def test_the_audit_trail_and_an_event_are_accessible(
    page: Page, live_server: Any, sign_in_as: Callable[[Role], User], assert_accessible: Check
) -> None:
    room = Room.objects.first()
    event = audit.record(
        actor=None, action="organisation.room_changed", target=room, changes={"capacity": [3, 4]}
    )
    sign_in_as(Role.DPO)
    assert AuditEvent.objects.count() > 1

    page.goto(live_server.url + "/audyt/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(page)

    page.goto(f"{live_server.url}/audyt/{event.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(str(event.seq))
    assert_accessible(page)


def test_the_account_security_page_is_accessible(
    page: Page, live_server: Any, sign_in_as: Callable[[Role], User], assert_accessible: Check
) -> None:
    sign_in_as(Role.THERAPIST)
    page.goto(live_server.url + "/konto/2fa/")
    expect(page.locator('form[action$="/wyloguj-wszedzie/"]')).to_be_visible()
    assert_accessible(page)


def test_the_configuration_index_is_accessible_to_the_system_administrator(
    page: Page, live_server: Any, sign_in_as: Callable[[Role], User], assert_accessible: Check
) -> None:
    sign_in_as(Role.SYSADMIN)
    response = page.goto(live_server.url + "/admin/")
    assert response is not None and response.status == 200
    assert_accessible(page)


def test_the_case_work_pages_are_accessible(
    page: Page, live_server: Any, sign_in_as: Callable[[Role], User], assert_accessible: Check
) -> None:
    """The case page with its panels, the support plan with its forms, the contact log with
    safe-contact rules, and the task lists — for the case manager, with data on each."""
    manager = User.objects.get(username=DEMO_ACCOUNT_OF_ROLE[Role.CASE_MANAGER])
    centre = manager.memberships.get().centre
    family = FamilyFactory(registered_at=centre)
    adult = PersonFactory(date_of_birth=date(1985, 3, 1))
    FamilyMemberFactory(family=family, person=adult)
    SafeContactRuleFactory(person=adult, no_calls_at_home=True, hours="16-19")
    case = CaseFactory(family=family, centre=centre, case_manager=manager)
    ContactRecordFactory(case=case, person=adult, recorded_by=manager)
    TaskFactory(case=case, owner=manager, due_on=date(2026, 1, 5))  # overdue
    plan = plans.create_plan(actor=acting(manager), case=case)
    stage = plans.add_stage(actor=acting(manager), plan=plan, name="Stabilizacja")
    plans.add_goal(
        actor=acting(manager),
        stage=stage,
        description="Spokojne poranki",
        target_date=date(2027, 3, 1),
        responsible=manager,
        concerns=[adult],
    )
    sign_in_as(Role.CASE_MANAGER)
    for path in (
        f"/sprawy/{case.pk}/",
        f"/sprawy/{case.pk}/plan/",
        f"/kontakty/sprawa/{case.pk}/",
        "/zadania/",
    ):
        page.goto(live_server.url + path)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert_accessible(page)
