"""The daily jobs: reminders (once a day, naming nobody) and the rule-task sync."""

from __future__ import annotations

from datetime import date

import pytest
from django_q.models import Schedule
from django_q.tasks import async_task

from oneroof.accounts.models import User
from oneroof.cases.models import Case
from oneroof.cases.tests.factories import CaseFactory
from oneroof.notifications.models import Notification
from oneroof.organisation.models import Centre
from oneroof.tasks import jobs
from oneroof.tasks.models import Task
from oneroof.tasks.tests.factories import TaskFactory

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 24)


@pytest.fixture
def quiet_case(case: Case) -> Case:
    """The case without its rule tasks, so that only the tasks a test adds are reminded of."""
    Task.objects.filter(case=case).delete()
    return case


def _notified(user: User) -> list[str]:
    return list(Notification.objects.filter(user=user).values_list("message", flat=True))


def test_the_owner_is_reminded_of_a_task_due_tomorrow(
    quiet_case: Case, staff: dict[str, User]
) -> None:
    TaskFactory(case=quiet_case, owner=staff["case_manager"], due_on=date(2026, 11, 25))
    jobs.send_task_reminders(today=TODAY)
    assert len(_notified(staff["case_manager"])) == 1


def test_an_overdue_task_is_reminded_of(quiet_case: Case, staff: dict[str, User]) -> None:
    TaskFactory(case=quiet_case, owner=staff["case_manager"], due_on=date(2026, 11, 1))
    assert jobs.send_task_reminders(today=TODAY) == 1


def test_a_task_due_later_is_not_reminded_of(quiet_case: Case, staff: dict[str, User]) -> None:
    TaskFactory(case=quiet_case, owner=staff["case_manager"], due_on=date(2026, 11, 26))
    assert jobs.send_task_reminders(today=TODAY) == 0


def test_a_task_is_reminded_of_once_a_day(quiet_case: Case, staff: dict[str, User]) -> None:
    task = TaskFactory(case=quiet_case, owner=staff["case_manager"], due_on=date(2026, 11, 1))
    jobs.send_task_reminders(today=TODAY)
    jobs.send_task_reminders(today=TODAY)
    task.refresh_from_db()
    assert (len(_notified(staff["case_manager"])), task.reminded_on) == (1, TODAY)


def test_an_overdue_task_is_reminded_of_again_the_next_day(
    quiet_case: Case, staff: dict[str, User]
) -> None:
    TaskFactory(case=quiet_case, owner=staff["case_manager"], due_on=date(2026, 11, 1))
    jobs.send_task_reminders(today=TODAY)
    jobs.send_task_reminders(today=date(2026, 11, 25))
    assert len(_notified(staff["case_manager"])) == 2


def test_an_unassigned_task_is_reminded_to_the_coordinators(
    quiet_case: Case, staff: dict[str, User]
) -> None:
    TaskFactory(case=quiet_case, owner=None, due_on=date(2026, 11, 1))
    jobs.send_task_reminders(today=TODAY)
    assert (len(_notified(staff["coordinator"])), len(_notified(staff["case_manager"]))) == (1, 0)


def test_a_reminder_names_the_case_and_nobody(quiet_case: Case, staff: dict[str, User]) -> None:
    TaskFactory(
        case=quiet_case,
        owner=staff["case_manager"],
        title="Zadzwonić do pani Kowalskiej",
        due_on=date(2026, 11, 1),
    )
    jobs.send_task_reminders(today=TODAY)
    notification = Notification.objects.get(user=staff["case_manager"])
    assert quiet_case.number in notification.message
    for personal in ("Kowalsk", quiet_case.family.display_name, str(staff["case_manager"])):
        assert personal not in notification.message
    assert notification.url == "/zadania/"


def test_a_done_task_is_not_reminded_of(quiet_case: Case, staff: dict[str, User]) -> None:
    TaskFactory(
        case=quiet_case, owner=staff["case_manager"], due_on=date(2026, 11, 1), status="done"
    )
    assert jobs.send_task_reminders(today=TODAY) == 0


def test_the_daily_sync_gives_bulk_created_cases_their_rule_tasks(centre: Centre) -> None:
    made = CaseFactory(centre=centre)
    Task.objects.all().delete()
    Case.objects.bulk_create(
        [
            Case(
                number="BULK/1",
                family=made.family,
                centre=centre,
                status="closed",
                first_contact_on=TODAY,
            )
        ]
    )
    assert jobs.sync_all_rule_tasks() == 1
    assert Task.objects.get(case=made).rule_key == "diagnosis"


def test_the_jobs_run_through_django_q(quiet_case: Case, staff: dict[str, User]) -> None:
    TaskFactory(case=quiet_case, owner=staff["case_manager"], due_on=date(2026, 11, 1))
    async_task("oneroof.tasks.jobs.send_task_reminders")  # sync in tests: runs inline
    assert len(_notified(staff["case_manager"])) == 1


def test_both_jobs_are_scheduled_daily() -> None:
    schedules = Schedule.objects.filter(func__startswith="oneroof.tasks.jobs.")
    assert sorted(schedules.values_list("func", "schedule_type")) == [
        ("oneroof.tasks.jobs.send_task_reminders", "D"),
        ("oneroof.tasks.jobs.sync_all_rule_tasks", "D"),
    ]
