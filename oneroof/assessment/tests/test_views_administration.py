"""Administering NORR over HTTP: the case's diagnosis page, one domain per screen, saving and
resuming, the walls between partners, and the respondent mode (the device in the hands of the
person answering).

``walled_family``: mother Anna is do-not-disclose-to father Jan; their child Zosia (under 13).
The case manager manages the case (the whole family); the father's therapist works with him
only.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import make_staff
from oneroof.accounts.models import User
from oneroof.accounts.tests.factories import TEST_PASSWORD
from oneroof.assessment.middleware import SESSION_KEY
from oneroof.assessment.models import Administration, Answer
from oneroof.assessment.tests.factories import (
    AdministrationFactory,
    AnswerFactory,
    SafetyAlertFactory,
    born_aged,
)
from oneroof.assessment.views_administration import MAX_HANDBACK_FAILURES
from oneroof.audit.models import AuditEvent
from oneroof.cases.tests.factories import CaseTeamMemberFactory
from oneroof.families.tests import conftest as families_conftest
from oneroof.families.tests.conftest import WalledFamily
from oneroof.families.tests.factories import FamilyMemberFactory, PersonFactory
from oneroof.organisation.models import Centre, Role

walled_family = families_conftest.walled_family

SignIn = Callable[[Client, User], Client]
SAFETY_ITEMS = ["S1", "S2", "S3", "S4", "S5", "S6", "S7", "S8", "S9", "S10", "S11"]
ADULT_STEPS = 10  # S E F C D P A H T R


# --- arrange --------------------------------------------------------------------------------


@pytest.fixture
def family(walled_family: WalledFamily, staff: dict[str, User]) -> WalledFamily:
    walled_family.case.case_manager = staff["case_manager"]
    walled_family.case.save()
    return walled_family


@pytest.fixture
def manager(client: Client, sign_in: SignIn, staff: dict[str, User]) -> Client:
    return sign_in(client, staff["case_manager"])


@pytest.fixture
def fathers_therapist(family: WalledFamily, centre: Centre) -> User:
    therapist = make_staff(Role.THERAPIST.value, centre, "terapeuta.ojca")
    CaseTeamMemberFactory(case=family.case, user=therapist, works_with=[family.father])
    return therapist


@pytest.fixture
def mothers(family: WalledFamily, staff: dict[str, User]) -> Administration:
    """The mother's adult questionnaire, started by the case manager."""
    return AdministrationFactory(
        case=family.case, person=family.mother, administered_by=staff["case_manager"]
    )


@pytest.fixture
def fathers(family: WalledFamily, staff: dict[str, User]) -> Administration:
    return AdministrationFactory(
        case=family.case, person=family.father, administered_by=staff["case_manager"]
    )


@pytest.fixture
def locked(manager: Client, mothers: Administration) -> Client:
    """The case manager handed the device to the mother."""
    manager.post(_administer(mothers), {"action": "hand_over"})
    return manager


def _case(family: WalledFamily) -> str:
    return reverse("assessment:case", args=[family.case.pk])


def _administer(administration: Administration, step: int | None = None) -> str:
    url = reverse("assessment:administer", args=[administration.pk])
    return url if step is None else f"{url}?krok={step}"


def _complete(administration: Administration) -> str:
    return reverse("assessment:complete", args=[administration.pk])


def _handback(administration: Administration) -> str:
    return reverse("assessment:handback", args=[administration.pk])


def _answers(administration: Administration) -> dict[str, str]:
    return dict(administration.answers.values_list("item", "value"))


def _respondents(response: Any) -> list[str]:
    """The values of the start form's respondent choices ("person:form")."""
    groups = response.context["form"].fields["respondent"].choices[1:]  # after "Choose…"
    return [value for _person, options in groups for value, _form in options]


# --- the case's diagnosis page ---------------------------------------------------------------


def test_the_case_page_shows_the_days_since_first_contact_and_the_due_date(
    manager: Client, family: WalledFamily
) -> None:
    family.case.first_contact_on = timezone.localdate() - timedelta(days=5)
    family.case.save()
    response = manager.get(_case(family))
    assert response.status_code == 200
    assert response.context["days_since_first_contact"] == 5
    assert response.context["due_on"] == timezone.localdate() + timedelta(days=9)
    assert response.context["overdue"] is False


def test_a_case_past_its_due_date_without_a_completed_diagnosis_is_overdue(
    manager: Client, family: WalledFamily, mothers: Administration
) -> None:
    family.case.first_contact_on = timezone.localdate() - timedelta(days=15)
    family.case.save()
    response = manager.get(_case(family))
    assert response.context["overdue"] is True
    assert 'id="diagnosis-due"' in response.content.decode()


def test_a_completed_diagnosis_is_never_overdue(
    manager: Client, family: WalledFamily, mothers: Administration
) -> None:
    family.case.first_contact_on = timezone.localdate() - timedelta(days=30)
    family.case.save()
    mothers.status = Administration.Status.COMPLETED
    mothers.save()
    assert manager.get(_case(family)).context["overdue"] is False


def test_the_case_page_links_a_questionnaire_in_progress_to_resume_it(
    manager: Client, family: WalledFamily, mothers: Administration
) -> None:
    html = manager.get(_case(family)).content.decode()
    assert f'href="{_administer(mothers)}"' in html


def test_the_case_page_lists_only_the_questionnaires_the_user_may_see(
    client: Client,
    sign_in: SignIn,
    family: WalledFamily,
    fathers_therapist: User,
    mothers: Administration,
    fathers: Administration,
) -> None:
    response = sign_in(client, fathers_therapist).get(_case(family))
    assert [row.administration for row in response.context["rows"]] == [fathers]


def test_the_safety_banner_names_nobody_to_a_therapist_of_the_other_partner(
    client: Client,
    sign_in: SignIn,
    family: WalledFamily,
    fathers_therapist: User,
    mothers: Administration,
) -> None:
    SafetyAlertFactory(administration=mothers)
    response = sign_in(client, fathers_therapist).get(_case(family))
    [row] = response.context["alerts"]
    assert (row.person, row.linked) == (None, False)
    assert family.mother.last_name not in response.content.decode()


def test_the_safety_banner_links_the_case_manager_to_the_open_alert(
    manager: Client, family: WalledFamily, mothers: Administration
) -> None:
    alert = SafetyAlertFactory(administration=mothers)
    html = manager.get(_case(family)).content.decode()
    assert f'href="{reverse("assessment:alert", args=[alert.pk])}"' in html


def test_the_case_page_says_joint_sessions_are_blocked(
    manager: Client, family: WalledFamily
) -> None:
    family.case.joint_sessions_blocked = True
    family.case.save()
    response = manager.get(_case(family))
    assert response.context["joint_sessions_blocked"] is True
    assert 'id="safety-banner"' in response.content.decode()


def test_the_start_form_offers_only_the_persons_whose_answers_the_user_may_see(
    client: Client, sign_in: SignIn, family: WalledFamily, fathers_therapist: User
) -> None:
    response = sign_in(client, fathers_therapist).get(_case(family))
    assert _respondents(response) == [f"{family.father.pk}:adult"]


def test_the_start_form_offers_a_child_under_13_the_child_module_only(
    manager: Client, family: WalledFamily
) -> None:
    respondents = _respondents(manager.get(_case(family)))
    assert [r for r in respondents if r.startswith(f"{family.child.pk}:")] == [
        f"{family.child.pk}:child"
    ]


def test_the_coordinator_sees_the_case_page_without_a_start_form(
    client: Client, sign_in: SignIn, staff: dict[str, User], family: WalledFamily
) -> None:
    response = sign_in(client, staff["coordinator"]).get(_case(family))
    assert response.status_code == 200
    assert response.context["form"] is None


def test_the_family_page_links_each_case_to_its_diagnosis(
    manager: Client, family: WalledFamily
) -> None:
    html = manager.get(reverse("families:detail", args=[family.family.pk])).content.decode()
    assert f'href="{_case(family)}"' in html


# --- starting ----------------------------------------------------------------------------------


def test_starting_a_questionnaire_opens_its_first_screen(
    manager: Client, family: WalledFamily
) -> None:
    response = manager.post(
        reverse("assessment:start", args=[family.case.pk]),
        {"respondent": f"{family.mother.pk}:adult", "occasion": "diagnosis"},
    )
    administration = Administration.objects.get(person=family.mother)
    assert response.status_code == 302
    assert response["Location"] == _administer(administration)


def test_starting_a_form_that_does_not_fit_the_age_is_refused_with_a_message(
    manager: Client, family: WalledFamily
) -> None:
    response = manager.post(
        reverse("assessment:start", args=[family.case.pk]),
        {"respondent": f"{family.child.pk}:adult", "occasion": "diagnosis"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["respondent"]
    assert not Administration.objects.exists()


def test_starting_for_a_person_behind_the_wall_is_refused(
    client: Client, sign_in: SignIn, family: WalledFamily, fathers_therapist: User
) -> None:
    response = sign_in(client, fathers_therapist).post(
        reverse("assessment:start", args=[family.case.pk]),
        {"respondent": f"{family.mother.pk}:adult", "occasion": "diagnosis"},
    )
    assert response.context["form"].errors["respondent"]
    assert not Administration.objects.exists()


# --- one domain per screen --------------------------------------------------------------------


def test_each_screen_asks_the_items_of_one_domain(manager: Client, mothers: Administration) -> None:
    response = manager.get(_administer(mothers, 0))
    assert list(response.context["form"].fields) == SAFETY_ITEMS
    assert (response.context["number"], response.context["total"]) == (1, ADULT_STEPS)


def test_each_item_is_a_radio_group_with_its_text_as_the_legend(
    manager: Client, mothers: Administration
) -> None:
    html = manager.get(_administer(mothers, 0)).content.decode()
    assert "<legend" in html
    assert "Ktoś próbował mnie dusić lub podduszać" in html  # S2, in Polish
    assert html.count('type="radio" name="item-S2"') == 3  # yes / no / don't know


def test_the_progress_bar_shows_the_step_out_of_all_steps(
    manager: Client, mothers: Administration
) -> None:
    html = manager.get(_administer(mothers, 2)).content.decode()
    assert f'<progress class="w-100 mb-3" value="3" max="{ADULT_STEPS}"' in html
    assert 'aria-labelledby="progress-label"' in html


def test_the_teen_form_uses_the_teen_wording(
    manager: Client, family: WalledFamily, staff: dict[str, User]
) -> None:
    teen = PersonFactory(date_of_birth=born_aged(15))
    FamilyMemberFactory(family=family.family, person=teen)
    administration = AdministrationFactory(
        case=family.case, person=teen, form="teen", administered_by=staff["case_manager"]
    )
    response = manager.get(_administer(administration, 0))
    assert response.context["step"].code == "P"
    assert "Jestem obecna/y, gdy rodzice się kłócą" in response.content.decode()


def test_saving_a_screen_stores_its_answers_and_opens_the_next(
    manager: Client, mothers: Administration
) -> None:
    response = manager.post(
        _administer(mothers), {"krok": "0", "item-S1": "1", "item-S2": "dont_know"}
    )
    mothers.refresh_from_db()
    assert response["Location"] == _administer(mothers, 1)
    assert _answers(mothers) == {"S1": "1", "S2": "dont_know"}
    assert mothers.current_step == 1


def test_an_item_left_unanswered_is_allowed(manager: Client, mothers: Administration) -> None:
    response = manager.post(_administer(mothers), {"krok": "0", "action": "next"})
    assert response.status_code == 302
    assert _answers(mothers) == {}


def test_a_resumed_questionnaire_opens_where_it_was_left_with_the_answers_given(
    manager: Client, mothers: Administration
) -> None:
    manager.post(_administer(mothers), {"krok": "1", "item-E1": "2"})
    response = manager.get(_administer(mothers))
    assert response.context["step"].index == 2
    assert manager.get(_administer(mothers, 1)).context["form"].initial == {"E1": "2"}


def test_back_saves_the_screen_and_opens_the_previous_one(
    manager: Client, mothers: Administration
) -> None:
    response = manager.post(_administer(mothers), {"krok": "3", "item-C1": "0", "action": "back"})
    assert response["Location"] == _administer(mothers, 2)
    assert _answers(mothers) == {"C1": "0"}


def test_save_and_continue_later_returns_to_the_case_page(
    manager: Client, family: WalledFamily, mothers: Administration
) -> None:
    response = manager.post(_administer(mothers), {"krok": "4", "action": "later"})
    mothers.refresh_from_db()
    assert response["Location"] == _case(family)
    assert mothers.current_step == 4


def test_an_invalid_value_is_rejected_with_a_message(
    manager: Client, mothers: Administration
) -> None:
    response = manager.post(_administer(mothers), {"krok": "0", "item-S1": "7", "item-S3": "yes"})
    assert response.status_code == 200
    assert response.context["form"].errors["S1"]
    assert _answers(mothers) == {}


def test_the_child_module_is_recorded_as_given_by_a_professional(
    manager: Client, family: WalledFamily, staff: dict[str, User]
) -> None:
    administration = AdministrationFactory(
        case=family.case, person=family.child, form="child", administered_by=staff["case_manager"]
    )
    manager.post(_administer(administration), {"krok": "0", "item-P1": "1"})
    assert Answer.objects.get(administration=administration).source == "professional"


def test_the_child_module_cannot_be_handed_to_the_child(
    manager: Client, family: WalledFamily, staff: dict[str, User]
) -> None:
    administration = AdministrationFactory(
        case=family.case, person=family.child, form="child", administered_by=staff["case_manager"]
    )
    response = manager.post(_administer(administration), {"action": "hand_over"})
    assert response.status_code == 403
    assert SESSION_KEY not in manager.session


def test_the_last_screen_finishes_with_its_answers_and_shows_the_result(
    manager: Client, mothers: Administration
) -> None:
    response = manager.post(_complete(mothers), {"krok": str(ADULT_STEPS - 1), "item-R1": "3"})
    mothers.refresh_from_db()
    assert response["Location"] == reverse("assessment:result", args=[mothers.pk])
    assert mothers.is_completed
    assert _answers(mothers) == {"R1": "3"}


def test_a_completed_questionnaire_opens_its_result(
    manager: Client, mothers: Administration
) -> None:
    mothers.status = Administration.Status.COMPLETED
    mothers.save()
    response = manager.get(_administer(mothers))
    assert response["Location"] == reverse("assessment:result", args=[mothers.pk])


def test_the_administer_page_makes_no_more_queries_for_many_answers_than_for_one(
    manager: Client, mothers: Administration, django_assert_max_num_queries: Any
) -> None:
    AnswerFactory(administration=mothers, item="S1", value="1")
    with CaptureQueriesContext(connection) as one_answer:
        manager.get(_administer(mothers, 0))
    for item in SAFETY_ITEMS[1:]:
        AnswerFactory(administration=mothers, item=item, value="no")
    for item in ["E1", "E2", "E3", "F1", "F2", "C1", "D1", "P1", "A1", "H1", "T1", "R1"]:
        AnswerFactory(administration=mothers, item=item, value="2")
    with django_assert_max_num_queries(len(one_answer)):
        manager.get(_administer(mothers, 0))


# --- the walls between partners ---------------------------------------------------------------


@pytest.mark.parametrize("url", [_administer, _handback])
def test_the_other_partners_questionnaire_is_not_found_for_the_fathers_therapist(
    client: Client,
    sign_in: SignIn,
    fathers_therapist: User,
    mothers: Administration,
    url: Callable[[Administration], str],
) -> None:
    assert sign_in(client, fathers_therapist).get(url(mothers)).status_code == 404


def test_the_fathers_therapist_cannot_finish_the_mothers_questionnaire(
    client: Client, sign_in: SignIn, fathers_therapist: User, mothers: Administration
) -> None:
    response = sign_in(client, fathers_therapist).post(_complete(mothers))
    mothers.refresh_from_db()
    assert response.status_code == 404
    assert not mothers.is_completed


def test_the_fathers_therapist_administers_the_fathers_questionnaire(
    client: Client, sign_in: SignIn, fathers_therapist: User, fathers: Administration
) -> None:
    assert sign_in(client, fathers_therapist).get(_administer(fathers)).status_code == 200


# --- respondent mode --------------------------------------------------------------------------


def test_handing_over_the_device_locks_the_session_to_the_questionnaire(
    locked: Client, mothers: Administration
) -> None:
    assert locked.session[SESSION_KEY] == mothers.pk
    assert AuditEvent.objects.filter(
        action="assessment.respondent_mode_started", target_id=str(mothers.pk)
    ).exists()


@pytest.mark.parametrize(
    "url",
    [
        lambda other: "/",
        lambda other: reverse("families:list"),
        lambda other: reverse("admin:index"),
        lambda other: reverse("assessment:case", args=[other.case_id]),
        lambda other: reverse("assessment:result", args=[other.pk]),
        lambda other: _administer(other),
    ],
    ids=["home", "families", "admin", "case", "result", "other-administration"],
)
def test_respondent_mode_sends_every_other_page_back_to_the_questionnaire(
    locked: Client,
    mothers: Administration,
    fathers: Administration,
    url: Callable[[Administration], str],
) -> None:
    response = locked.get(url(fathers))
    assert (response.status_code, response["Location"]) == (302, _administer(mothers))


def test_respondent_mode_refuses_posts_elsewhere_too(
    locked: Client, mothers: Administration, fathers: Administration
) -> None:
    response = locked.post(_administer(fathers), {"krok": "0", "item-S1": "3"})
    assert response["Location"] == _administer(mothers)
    assert _answers(fathers) == {}


def test_respondent_mode_lets_the_respondent_change_the_language(
    locked: Client, mothers: Administration
) -> None:
    response = locked.post(
        reverse("set_language"), {"language": "en", "next": _administer(mothers)}
    )
    assert response["Location"] == _administer(mothers)


def test_the_questionnaire_in_respondent_mode_shows_no_navigation_and_no_other_names(
    locked: Client, family: WalledFamily, mothers: Administration
) -> None:
    response = locked.get(_administer(mothers))
    html = response.content.decode()
    assert "assessment/respondent_base.html" in [t.name for t in response.templates]
    assert reverse("families:list") not in html
    assert family.case.number not in html
    assert family.mother.last_name not in html
    assert family.mother.first_name in html


def test_the_respondent_saves_answers_in_respondent_mode(
    locked: Client, mothers: Administration
) -> None:
    locked.post(_administer(mothers), {"krok": "0", "item-S1": "0"})
    assert _answers(mothers) == {"S1": "0"}


def test_save_and_continue_later_in_respondent_mode_asks_for_the_device_back(
    locked: Client, mothers: Administration
) -> None:
    response = locked.post(_administer(mothers), {"krok": "2", "action": "later"})
    assert response["Location"] == _handback(mothers)


def test_no_page_of_a_signed_in_user_is_kept_in_the_browsers_cache(
    locked: Client, mothers: Administration
) -> None:
    # Otherwise the back button could show pages seen before the hand-over.
    assert "no-store" in locked.get(_administer(mothers))["Cache-Control"]
    assert "no-store" in locked.get(reverse("families:list"))["Cache-Control"]


def test_finishing_in_respondent_mode_thanks_the_respondent_and_keeps_the_lock(
    locked: Client, mothers: Administration
) -> None:
    response = locked.post(_complete(mothers), follow=True)
    mothers.refresh_from_db()
    assert mothers.is_completed
    assert response.redirect_chain[-1][0] == _handback(mothers)
    assert locked.session[SESSION_KEY] == mothers.pk


def test_handback_with_a_wrong_password_keeps_the_lock(
    locked: Client, mothers: Administration
) -> None:
    response = locked.post(_handback(mothers), {"password": "not-the-password"})
    assert response.status_code == 200
    assert response.context["form"].errors["password"]
    assert locked.session[SESSION_KEY] == mothers.pk


def test_handback_with_the_right_password_ends_the_lock_and_is_audited(
    locked: Client, mothers: Administration
) -> None:
    response = locked.post(_handback(mothers), {"password": TEST_PASSWORD})
    assert response["Location"] == _administer(mothers)
    assert SESSION_KEY not in locked.session
    assert AuditEvent.objects.filter(
        action="assessment.respondent_mode_ended", target_id=str(mothers.pk)
    ).exists()


def test_after_handback_the_staff_member_sees_the_result_of_a_finished_questionnaire(
    locked: Client, mothers: Administration
) -> None:
    locked.post(_complete(mothers))
    response = locked.post(_handback(mothers), {"password": TEST_PASSWORD})
    assert response["Location"] == reverse("assessment:result", args=[mothers.pk])


def test_too_many_wrong_passwords_sign_the_session_out(
    locked: Client, mothers: Administration
) -> None:
    for _attempt in range(MAX_HANDBACK_FAILURES):
        response = locked.post(_handback(mothers), {"password": "guess"})
    assert response["Location"] == reverse("two_factor:login")
    assert "_auth_user_id" not in locked.session
