"""The fictional demo organisation: safe to re-run, and never a way around the access rules."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from oneroof.accounts.models import User
from oneroof.audit.models import AuditEvent
from oneroof.cases.models import Case, SupportPlan
from oneroof.demo.organisation import ACCOUNTS
from oneroof.organisation.models import Centre, Institution, Membership, Room
from oneroof.tasks.models import Task

pytestmark = pytest.mark.django_db


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (User, Institution, Centre, Room, Membership)
    }


@pytest.fixture
def demo() -> None:
    call_command("load_demo", verbosity=0)


def test_loading_the_demo_twice_changes_nothing(demo: None) -> None:
    before = counts()
    call_command("load_demo", verbosity=0)
    assert counts() == before


def test_the_demo_creates_every_listed_account(demo: None) -> None:
    usernames = set(User.objects.values_list("username", flat=True))
    assert usernames == {account.username for account in ACCOUNTS}


def test_no_demo_account_is_a_superuser_or_staff(demo: None) -> None:
    assert not User.objects.filter(is_superuser=True).exists()
    assert not User.objects.filter(is_staff=True).exists()


def test_every_demo_account_is_marked_as_demo(demo: None) -> None:
    assert not User.objects.filter(is_demo=False).exists()


def test_every_demo_email_address_is_undeliverable(demo: None) -> None:
    emails = User.objects.values_list("email", flat=True)
    assert all(email.endswith(".invalid") for email in emails)


def test_every_demo_account_has_a_role(demo: None) -> None:
    assert not User.objects.filter(memberships__isnull=True).exists()


def test_the_demo_case_managers_find_cases_of_their_own(demo: None) -> None:
    for username in ("case.manager", "case.manager.wodna"):
        assert Case.objects.filter(case_manager__username=username).exists(), username


def test_the_demo_has_an_approved_two_stage_plan_with_its_review_task(demo: None) -> None:
    plan = SupportPlan.objects.get()
    assert (plan.status, plan.stages.count()) == (SupportPlan.Status.APPROVED, 2)
    assert Task.objects.filter(case=plan.case, kind=Task.Kind.PLAN_REVIEW).exists()


def test_the_demo_case_work_is_loaded_once(demo: None) -> None:
    call_command("load_demo", verbosity=0)
    assert SupportPlan.objects.count() == 1
    assert AuditEvent.objects.filter(action="cases.plan_approved").count() == 1
