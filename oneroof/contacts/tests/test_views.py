"""The contact log page, the case page's panel and the reads behind them: the partner wall,
404 outside scope, the warning/confirmation and block flows, accessibility basics, and a
constant number of queries."""

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

from oneroof.accounts.models import User
from oneroof.audit.models import AuditEvent
from oneroof.cases.models import Case
from oneroof.cases.tests.factories import CaseFactory
from oneroof.contacts.models import ContactRecord
from oneroof.contacts.queries import contacts_visible_to, get_case_for_contacts
from oneroof.contacts.tests.factories import ContactRecordFactory, SafeContactRuleFactory
from oneroof.families.tests.conftest import WalledFamily
from oneroof.organisation.models import Centre

pytestmark = pytest.mark.django_db
SignIn = Callable[[Client, User], Client]


def _log(case: Case) -> str:
    return reverse("contacts:case-log", args=[case.pk])


def _visible(user: User, case: Case) -> list[int]:
    return [c.pk for c in contacts_visible_to(user, get_case_for_contacts(user, case.pk))]


def _post(wf: WalledFamily, **overrides: str) -> dict[str, str]:
    data = {
        "occurred_at": timezone.localtime(timezone.now() - timedelta(minutes=5)).strftime(
            "%Y-%m-%dT%H:%M"
        ),
        "channel": "phone",
        "direction": "out",
        "number": "mobile",
        "counterpart": "person",
        "person": str(wf.mother.pk),
        "summary": "Umówiona wizyta.",
    }
    return {**data, **overrides}


# --- the wall ---------------------------------------------------------------------------------


def test_a_contact_with_the_protected_mother_is_invisible_to_the_fathers_therapist(
    wf: WalledFamily, actors: dict[str, User]
) -> None:
    ContactRecordFactory(case=wf.case, person=wf.mother)
    assert _visible(actors["therapist"], wf.case) == []


def test_the_fathers_therapist_sees_contacts_with_the_father(
    wf: WalledFamily, actors: dict[str, User]
) -> None:
    contact = ContactRecordFactory(case=wf.case, person=wf.father)
    assert _visible(actors["therapist"], wf.case) == [contact.pk]


def test_an_institution_contact_about_the_mother_is_invisible_to_the_fathers_therapist(
    wf: WalledFamily, actors: dict[str, User]
) -> None:
    contact = ContactRecordFactory(
        case=wf.case, person=None, institution_name="Policja", institution_type="police"
    )
    contact.about.set([wf.mother])
    assert _visible(actors["therapist"], wf.case) == []


def test_an_institution_contact_about_the_whole_family_needs_a_whole_family_link(
    wf: WalledFamily, actors: dict[str, User]
) -> None:
    ContactRecordFactory(
        case=wf.case, person=None, institution_name="MOPS", institution_type="welfare"
    )
    assert _visible(actors["therapist"], wf.case) == []
    assert len(_visible(actors["case_manager"], wf.case)) == 1


@pytest.mark.parametrize(
    ("role", "sees"),
    [
        ("case_manager", True),
        ("coordinator", True),
        ("clinical_lead", True),
        ("intake", False),
        ("therapist", False),
    ],
)
def test_who_reads_a_contact_with_the_mother(
    wf: WalledFamily, actors: dict[str, User], role: str, sees: bool
) -> None:
    ContactRecordFactory(case=wf.case, person=wf.mother)
    assert bool(_visible(actors[role], wf.case)) is sees


def test_the_log_page_of_the_fathers_therapist_does_not_show_the_mothers_contact(
    client: Client, sign_in: SignIn, staff: dict[str, User], wf: WalledFamily
) -> None:
    ContactRecordFactory(case=wf.case, person=wf.mother, summary="Adres schroniska")
    sign_in(client, staff["therapist"])
    response = client.get(_log(wf.case))
    assert response.status_code == 200
    assert "Adres schroniska" not in response.content.decode()
    assert wf.mother.first_name not in response.content.decode()


# --- scope ------------------------------------------------------------------------------------


def test_the_log_of_another_centres_case_is_not_found(
    client: Client, sign_in: SignIn, staff: dict[str, User], other_centre: Centre
) -> None:
    sign_in(client, staff["coordinator"])
    assert client.get(_log(CaseFactory(centre=other_centre))).status_code == 404


def test_marking_a_contact_of_another_centre_is_not_found(
    client: Client, sign_in: SignIn, staff: dict[str, User], other_centre: Centre
) -> None:
    contact = ContactRecordFactory(case=CaseFactory(centre=other_centre), person=None,
                                   institution_name="SP 1", institution_type="school")  # fmt: skip
    sign_in(client, staff["coordinator"])
    response = client.post(reverse("contacts:mark-error", args=[contact.pk]), {"reason": "x"})
    assert response.status_code == 404


def test_marking_a_contact_behind_the_wall_is_not_found(
    client: Client, sign_in: SignIn, staff: dict[str, User], wf: WalledFamily
) -> None:
    contact = ContactRecordFactory(case=wf.case, person=wf.mother, recorded_by=staff["therapist"])
    sign_in(client, staff["therapist"])
    response = client.post(reverse("contacts:mark-error", args=[contact.pk]), {"reason": "x"})
    assert response.status_code == 404


def test_intake_may_not_open_the_log(
    client: Client, sign_in: SignIn, staff: dict[str, User], wf: WalledFamily
) -> None:
    sign_in(client, staff["intake"])
    assert client.get(_log(wf.case)).status_code == 403


def test_anonymous_are_sent_to_log_in(client: Client, wf: WalledFamily) -> None:
    assert client.get(_log(wf.case)).status_code == 302


# --- recording through the page ---------------------------------------------------------------


def test_posting_a_contact_records_it_and_goes_back_to_the_log(
    client: Client, sign_in: SignIn, staff: dict[str, User], wf: WalledFamily
) -> None:
    sign_in(client, staff["case_manager"])
    response = client.post(_log(wf.case), _post(wf))
    assert response.status_code == 302
    assert ContactRecord.objects.get().person == wf.mother


def test_a_blocked_call_shows_the_error_and_keeps_the_typed_data(
    client: Client, sign_in: SignIn, staff: dict[str, User], wf: WalledFamily
) -> None:
    SafeContactRuleFactory(person=wf.mother, no_calls_at_home=True)
    sign_in(client, staff["case_manager"])
    response = client.post(_log(wf.case), _post(wf, number="home", summary="Mój tekst"))
    html = response.content.decode()
    assert response.status_code == 200 and not ContactRecord.objects.exists()
    assert 'id="contact-blocked"' in html and "Mój tekst" in html
    assert [f.code for f in response.context["blocked"]] == ["no_calls_at_home"]


def test_a_warning_is_shown_with_a_confirmation_box_and_nothing_is_saved(
    client: Client, sign_in: SignIn, staff: dict[str, User], wf: WalledFamily
) -> None:
    SafeContactRuleFactory(person=wf.mother, channel="email")
    sign_in(client, staff["case_manager"])
    response = client.post(_log(wf.case), _post(wf, channel="sms", number=""))
    html = response.content.decode()
    assert not ContactRecord.objects.exists()
    assert 'name="confirm"' in html and 'value="other_channel"' in html


def test_confirming_the_warnings_saves_the_contact(
    client: Client, sign_in: SignIn, staff: dict[str, User], wf: WalledFamily
) -> None:
    SafeContactRuleFactory(person=wf.mother, channel="email")
    sign_in(client, staff["case_manager"])
    data = _post(wf, channel="sms", number="", confirm="on", warning_codes="other_channel")
    assert client.post(_log(wf.case), data).status_code == 302
    assert ContactRecord.objects.get().confirmed_warnings == ["other_channel"]


def test_the_clinical_lead_off_the_team_may_read_but_not_record(
    client: Client, sign_in: SignIn, staff: dict[str, User], walled_family: WalledFamily
) -> None:
    sign_in(client, staff["clinical_lead"])
    response = client.post(_log(walled_family.case), _post(walled_family))
    assert response.status_code == 403


def test_the_rules_panel_shows_the_code_word_to_the_case_manager(
    client: Client, sign_in: SignIn, staff: dict[str, User], wf: WalledFamily
) -> None:
    SafeContactRuleFactory(person=wf.father, no_calls_at_home=True, code_word="Kalina")
    sign_in(client, staff["case_manager"])
    assert "Kalina" in client.get(_log(wf.case)).content.decode()


def test_the_rules_panel_hides_the_code_word_from_a_therapist(
    client: Client, sign_in: SignIn, staff: dict[str, User], wf: WalledFamily
) -> None:
    SafeContactRuleFactory(person=wf.father, no_calls_at_home=True, code_word="Kalina")
    sign_in(client, staff["therapist"])
    response = client.get(_log(wf.case))
    assert "Kalina" not in response.content.decode()
    assert [row.person for row in response.context["rules_rows"]] == [wf.father]


def test_restrictions_are_marked_on_the_person_choice_before_submitting(
    client: Client, sign_in: SignIn, staff: dict[str, User], wf: WalledFamily
) -> None:
    SafeContactRuleFactory(person=wf.mother, no_calls_at_home=True)
    sign_in(client, staff["case_manager"])
    response = client.get(_log(wf.case))
    label = response.context["form"].fields["person"].label_from_instance(wf.mother)
    assert "⚠" in label
    assert response.context["number_hint"]


def test_marking_entered_in_error_through_the_page(
    client: Client, sign_in: SignIn, staff: dict[str, User], wf: WalledFamily
) -> None:
    contact = ContactRecordFactory(
        case=wf.case, person=wf.mother, recorded_by=staff["case_manager"]
    )
    sign_in(client, staff["case_manager"])
    client.post(reverse("contacts:mark-error", args=[contact.pk]), {"reason": "Pomyłka"})
    assert ContactRecord.objects.get(pk=contact.pk).is_entered_in_error


def test_reading_the_log_is_audited(
    client: Client, sign_in: SignIn, staff: dict[str, User], wf: WalledFamily
) -> None:
    ContactRecordFactory(case=wf.case, person=wf.mother)
    sign_in(client, staff["coordinator"])
    client.get(_log(wf.case))
    assert AuditEvent.objects.get(action="contacts.contacts_viewed").target_id == str(wf.case.pk)


# --- accessibility basics ---------------------------------------------------------------------


def test_the_form_groups_its_fields_in_fieldsets_with_legends(
    client: Client, sign_in: SignIn, staff: dict[str, User], wf: WalledFamily
) -> None:
    sign_in(client, staff["case_manager"])
    html = client.get(_log(wf.case)).content.decode()
    assert html.count("<fieldset") >= 5 and html.count("<legend") == html.count("<fieldset")


def test_every_visible_form_field_has_a_label(
    client: Client, sign_in: SignIn, staff: dict[str, User], wf: WalledFamily
) -> None:
    sign_in(client, staff["case_manager"])
    html = client.get(_log(wf.case)).content.decode()
    for name in ("occurred_at", "channel", "person", "institution_name", "summary"):
        assert f'for="id_{name}"' in html


def test_errors_are_announced_and_linked_to_their_field(
    client: Client, sign_in: SignIn, staff: dict[str, User], wf: WalledFamily
) -> None:
    sign_in(client, staff["case_manager"])
    html = client.post(_log(wf.case), _post(wf, summary="")).content.decode()
    assert 'role="alert"' in html
    assert 'aria-describedby="id_summary-errors"' in html and 'id="id_summary-errors"' in html


def test_the_script_carries_the_csp_nonce(
    client: Client, sign_in: SignIn, staff: dict[str, User], wf: WalledFamily
) -> None:
    sign_in(client, staff["case_manager"])
    response = client.get(_log(wf.case))
    nonce = response.wsgi_request.csp_nonce  # type: ignore[attr-defined]
    assert f'contact_form.js" nonce="{nonce}"' in response.content.decode()


# --- the case page's panel --------------------------------------------------------------------


def test_the_case_page_shows_the_latest_five_contacts(
    client: Client, sign_in: SignIn, staff: dict[str, User], wf: WalledFamily
) -> None:
    for _ in range(7):
        ContactRecordFactory(case=wf.case, person=wf.mother)
    sign_in(client, staff["case_manager"])
    html = client.get(reverse("cases:detail", args=[wf.case.pk])).content.decode()
    assert html.count("Rozmowa w centrum") == 0  # summaries stay in the log
    assert 'id="contacts-heading"' in html and html.count("contact-panel-item") == 5
    assert _log(wf.case) in html


def test_the_case_page_panel_respects_the_wall(
    client: Client, sign_in: SignIn, staff: dict[str, User], wf: WalledFamily
) -> None:
    ContactRecordFactory(case=wf.case, person=wf.mother)
    sign_in(client, staff["therapist"])
    html = client.get(reverse("cases:detail", args=[wf.case.pk])).content.decode()
    assert "contact-panel-item" not in html


def test_the_case_page_has_no_panel_for_intake(
    client: Client, sign_in: SignIn, staff: dict[str, User], wf: WalledFamily
) -> None:
    sign_in(client, staff["intake"])
    html = client.get(reverse("cases:detail", args=[wf.case.pk])).content.decode()
    assert 'id="contacts-heading"' not in html


# --- a constant number of queries -------------------------------------------------------------


def _grow(wf: WalledFamily, count: int) -> None:
    for n in range(count):
        contact = ContactRecordFactory(
            case=wf.case,
            person=None if n % 2 else wf.father,
            institution_name="SP 12" if n % 2 else "",
            institution_type="school" if n % 2 else "",
        )
        if n % 2:
            contact.about.set([wf.child])


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("role", ["case_manager", "therapist"])
def test_the_log_runs_the_same_number_of_queries_for_2_and_20_contacts(
    client: Client,
    sign_in: SignIn,
    staff: dict[str, User],
    wf: WalledFamily,
    django_assert_max_num_queries: Any,
    role: str,
) -> None:
    sign_in(client, staff[role])
    _grow(wf, 2)
    few = _queries(client, _log(wf.case))
    _grow(wf, 18)
    with django_assert_max_num_queries(few):
        client.get(_log(wf.case))


def test_the_case_page_runs_the_same_number_of_queries_for_1_and_12_contacts(
    client: Client,
    sign_in: SignIn,
    staff: dict[str, User],
    wf: WalledFamily,
    django_assert_max_num_queries: Any,
) -> None:
    sign_in(client, staff["case_manager"])
    _grow(wf, 1)
    few = _queries(client, reverse("cases:detail", args=[wf.case.pk]))
    _grow(wf, 11)
    with django_assert_max_num_queries(few):
        client.get(reverse("cases:detail", args=[wf.case.pk]))
