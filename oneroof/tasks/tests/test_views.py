"""The task pages and the case page's task panel: who sees what, and a constant number of
queries whatever the number of tasks."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from oneroof.accounts.models import User
from oneroof.cases.models import Case
from oneroof.cases.tests.factories import CaseFactory
from oneroof.families.tests.factories import FamilyFactory, FamilyMemberFactory
from oneroof.intake.tests.factories import ReferralFactory
from oneroof.organisation.models import Centre
from oneroof.tasks.models import Task
from oneroof.tasks.tests.factories import TaskFactory

pytestmark = pytest.mark.django_db
SignIn = Callable[[Client, User], Client]
PAST = date(2020, 1, 1)
FUTURE = date(2030, 1, 1)


def _labels(response: Any) -> list[str]:
    return [row["task"].label for row in response.context["rows"]]


# --- my tasks -----------------------------------------------------------------------------------


def test_my_tasks_lists_my_open_tasks_by_due_date(
    client: Client, sign_in: SignIn, staff: dict[str, User], case: Case
) -> None:
    Task.objects.filter(case=case).delete()
    me = staff["case_manager"]
    TaskFactory(case=case, owner=me, title="Później", due_on=FUTURE)
    TaskFactory(case=case, owner=me, title="Wcześniej", due_on=PAST)
    TaskFactory(case=case, owner=staff["coordinator"], title="Nie moje")
    TaskFactory(case=case, owner=me, title="Zrobione", status="done")
    sign_in(client, me)
    assert _labels(client.get(reverse("tasks:list"))) == ["Wcześniej", "Później"]


def test_an_overdue_task_is_marked(
    client: Client, sign_in: SignIn, staff: dict[str, User], case: Case
) -> None:
    TaskFactory(case=case, owner=staff["case_manager"], due_on=PAST)
    sign_in(client, staff["case_manager"])
    page = client.get(reverse("tasks:list"), HTTP_ACCEPT_LANGUAGE="pl").content.decode()
    assert '<span class="badge text-bg-danger">po terminie</span>' in page


def test_the_done_filter_lists_my_completed_tasks(
    client: Client, sign_in: SignIn, staff: dict[str, User], case: Case
) -> None:
    me = staff["case_manager"]
    TaskFactory(case=case, owner=me, title="Otwarte")
    TaskFactory(case=case, owner=me, title="Zrobione", status="done")
    sign_in(client, me)
    assert _labels(client.get(reverse("tasks:list"), {"done": "1"})) == ["Zrobione"]


def test_my_tasks_are_refused_to_intake(
    client: Client, sign_in: SignIn, staff: dict[str, User]
) -> None:
    sign_in(client, staff["intake"])
    assert client.get(reverse("tasks:list")).status_code == 403


# --- the centre's overdue tasks -------------------------------------------------------------------


def test_the_overdue_list_shows_overdue_and_unassigned_tasks_of_the_centre(
    client: Client, sign_in: SignIn, staff: dict[str, User], case: Case, other_centre: Centre
) -> None:
    Task.objects.filter(case=case).delete()
    TaskFactory(case=case, owner=staff["case_manager"], title="Zaległe", due_on=PAST)
    TaskFactory(case=case, owner=None, title="Bez właściciela", due_on=FUTURE)
    TaskFactory(case=case, owner=staff["case_manager"], title="W terminie", due_on=FUTURE)
    TaskFactory(case=CaseFactory(centre=other_centre), title="Obce", due_on=PAST)
    sign_in(client, staff["coordinator"])
    response = client.get(reverse("tasks:overdue"))
    assert _labels(response) == ["Zaległe", "Bez właściciela"]


def test_the_overdue_list_is_refused_to_a_case_manager(
    client: Client, sign_in: SignIn, staff: dict[str, User]
) -> None:
    sign_in(client, staff["case_manager"])
    assert client.get(reverse("tasks:overdue")).status_code == 403


# --- changes --------------------------------------------------------------------------------------


def test_adding_a_task_on_the_case_page(
    client: Client, sign_in: SignIn, staff: dict[str, User], case: Case
) -> None:
    sign_in(client, staff["case_manager"])
    response = client.post(
        reverse("tasks:add", args=[case.pk]),
        {"title": "Kontakt ze szkołą", "due_on": "2026-12-01", "owner": staff["case_manager"].pk},
    )
    assert response.status_code == 302
    assert Task.objects.get(case=case, kind="manual").owner == staff["case_manager"]


def test_a_therapist_outside_the_team_may_not_add_a_task(
    client: Client, sign_in: SignIn, staff: dict[str, User], case: Case
) -> None:
    sign_in(client, staff["therapist"])
    response = client.post(
        reverse("tasks:add", args=[case.pk]), {"title": "X", "due_on": "2026-12-01"}
    )
    assert response.status_code == 403


def test_completing_a_task_sends_back_to_the_page_it_was_on(
    client: Client, sign_in: SignIn, staff: dict[str, User], case: Case
) -> None:
    task = TaskFactory(case=case, owner=staff["case_manager"])
    sign_in(client, staff["case_manager"])
    response = client.post(reverse("tasks:complete", args=[task.pk]), {"next": "/zadania/"})
    task.refresh_from_db()
    assert (response["Location"], task.status) == ("/zadania/", "done")


def test_completing_ignores_a_foreign_next_url(
    client: Client, sign_in: SignIn, staff: dict[str, User], case: Case
) -> None:
    task = TaskFactory(case=case, owner=staff["case_manager"])
    sign_in(client, staff["case_manager"])
    response = client.post(
        reverse("tasks:complete", args=[task.pk]), {"next": "https://example.com/"}
    )
    assert response["Location"] == reverse("tasks:list")


def test_a_task_of_another_centre_is_not_found(
    client: Client, sign_in: SignIn, staff: dict[str, User], other_centre: Centre
) -> None:
    task = TaskFactory(case=CaseFactory(centre=other_centre))
    sign_in(client, staff["coordinator"])
    assert client.post(reverse("tasks:complete", args=[task.pk])).status_code == 404
    assert client.get(reverse("tasks:edit", args=[task.pk])).status_code == 404


def test_editing_a_task(
    client: Client, sign_in: SignIn, staff: dict[str, User], case: Case
) -> None:
    task = TaskFactory(case=case)
    sign_in(client, staff["coordinator"])
    client.post(
        reverse("tasks:edit", args=[task.pk]),
        {"title": "Spotkanie z pedagogiem", "due_on": "2026-12-03", "owner": "", "version": "1"},
    )
    task.refresh_from_db()
    assert (task.title, task.version) == ("Spotkanie z pedagogiem", 2)


def test_a_stale_edit_comes_back_with_the_message_and_saves_nothing(
    client: Client, sign_in: SignIn, staff: dict[str, User], case: Case
) -> None:
    task = TaskFactory(case=case, version=2, title="Zapisane")
    sign_in(client, staff["coordinator"])
    response = client.post(
        reverse("tasks:edit", args=[task.pk]),
        {"title": "Moje", "due_on": "2026-12-03", "owner": "", "version": "1"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    task.refresh_from_db()
    assert (response.status_code, task.title) == (409, "Zapisane")
    assert "your changes were not saved" in response.content.decode()


# --- the case page's panel ---------------------------------------------------------------


def test_the_case_page_shows_the_open_tasks_and_the_form(
    client: Client, sign_in: SignIn, staff: dict[str, User], case: Case
) -> None:
    TaskFactory(case=case, title="Kontakt ze szkołą")
    sign_in(client, staff["case_manager"])
    content = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Kontakt ze szkołą" in content
    assert reverse("tasks:add", args=[case.pk]) in content


def test_the_case_page_shows_no_tasks_to_intake(
    client: Client, sign_in: SignIn, staff: dict[str, User], centre: Centre
) -> None:
    unassigned = CaseFactory(centre=centre)  # intake sees it until a case manager is assigned
    ReferralFactory(case=unassigned, registered_by=staff["intake"])
    TaskFactory(case=unassigned, title="Kontakt ze szkołą")
    sign_in(client, staff["intake"])
    response = client.get(reverse("cases:detail", args=[unassigned.pk]))
    assert response.status_code == 200
    assert "Kontakt ze szkołą" not in response.content.decode()


# --- a constant number of queries ---------------------------------------------------------------


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def _tasks_at(centre: Centre, count: int, owner: User) -> None:
    """``count`` cases, each with an overdue task of ``owner`` and an unassigned one."""
    for _ in range(count):
        family = FamilyFactory(registered_at=centre)
        FamilyMemberFactory(family=family)
        case = CaseFactory(family=family, centre=centre, case_manager=owner)
        TaskFactory(case=case, owner=owner, due_on=PAST)
        TaskFactory(case=case, owner=None, due_on=PAST)


@pytest.mark.parametrize(
    ("url", "role"),
    [("tasks:list", "case_manager"), ("tasks:overdue", "coordinator")],
)
def test_task_lists_run_the_same_number_of_queries_for_2_and_20_cases(
    client: Client,
    sign_in: SignIn,
    staff: dict[str, User],
    centre: Centre,
    django_assert_max_num_queries: Any,
    url: str,
    role: str,
) -> None:
    sign_in(client, staff[role])
    _tasks_at(centre, 2, staff["case_manager"])
    few = _queries(client, reverse(url))
    _tasks_at(centre, 18, staff["case_manager"])
    with django_assert_max_num_queries(few):
        client.get(reverse(url))


def test_the_case_page_runs_the_same_number_of_queries_for_1_and_10_tasks(
    client: Client,
    sign_in: SignIn,
    staff: dict[str, User],
    case: Case,
    django_assert_max_num_queries: Any,
) -> None:
    sign_in(client, staff["case_manager"])
    TaskFactory(case=case, owner=staff["case_manager"])
    few = _queries(client, reverse("cases:detail", args=[case.pk]))
    for _ in range(9):
        TaskFactory(case=case, owner=staff["coordinator"])
    with django_assert_max_num_queries(few):
        client.get(reverse("cases:detail", args=[case.pk]))
