from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from oneroof.accounts.models import User
from oneroof.audit.models import AuditEvent
from oneroof.cases import services
from oneroof.cases.models import Case, CaseEvent
from oneroof.cases.tests.factories import CaseFactory, CaseTeamMemberFactory
from oneroof.families.tests.factories import FamilyFactory, FamilyMemberFactory
from oneroof.organisation.models import Centre

pytestmark = pytest.mark.django_db
SignIn = Callable[[Client, User], Client]


def test_case_list_shows_the_centres_cases(
    client: Client, sign_in: SignIn, staff: dict[str, User], case: Case
) -> None:
    sign_in(client, staff["coordinator"])
    response = client.get(reverse("cases:list"))
    assert case.number in response.content.decode()


def test_case_list_filters_by_status(
    client: Client, sign_in: SignIn, staff: dict[str, User], case: Case
) -> None:
    sign_in(client, staff["coordinator"])
    response = client.get(reverse("cases:list"), {"status": "in_support"})
    assert case.number not in response.content.decode()


def test_case_list_is_refused_to_roles_outside_case_work(
    client: Client, sign_in: SignIn, staff: dict[str, User]
) -> None:
    sign_in(client, staff["eu_officer"])
    assert client.get(reverse("cases:list")).status_code == 403


def test_case_page_shows_the_timeline(
    client: Client, sign_in: SignIn, staff: dict[str, User], actors: dict[str, User], case: Case
) -> None:
    services.change_status(
        actor=actors["coordinator"], case=case, to_status="in_diagnosis", expected_version=1
    )
    sign_in(client, staff["case_manager"])
    response = client.get(reverse("cases:detail", args=[case.pk]))
    assert [event.to_status for event in response.context["events"]] == ["in_diagnosis"]


def test_reading_the_case_page_is_audited(
    client: Client, sign_in: SignIn, staff: dict[str, User], case: Case
) -> None:
    sign_in(client, staff["therapist"])
    client.get(reverse("cases:detail", args=[case.pk]))
    assert AuditEvent.objects.get(action="cases.case_viewed").target_id == str(case.pk)


def test_case_page_of_another_centre_is_not_found(
    client: Client, sign_in: SignIn, staff: dict[str, User], other_centre: Centre
) -> None:
    sign_in(client, staff["coordinator"])
    other = CaseFactory(centre=other_centre)
    assert client.get(reverse("cases:detail", args=[other.pk])).status_code == 404


@pytest.mark.parametrize(
    ("role", "shown"),
    [("coordinator", True), ("case_manager", True), ("therapist", False), ("intake", False)],
)
def test_status_form_is_shown_only_to_those_who_may_change_it(
    client: Client, sign_in: SignIn, staff: dict[str, User], case: Case, role: str, shown: bool
) -> None:
    sign_in(client, staff[role])
    response = client.get(reverse("cases:detail", args=[case.pk]))
    assert (reverse("cases:status", args=[case.pk]) in response.content.decode()) is shown


def test_posting_a_status_change_moves_the_case(
    client: Client, sign_in: SignIn, staff: dict[str, User], case: Case
) -> None:
    sign_in(client, staff["case_manager"])
    response = client.post(
        reverse("cases:status", args=[case.pk]), {"to_status": "in_diagnosis", "version": 1}
    )
    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).status == "in_diagnosis"


def test_posting_a_stale_status_change_shows_the_message_and_changes_nothing(
    client: Client, sign_in: SignIn, staff: dict[str, User], case: Case
) -> None:
    Case.objects.filter(pk=case.pk).update(version=2)
    sign_in(client, staff["case_manager"])
    response = client.post(
        reverse("cases:status", args=[case.pk]),
        {"to_status": "in_diagnosis", "version": 1},
        follow=True,
    )
    assert [str(m) for m in response.context["messages"]] == [
        _polish("Someone else changed this case meanwhile; reload and try again.")
    ]
    assert Case.objects.get(pk=case.pk).status == "referred"


def test_posting_a_close_closes_the_case(
    client: Client, sign_in: SignIn, staff: dict[str, User], case: Case
) -> None:
    sign_in(client, staff["coordinator"])
    client.post(
        reverse("cases:close", args=[case.pk]),
        {"reason": "moved_away", "summary": "Rodzina wyjechała.", "version": 1},
    )
    assert Case.objects.get(pk=case.pk).status == "closed"


def test_a_therapist_posting_a_status_change_is_refused(
    client: Client, sign_in: SignIn, staff: dict[str, User], case: Case
) -> None:
    sign_in(client, staff["therapist"])
    response = client.post(
        reverse("cases:status", args=[case.pk]), {"to_status": "in_diagnosis", "version": 1}
    )
    assert response.status_code == 403


def test_posting_to_a_case_of_another_centre_is_not_found(
    client: Client, sign_in: SignIn, staff: dict[str, User], other_centre: Centre
) -> None:
    sign_in(client, staff["coordinator"])
    other = CaseFactory(centre=other_centre)
    response = client.post(reverse("cases:close", args=[other.pk]), {})
    assert response.status_code == 404


def test_posting_a_team_member_adds_them(
    client: Client, sign_in: SignIn, staff: dict[str, User], case: Case
) -> None:
    sign_in(client, staff["coordinator"])
    client.post(reverse("cases:team-add", args=[case.pk]), {"user": staff["therapist"].pk})
    assert case.team.filter(user=staff["therapist"]).exists()


def test_posting_a_reassignment_changes_the_case_manager(
    client: Client, sign_in: SignIn, staff: dict[str, User], case: Case
) -> None:
    case.case_manager = None
    case.save()
    sign_in(client, staff["coordinator"])
    client.post(reverse("cases:assign", args=[case.pk]), {"case_manager": staff["case_manager"].pk})
    assert Case.objects.get(pk=case.pk).case_manager == staff["case_manager"]


def test_get_on_a_post_only_endpoint_is_not_allowed(
    client: Client, sign_in: SignIn, staff: dict[str, User], case: Case
) -> None:
    sign_in(client, staff["coordinator"])
    assert client.get(reverse("cases:reopen", args=[case.pk])).status_code == 405


def test_anonymous_are_sent_to_log_in(client: Client, case: Case) -> None:
    response = client.get(reverse("cases:detail", args=[case.pk]))
    assert response.status_code == 302


# --- a constant number of queries ---------------------------------------------------------------


def _cases_at(centre: Centre, count: int, case_manager: User) -> None:
    for _ in range(count):
        family = FamilyFactory(registered_at=centre)
        FamilyMemberFactory(family=family)
        CaseFactory(family=family, centre=centre, case_manager=case_manager)


def _list_queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("cases:list"))
    assert response.status_code == 200
    return len(queries)


def test_case_list_runs_the_same_number_of_queries_for_3_and_30_cases(
    client: Client,
    sign_in: SignIn,
    staff: dict[str, User],
    centre: Centre,
    django_assert_max_num_queries: Any,
) -> None:
    sign_in(client, staff["coordinator"])
    _cases_at(centre, 3, staff["case_manager"])
    few = _list_queries(client)
    _cases_at(centre, 27, staff["case_manager"])
    with django_assert_max_num_queries(few):
        client.get(reverse("cases:list"))


def _detail_queries(client: Client, case: Case) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("cases:detail", args=[case.pk]))
    assert response.status_code == 200
    return len(queries)


def _grow(case: Case, actor: User, events: int, members: int) -> None:
    for _ in range(events):
        CaseEvent.objects.create(case=case, kind=CaseEvent.Kind.STATUS_CHANGED, actor=actor)
    person = case.family.members.first().person  # type: ignore[union-attr]
    for _ in range(members):
        CaseTeamMemberFactory(case=case, works_with=[person])


def test_case_page_runs_the_same_number_of_queries_for_1_and_10_events_and_members(
    client: Client,
    sign_in: SignIn,
    staff: dict[str, User],
    case: Case,
    django_assert_max_num_queries: Any,
) -> None:
    sign_in(client, staff["coordinator"])
    _grow(case, staff["coordinator"], 1, 1)
    few = _detail_queries(client, case)
    _grow(case, staff["coordinator"], 9, 9)
    with django_assert_max_num_queries(few):
        client.get(reverse("cases:detail", args=[case.pk]))


def _polish(message: str) -> str:
    """The message as staff see it: the UI speaks Polish."""
    with translation.override("pl"):
        return translation.gettext(message)
