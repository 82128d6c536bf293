"""Safety alerts end to end: a red flag escalates, notifies and blocks joint sessions; the
alert page decides it; the clinical lead lifts the block after a reassessment; overdue
diagnoses are listed at a constant query count."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import make_staff
from oneroof.accounts.models import User
from oneroof.assessment import services
from oneroof.assessment.models import Administration, AssessmentResult, SafetyAlert
from oneroof.assessment.tests.factories import AdministrationFactory, born_aged
from oneroof.audit.models import AuditEvent
from oneroof.cases.models import Case
from oneroof.cases.tests.factories import CaseFactory, CaseTeamMemberFactory
from oneroof.families.models import Person
from oneroof.families.tests.factories import (
    FamilyFactory,
    FamilyMemberFactory,
    PersonFactory,
    RelationshipFactory,
)
from oneroof.notifications.models import Notification
from oneroof.organisation.models import Centre, Membership, Role

SignIn = Callable[[Client, User], Client]
RED_FLAG = {"S2": "yes"}
NO_RED_FLAG = {"S2": "no", "E1": "1"}
PERSON_NAMES = ("Anna", "Nowak", "Jan", "Kowalski")


def acting(user: User) -> User:
    """The user acting in their only role, as the middleware sets it for a request."""
    user.active_membership = Membership.objects.select_related("centre").get(user=user)
    return user


@dataclass
class Couple:
    case: Case
    anna: Person
    jan: Person


@pytest.fixture
def couple(centre: Centre, staff: dict[str, User]) -> Couple:
    """Anna and Jan, partners, in a case at ``centre`` managed by the case-manager persona."""
    family = FamilyFactory(registered_at=centre)
    anna = PersonFactory(first_name="Anna", last_name="Nowak", date_of_birth=born_aged(34))
    jan = PersonFactory(first_name="Jan", last_name="Kowalski", date_of_birth=born_aged(36))
    for person in (anna, jan):
        FamilyMemberFactory(family=family, person=person)
    RelationshipFactory(family=family, from_person=anna, to_person=jan, kind="partner")
    case = CaseFactory(
        family=family, centre=centre, case_manager=staff[Role.CASE_MANAGER], number="KR/2026/7"
    )
    return Couple(case, anna, jan)


def administer(
    actor: User, case: Case, person: Person, answers: dict[str, str]
) -> AssessmentResult:
    """One adult self-report, answered and completed through the services."""
    actor = acting(actor)
    administration = services.start_administration(
        actor=actor,
        case=case,
        person=person,
        form=Administration.Form.ADULT,
        occasion=Administration.Occasion.DIAGNOSIS,
    )
    services.save_answers(actor=actor, administration=administration, answers=answers)
    return services.complete_administration(actor=actor, administration=administration)


@pytest.fixture
def alert(couple: Couple, staff: dict[str, User]) -> SafetyAlert:
    """Anna's diagnosis raised a red flag (S2: strangling)."""
    administer(staff[Role.CASE_MANAGER], couple.case, couple.anna, RED_FLAG)
    return SafetyAlert.objects.get(case=couple.case)


def decide(alert: SafetyAlert, user: User) -> SafetyAlert:
    return services.decide_alert(
        actor=acting(user),
        alert=alert,
        safety_plan_made=True,
        blue_card=SafetyAlert.BlueCard.OPENED,
        blue_card_reasons="Duszenie: ryzyko zabójstwa.",
        child_referral=SafetyAlert.ChildReferral.NOT_APPLICABLE,
    )


DECISION = {
    "safety_plan_made": "on",
    "blue_card": SafetyAlert.BlueCard.OPENED,
    "blue_card_reasons": "Duszenie: ryzyko zabójstwa.",
    "child_referral": SafetyAlert.ChildReferral.NOT_APPLICABLE,
    "notes": "",
}


def alert_url(alert: SafetyAlert) -> str:
    return reverse("assessment:alert", args=[alert.pk])


def messages_of(response: Any) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


# --- escalation through the services ------------------------------------------------------------


def test_a_red_flag_opens_an_alert(couple: Couple, staff: dict[str, User]) -> None:
    result = administer(staff[Role.CASE_MANAGER], couple.case, couple.anna, RED_FLAG)
    alert = SafetyAlert.objects.get(case=couple.case)
    assert result.is_critical
    assert alert.is_open
    assert alert.red_flags == [{"item": "S2", "answer": "yes"}]


def test_a_red_flag_notifies_the_case_manager_and_the_clinical_lead(
    couple: Couple, staff: dict[str, User]
) -> None:
    administer(staff[Role.CASE_MANAGER], couple.case, couple.anna, RED_FLAG)
    notified = Notification.objects.filter(is_urgent=True).values_list("user", flat=True)
    assert sorted(notified) == sorted([staff[Role.CASE_MANAGER].pk, staff[Role.CLINICAL_LEAD].pk])


def test_the_alert_notification_links_to_the_alert(couple: Couple, staff: dict[str, User]) -> None:
    administer(staff[Role.CASE_MANAGER], couple.case, couple.anna, RED_FLAG)
    alert = SafetyAlert.objects.get(case=couple.case)
    assert set(Notification.objects.values_list("url", flat=True)) == {alert_url(alert)}


def test_the_alert_email_is_sent_after_commit_and_names_nobody(
    couple: Couple,
    staff: dict[str, User],
    django_capture_on_commit_callbacks: Any,
    mailoutbox: list[Any],
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        administer(staff[Role.CASE_MANAGER], couple.case, couple.anna, RED_FLAG)
    mail = "\n".join(f"{message.subject}\n{message.body}" for message in mailoutbox)
    assert sorted(to for message in mailoutbox for to in message.to) == sorted(
        [staff[Role.CASE_MANAGER].email, staff[Role.CLINICAL_LEAD].email]
    )
    assert "KR/2026/7" in mail
    assert not [name for name in PERSON_NAMES if name in mail]


def test_no_email_leaves_before_the_transaction_commits(
    couple: Couple,
    staff: dict[str, User],
    django_capture_on_commit_callbacks: Any,
    mailoutbox: list[Any],
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        administer(staff[Role.CASE_MANAGER], couple.case, couple.anna, RED_FLAG)
    assert callbacks
    assert mailoutbox == []


def test_a_red_flag_blocks_joint_sessions(couple: Couple, staff: dict[str, User]) -> None:
    administer(staff[Role.CASE_MANAGER], couple.case, couple.anna, RED_FLAG)
    couple.case.refresh_from_db()
    assert couple.case.joint_sessions_blocked


def test_a_non_critical_reassessment_leaves_the_alert_open(
    couple: Couple, staff: dict[str, User], alert: SafetyAlert
) -> None:
    administer(staff[Role.CASE_MANAGER], couple.case, couple.anna, NO_RED_FLAG)
    alert.refresh_from_db()
    assert alert.is_open


def test_deciding_without_reasons_is_refused(alert: SafetyAlert, staff: dict[str, User]) -> None:
    with pytest.raises(ValidationError) as refused:
        services.decide_alert(
            actor=acting(staff[Role.CASE_MANAGER]),
            alert=alert,
            safety_plan_made=True,
            blue_card=SafetyAlert.BlueCard.NOT_OPENED,
            blue_card_reasons="  ",
            child_referral=SafetyAlert.ChildReferral.NOT_APPLICABLE,
        )
    assert "blue_card_reasons" in refused.value.message_dict


def test_a_decided_alert_cannot_be_decided_again(
    alert: SafetyAlert, staff: dict[str, User]
) -> None:
    decide(alert, staff[Role.CASE_MANAGER])
    with pytest.raises(ValidationError):
        decide(alert, staff[Role.CLINICAL_LEAD])


# --- the alert page -----------------------------------------------------------------------------


def test_the_case_manager_sees_the_alert_with_its_red_flag_items(
    client: Client, sign_in: SignIn, staff: dict[str, User], alert: SafetyAlert
) -> None:
    sign_in(client, staff[Role.CASE_MANAGER])
    response = client.get(alert_url(alert))
    assert response.status_code == 200
    assert [flag.item for flag in response.context["red_flags"]] == ["S2"]
    assert "Ktoś próbował mnie dusić lub podduszać" in response.content.decode()


def test_red_flag_items_are_worded_in_the_current_language(
    client: Client, sign_in: SignIn, staff: dict[str, User], alert: SafetyAlert
) -> None:
    sign_in(client, staff[Role.CASE_MANAGER])
    response = client.get(alert_url(alert), HTTP_ACCEPT_LANGUAGE="en")
    assert "Someone tried to strangle, choke or suffocate me" in response.content.decode()


def test_the_alert_links_to_the_result_for_those_who_see_it(
    client: Client, sign_in: SignIn, staff: dict[str, User], alert: SafetyAlert
) -> None:
    sign_in(client, staff[Role.COORDINATOR])
    response = client.get(alert_url(alert))
    result_url = reverse("assessment:result", args=[alert.administration_id])
    assert f'href="{result_url}"' in response.content.decode()


def test_viewing_an_alert_is_audited(
    client: Client, sign_in: SignIn, staff: dict[str, User], alert: SafetyAlert
) -> None:
    sign_in(client, staff[Role.CLINICAL_LEAD])
    client.get(alert_url(alert))
    event = AuditEvent.objects.get(action="assessment.alert_viewed")
    assert (event.actor_id, event.target_label) == (staff[Role.CLINICAL_LEAD].pk, "KR/2026/7")


def test_an_open_alert_offers_the_decision_form_to_who_may_decide(
    client: Client, sign_in: SignIn, staff: dict[str, User], alert: SafetyAlert
) -> None:
    sign_in(client, staff[Role.CLINICAL_LEAD])
    response = client.get(alert_url(alert))
    assert response.context["show_form"]


def test_deciding_on_the_page_closes_the_alert(
    client: Client, sign_in: SignIn, staff: dict[str, User], alert: SafetyAlert
) -> None:
    sign_in(client, staff[Role.CASE_MANAGER])
    response = client.post(alert_url(alert), DECISION)
    alert.refresh_from_db()
    assert response.status_code == 302
    assert (alert.decided_by, alert.blue_card) == (staff[Role.CASE_MANAGER], "opened")


def test_a_decision_without_reasons_shows_the_error_next_to_the_field(
    client: Client, sign_in: SignIn, staff: dict[str, User], alert: SafetyAlert
) -> None:
    sign_in(client, staff[Role.CASE_MANAGER])
    response = client.post(alert_url(alert), {**DECISION, "blue_card_reasons": ""})
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["blue_card_reasons"]
    assert SafetyAlert.objects.get(pk=alert.pk).is_open


def test_a_decision_without_the_child_question_shows_the_error_next_to_the_field(
    client: Client, sign_in: SignIn, staff: dict[str, User], alert: SafetyAlert
) -> None:
    sign_in(client, staff[Role.CASE_MANAGER])
    response = client.post(alert_url(alert), {**DECISION, "child_referral": ""})
    assert list(response.context["form"].errors) == ["child_referral"]


def test_a_decided_alert_shows_the_decision_and_no_form(
    client: Client, sign_in: SignIn, staff: dict[str, User], alert: SafetyAlert
) -> None:
    decide(alert, staff[Role.CASE_MANAGER])
    sign_in(client, staff[Role.CLINICAL_LEAD])
    response = client.get(alert_url(alert))
    assert not response.context["show_form"]
    assert "Duszenie: ryzyko zabójstwa." in response.content.decode()
    assert str(staff[Role.CASE_MANAGER]) in response.content.decode()


def test_posting_to_a_decided_alert_changes_nothing(
    client: Client, sign_in: SignIn, staff: dict[str, User], alert: SafetyAlert
) -> None:
    decide(alert, staff[Role.CASE_MANAGER])
    sign_in(client, staff[Role.CLINICAL_LEAD])
    response = client.post(alert_url(alert), {**DECISION, "blue_card": "not_opened"})
    alert.refresh_from_db()
    assert response.context["form"].non_field_errors()
    assert (alert.decided_by, alert.blue_card) == (staff[Role.CASE_MANAGER], "opened")


def test_a_therapist_linked_only_to_the_other_partner_gets_404_on_the_alert(
    client: Client, sign_in: SignIn, staff: dict[str, User], couple: Couple, alert: SafetyAlert
) -> None:
    therapist = staff[Role.THERAPIST]
    CaseTeamMemberFactory(case=couple.case, user=therapist, works_with=[couple.jan])
    sign_in(client, therapist)
    assert client.get(alert_url(alert)).status_code == 404


def test_a_case_manager_of_another_case_gets_404_on_the_alert(
    client: Client, sign_in: SignIn, centre: Centre, alert: SafetyAlert
) -> None:
    sign_in(client, make_staff(Role.CASE_MANAGER, centre, "inny.manager"))
    assert client.get(alert_url(alert)).status_code == 404


def test_a_coordinator_of_another_centre_gets_404_on_the_alert(
    client: Client, sign_in: SignIn, other_centre: Centre, alert: SafetyAlert
) -> None:
    sign_in(client, make_staff(Role.COORDINATOR, other_centre))
    assert client.get(alert_url(alert)).status_code == 404


def test_the_anonymous_are_sent_to_sign_in(client: Client, alert: SafetyAlert) -> None:
    response = client.get(alert_url(alert))
    assert response.status_code == 302


# --- the alert list -----------------------------------------------------------------------------


def test_the_alert_list_shows_open_alerts_before_decided_ones(
    client: Client, sign_in: SignIn, staff: dict[str, User], couple: Couple, alert: SafetyAlert
) -> None:
    decide(alert, staff[Role.CASE_MANAGER])
    later = administer(staff[Role.CASE_MANAGER], couple.case, couple.jan, RED_FLAG)
    sign_in(client, staff[Role.COORDINATOR])
    response = client.get(reverse("assessment:alert-list"))
    listed = [a.administration_id for a in response.context["page"]]
    assert listed == [later.administration_id, alert.administration_id]


def test_the_alert_list_leaves_out_other_centres(
    client: Client, sign_in: SignIn, other_centre: Centre, alert: SafetyAlert
) -> None:
    sign_in(client, make_staff(Role.COORDINATOR, other_centre))
    response = client.get(reverse("assessment:alert-list"))
    assert list(response.context["page"]) == []


# --- joint sessions -----------------------------------------------------------------------------


def clear_joint_sessions(
    client: Client, case: Case, reason: str = "Ponowna ocena bez flag."
) -> Any:
    return client.post(
        reverse("assessment:joint-sessions-clear", args=[case.pk]), {"reason": reason}
    )


def blocked(case: Case) -> bool:
    case.refresh_from_db()
    return case.joint_sessions_blocked


def test_joint_sessions_cannot_be_cleared_while_an_alert_is_open(
    client: Client, sign_in: SignIn, staff: dict[str, User], couple: Couple, alert: SafetyAlert
) -> None:
    sign_in(client, staff[Role.CLINICAL_LEAD])
    response = clear_joint_sessions(client, couple.case)
    assert response["Location"] == reverse("assessment:case", args=[couple.case.pk])
    assert blocked(couple.case)
    assert len(messages_of(response)) == 1


def test_joint_sessions_cannot_be_cleared_while_the_latest_result_is_critical(
    client: Client, sign_in: SignIn, staff: dict[str, User], couple: Couple, alert: SafetyAlert
) -> None:
    decide(alert, staff[Role.CASE_MANAGER])
    sign_in(client, staff[Role.CLINICAL_LEAD])
    clear_joint_sessions(client, couple.case)
    assert blocked(couple.case)


def test_joint_sessions_can_be_cleared_after_a_non_critical_reassessment(
    client: Client, sign_in: SignIn, staff: dict[str, User], couple: Couple, alert: SafetyAlert
) -> None:
    decide(alert, staff[Role.CASE_MANAGER])
    administer(staff[Role.CASE_MANAGER], couple.case, couple.anna, NO_RED_FLAG)
    sign_in(client, staff[Role.CLINICAL_LEAD])
    response = clear_joint_sessions(client, couple.case)
    assert response.status_code == 302
    assert not blocked(couple.case)
    assert AuditEvent.objects.filter(action="assessment.joint_sessions_allowed").exists()


def test_clearing_joint_sessions_needs_a_reason(
    client: Client, sign_in: SignIn, staff: dict[str, User], couple: Couple, alert: SafetyAlert
) -> None:
    decide(alert, staff[Role.CASE_MANAGER])
    administer(staff[Role.CASE_MANAGER], couple.case, couple.anna, NO_RED_FLAG)
    sign_in(client, staff[Role.CLINICAL_LEAD])
    response = clear_joint_sessions(client, couple.case, reason=" ")
    assert blocked(couple.case)
    assert len(messages_of(response)) == 1


def test_only_the_clinical_lead_clears_joint_sessions(
    client: Client, sign_in: SignIn, staff: dict[str, User], couple: Couple, alert: SafetyAlert
) -> None:
    sign_in(client, staff[Role.CASE_MANAGER])
    assert clear_joint_sessions(client, couple.case).status_code == 403


def test_clearing_joint_sessions_of_another_centres_case_answers_404(
    client: Client, sign_in: SignIn, other_centre: Centre, couple: Couple
) -> None:
    sign_in(client, make_staff(Role.CLINICAL_LEAD, other_centre))
    assert clear_joint_sessions(client, couple.case).status_code == 404


# --- overdue diagnoses --------------------------------------------------------------------------


def overdue_case(centre: Centre, days: int, **fields: Any) -> Case:
    return CaseFactory(
        centre=centre,
        family=FamilyFactory(registered_at=centre),
        first_contact_on=timezone.localdate() - timedelta(days=days),
        **fields,
    )


def test_the_overdue_list_shows_cases_past_the_two_weeks_without_a_diagnosis(
    client: Client, sign_in: SignIn, staff: dict[str, User], centre: Centre, other_centre: Centre
) -> None:
    late = overdue_case(centre, 20)
    overdue_case(centre, 10)
    overdue_case(other_centre, 30)
    diagnosed = overdue_case(centre, 25)
    AdministrationFactory(case=diagnosed, status=Administration.Status.COMPLETED)
    sign_in(client, staff[Role.COORDINATOR])
    response = client.get(reverse("assessment:overdue"))
    rows = response.context["rows"]
    assert [(row.case, row.days_since_contact) for row in rows] == [(late, 20)]


def test_the_overdue_list_gives_the_first_contact_in_polish_format(
    client: Client, sign_in: SignIn, staff: dict[str, User], centre: Centre
) -> None:
    case = overdue_case(centre, 20, case_manager=staff[Role.CASE_MANAGER])
    sign_in(client, staff[Role.CLINICAL_LEAD])
    response = client.get(reverse("assessment:overdue"))
    assert case.first_contact_on.strftime("%d.%m.%Y") in response.content.decode()


def test_a_case_manager_sees_only_their_own_overdue_cases(
    client: Client, sign_in: SignIn, staff: dict[str, User], centre: Centre
) -> None:
    own = overdue_case(centre, 20, case_manager=staff[Role.CASE_MANAGER])
    overdue_case(centre, 20, case_manager=make_staff(Role.CASE_MANAGER, centre, "inny"))
    sign_in(client, staff[Role.CASE_MANAGER])
    response = client.get(reverse("assessment:overdue"))
    assert [row.case for row in response.context["rows"]] == [own]


def _overdue_queries(client: Client, ceiling: int, assert_max: Any) -> int:
    url = reverse("assessment:overdue")
    client.get(url)  # warm-up: session and content-type caches are not the page
    with assert_max(ceiling) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


MAX_QUERIES_OVERDUE = 12


def test_overdue_list_queries_do_not_grow_with_the_cases(
    client: Client,
    sign_in: SignIn,
    staff: dict[str, User],
    centre: Centre,
    django_assert_max_num_queries: Any,
) -> None:
    sign_in(client, staff[Role.COORDINATOR])
    managers = [make_staff(Role.CASE_MANAGER, centre, f"cm{i}") for i in range(3)]
    for i in range(5):
        overdue_case(centre, 15 + i, case_manager=managers[i % 3])
    few = _overdue_queries(client, MAX_QUERIES_OVERDUE, django_assert_max_num_queries)
    for i in range(45):
        overdue_case(centre, 20 + i, case_manager=managers[i % 3])
    many = _overdue_queries(client, MAX_QUERIES_OVERDUE, django_assert_max_num_queries)
    assert many == few
