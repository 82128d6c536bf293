"""Open safety alerts and overdue diagnoses on the home pages of the roles that answer for them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from oneroof.accounts.models import User
from oneroof.assessment.models import SafetyAlert
from oneroof.assessment.tests.factories import AdministrationFactory, SafetyAlertFactory
from oneroof.cases.models import Case
from oneroof.cases.tests.factories import CaseFactory
from oneroof.dashboard.selectors import OPEN_ALERTS_SHOWN
from oneroof.families.tests.factories import FamilyFactory
from oneroof.organisation.models import Centre, Role

SignIn = Callable[[Client, User], Client]
WATCHING_ROLES = [Role.CASE_MANAGER, Role.CLINICAL_LEAD, Role.COORDINATOR]
MAX_QUERIES_HOME = 15  # the ceiling of test_home.py


def case_at(centre: Centre, manager: User | None = None, *, days_since_contact: int = 3) -> Case:
    return CaseFactory(
        centre=centre,
        family=FamilyFactory(registered_at=centre),
        case_manager=manager,
        first_contact_on=timezone.localdate() - timedelta(days=days_since_contact),
    )


def alert_at(centre: Centre, manager: User | None = None) -> SafetyAlert:
    case = case_at(centre, manager)
    return SafetyAlertFactory(administration=AdministrationFactory(case=case))


def home(client: Client, sign_in: SignIn, user: User) -> Any:
    sign_in(client, user)
    return client.get(reverse("dashboard:home"))


@pytest.mark.parametrize("role", WATCHING_ROLES)
def test_the_home_page_lists_open_safety_alerts(
    client: Client, sign_in: SignIn, staff: dict[str, User], centre: Centre, role: str
) -> None:
    alert = alert_at(centre, staff[Role.CASE_MANAGER])
    response = home(client, sign_in, staff[role])
    assert response.context["open_alerts"] == [alert]
    assert response.context["open_alert_count"] == 1
    assert reverse("assessment:alert", args=[alert.pk]) in response.content.decode()


def test_a_case_manager_home_leaves_out_alerts_of_cases_they_do_not_manage(
    client: Client, sign_in: SignIn, staff: dict[str, User], centre: Centre
) -> None:
    alert_at(centre, staff[Role.COORDINATOR])
    response = home(client, sign_in, staff[Role.CASE_MANAGER])
    assert response.context["open_alert_count"] == 0


def test_a_decided_alert_leaves_the_home_page(
    client: Client, sign_in: SignIn, staff: dict[str, User], centre: Centre
) -> None:
    alert = alert_at(centre)
    SafetyAlert.objects.filter(pk=alert.pk).update(decided_at=timezone.now())
    response = home(client, sign_in, staff[Role.COORDINATOR])
    assert response.context["open_alerts"] == []


def test_alerts_of_another_centre_stay_off_the_home_page(
    client: Client, sign_in: SignIn, staff: dict[str, User], other_centre: Centre
) -> None:
    alert_at(other_centre)
    response = home(client, sign_in, staff[Role.CLINICAL_LEAD])
    assert response.context["open_alert_count"] == 0


def test_the_home_page_shows_the_first_alerts_and_counts_them_all(
    client: Client, sign_in: SignIn, staff: dict[str, User], centre: Centre
) -> None:
    for _ in range(OPEN_ALERTS_SHOWN + 2):
        alert_at(centre)
    response = home(client, sign_in, staff[Role.COORDINATOR])
    assert len(response.context["open_alerts"]) == OPEN_ALERTS_SHOWN
    assert response.context["open_alert_count"] == OPEN_ALERTS_SHOWN + 2


@pytest.mark.parametrize("role", [Role.CLINICAL_LEAD, Role.COORDINATOR])
def test_the_home_page_counts_overdue_diagnoses_of_the_centre(
    client: Client,
    sign_in: SignIn,
    staff: dict[str, User],
    centre: Centre,
    other_centre: Centre,
    role: str,
) -> None:
    case_at(centre, days_since_contact=20)
    case_at(centre, days_since_contact=10)
    case_at(other_centre, days_since_contact=20)
    response = home(client, sign_in, staff[role])
    assert response.context["overdue_count"] == 1
    assert reverse("assessment:overdue") in response.content.decode()


@pytest.mark.parametrize("role", [Role.THERAPIST, Role.INTAKE, Role.EU_OFFICER])
def test_other_roles_home_pages_show_no_alerts(
    client: Client, sign_in: SignIn, staff: dict[str, User], centre: Centre, role: str
) -> None:
    alert_at(centre)
    response = home(client, sign_in, staff[role])
    assert "open_alerts" not in response.context


def add_diagnosis_work(centre: Centre, other_centre: Centre, manager: User, n: int) -> None:
    """``n`` open alerts and ``n`` overdue cases at each centre."""
    for place in (centre, other_centre):
        for _ in range(n):
            alert_at(place, manager)
            case_at(place, manager, days_since_contact=30)


def queries_for_home(client: Client, assert_max: Any) -> int:
    url = reverse("dashboard:home")
    client.get(url)  # warm-up: first-request caches are not the page
    with assert_max(MAX_QUERIES_HOME) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("role", WATCHING_ROLES)
def test_home_page_queries_do_not_grow_with_alerts_and_overdue_cases(
    client: Client,
    sign_in: SignIn,
    staff: dict[str, User],
    centre: Centre,
    other_centre: Centre,
    django_assert_max_num_queries: Any,
    role: str,
) -> None:
    sign_in(client, staff[role])
    add_diagnosis_work(centre, other_centre, staff[Role.CASE_MANAGER], 5)
    few = queries_for_home(client, django_assert_max_num_queries)
    add_diagnosis_work(centre, other_centre, staff[Role.CASE_MANAGER], 45)
    many = queries_for_home(client, django_assert_max_num_queries)
    assert many == few
