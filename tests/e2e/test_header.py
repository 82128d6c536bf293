"""The header's language and role switchers."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from oneroof.accounts.models import User
from oneroof.organisation.models import Centre, Membership, Role
from oneroof.organisation.tests.factories import MembershipFactory

pytestmark = pytest.mark.e2e


def test_switching_the_language_to_english_shows_the_english_interface(
    page: Page, login: Any, staff: dict[str, User]
) -> None:
    login.log_in(page, staff[Role.CASE_MANAGER.value])
    expect(page.locator("html")).to_have_attribute("lang", "pl")

    page.locator("select#language").select_option("en")
    page.locator('form:has(select#language) button[type="submit"]').click()

    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Welcome"))


def test_a_coordinator_of_two_centres_switches_role_and_home_shows_the_other_centre(
    page: Page, login: Any, staff: dict[str, User], centre: Centre, other_centre: Centre
) -> None:
    coordinator = staff[Role.COORDINATOR.value]
    MembershipFactory(user=coordinator, centre=other_centre, role=Role.COORDINATOR)
    login.log_in(page, coordinator)
    switcher = page.locator("select#role-switch")
    acting = Membership.objects.get(pk=int(switcher.input_value()))
    other = Membership.objects.filter(user=coordinator).exclude(pk=acting.pk).get()
    centre_card = page.locator("#centre-heading")
    expect(centre_card).to_contain_text(acting.centre.address)

    switcher.select_option(str(other.pk))
    page.locator('form:has(select#role-switch) button[type="submit"]').click()

    expect(centre_card).to_contain_text(other.centre.address)
    expect(centre_card).not_to_contain_text(acting.centre.address)
    expect(page.locator("select#role-switch")).to_have_value(str(other.pk))
