"""Recording contacts and marking them entered in error: permissions, the safe-contact rules,
closed cases, the wall, and the audit trail (never the summary or a name)."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from oneroof.accounts.models import User
from oneroof.audit.models import AuditEvent
from oneroof.cases.models import Case
from oneroof.cases.tests.factories import CaseFactory
from oneroof.contacts import services
from oneroof.contacts.models import ContactRecord
from oneroof.contacts.tests.factories import ContactRecordFactory, SafeContactRuleFactory
from oneroof.families.models import Person
from oneroof.families.tests.conftest import WalledFamily
from oneroof.families.tests.factories import FamilyMemberFactory

pytestmark = pytest.mark.django_db
SUMMARY = "Pani Anna potwierdziła termin; mieszka teraz u siostry."


def _record(actor: User, case: Case, person: Person | None = None, **kw: Any) -> ContactRecord:
    fields: dict[str, Any] = {
        "occurred_at": timezone.now() - timedelta(minutes=5),
        "channel": "phone",
        "direction": "out",
        "number": "mobile",
        "summary": SUMMARY,
        **kw,
    }
    if person is not None:
        fields["person"] = person
    return services.record_contact(actor=actor, case=case, **fields)


def _no_home_calls(person: Person) -> None:
    SafeContactRuleFactory(person=person, channel="mobile", no_calls_at_home=True)


def test_the_case_manager_records_a_call(wf: WalledFamily, actors: dict[str, User]) -> None:
    contact = _record(actors["case_manager"], wf.case, wf.mother)
    assert ContactRecord.objects.get().pk == contact.pk


def test_a_call_at_home_to_a_person_who_must_not_be_called_there_is_refused(
    wf: WalledFamily, actors: dict[str, User]
) -> None:
    _no_home_calls(wf.mother)
    with pytest.raises(services.ContactBlockedError) as refused:
        _record(actors["case_manager"], wf.case, wf.mother, number="home")
    assert [f.code for f in refused.value.findings] == ["no_calls_at_home"]
    assert not ContactRecord.objects.exists()


def test_a_blocked_contact_cannot_be_confirmed_away(
    wf: WalledFamily, actors: dict[str, User]
) -> None:
    _no_home_calls(wf.mother)
    with pytest.raises(services.ContactBlockedError):
        _record(
            actors["case_manager"],
            wf.case,
            wf.mother,
            number="home",
            confirmed_warnings={"no_calls_at_home", "other_channel"},
        )


def test_an_incoming_call_from_home_is_recorded(wf: WalledFamily, actors: dict[str, User]) -> None:
    _no_home_calls(wf.mother)
    _record(actors["case_manager"], wf.case, wf.mother, number="home", direction="in")
    assert ContactRecord.objects.count() == 1


def test_a_warning_needs_confirmation(wf: WalledFamily, actors: dict[str, User]) -> None:
    SafeContactRuleFactory(person=wf.mother, channel="email")
    with pytest.raises(services.ConfirmationRequiredError) as pending:
        _record(actors["case_manager"], wf.case, wf.mother, channel="sms", number="")
    assert [f.code for f in pending.value.findings] == ["other_channel"]
    assert not ContactRecord.objects.exists()


def test_a_confirmed_warning_is_saved_with_what_was_confirmed(
    wf: WalledFamily, actors: dict[str, User]
) -> None:
    SafeContactRuleFactory(person=wf.mother, channel="email")
    contact = _record(
        actors["case_manager"],
        wf.case,
        wf.mother,
        channel="sms",
        number="",
        confirmed_warnings={"other_channel"},
    )
    assert contact.confirmed_warnings == ["other_channel"]


def test_a_confirmation_of_other_warnings_does_not_count(
    wf: WalledFamily, actors: dict[str, User]
) -> None:
    SafeContactRuleFactory(person=wf.mother, channel="email")
    with pytest.raises(services.ConfirmationRequiredError):
        _record(
            actors["case_manager"],
            wf.case,
            wf.mother,
            channel="sms",
            number="",
            confirmed_warnings={"outside_hours"},
        )


def test_a_closed_case_is_refused(wf: WalledFamily, actors: dict[str, User]) -> None:
    Case.objects.filter(pk=wf.case.pk).update(status="closed")
    with pytest.raises(ValidationError) as refused:
        _record(actors["case_manager"], wf.case, wf.mother)
    assert refused.value.error_dict["__all__"][0].code == "closed"


@pytest.mark.parametrize("role", ["intake", "clinical_lead", "eu_officer", "dpo", "partner"])
def test_roles_without_a_part_in_the_case_may_not_record(
    wf: WalledFamily, actors: dict[str, User], role: str
) -> None:
    with pytest.raises(PermissionDenied):
        _record(actors[role], wf.case, wf.mother)


def test_the_coordinator_records_a_contact_with_an_institution(
    wf: WalledFamily, actors: dict[str, User]
) -> None:
    contact = _record(
        actors["coordinator"],
        wf.case,
        number="institution",
        institution_name="SP nr 12",
        institution_type="school",
        about=[wf.child],
    )
    assert [p.pk for p in contact.about.all()] == [wf.child.pk]


def test_a_person_of_another_family_is_refused_as_unknown(
    wf: WalledFamily, actors: dict[str, User]
) -> None:
    stranger = FamilyMemberFactory(family=CaseFactory(centre=wf.case.centre).family).person
    with pytest.raises(ValidationError) as refused:
        _record(actors["case_manager"], wf.case, stranger)
    assert refused.value.error_dict["person"][0].code == "person"


def test_the_fathers_therapist_may_not_record_a_contact_with_the_protected_mother(
    wf: WalledFamily, actors: dict[str, User]
) -> None:
    with pytest.raises(ValidationError) as refused:
        _record(actors["therapist"], wf.case, wf.mother)
    assert refused.value.error_dict["person"][0].code == "person"


def test_the_fathers_therapist_records_a_call_with_the_father(
    wf: WalledFamily, actors: dict[str, User]
) -> None:
    _record(actors["therapist"], wf.case, wf.father)
    assert ContactRecord.objects.get().person == wf.father


def test_a_contact_in_the_future_is_refused(wf: WalledFamily, actors: dict[str, User]) -> None:
    with pytest.raises(ValidationError) as refused:
        _record(
            actors["case_manager"],
            wf.case,
            wf.mother,
            occurred_at=timezone.now() + timedelta(days=1),
        )
    assert "occurred_at" in refused.value.error_dict


def test_an_incoming_home_visit_is_refused(wf: WalledFamily, actors: dict[str, User]) -> None:
    with pytest.raises(ValidationError) as refused:
        _record(
            actors["case_manager"],
            wf.case,
            wf.mother,
            channel="home_visit",
            direction="in",
            number="",
        )
    assert refused.value.error_dict["channel"][0].code == "visit"


def test_a_phone_call_needs_the_number_used(wf: WalledFamily, actors: dict[str, User]) -> None:
    with pytest.raises(ValidationError) as refused:
        _record(actors["case_manager"], wf.case, wf.mother, number="")
    assert "number" in refused.value.error_dict


def test_recording_is_audited_without_summary_or_names(
    wf: WalledFamily, actors: dict[str, User]
) -> None:
    _record(
        actors["coordinator"],
        wf.case,
        number="institution",
        institution_name="Komisariat Kraków-Nowa Huta",
        institution_type="police",
        about=[wf.mother],
    )
    event = AuditEvent.objects.get(action="contacts.contact_recorded")
    stored = json.dumps(event.changes, ensure_ascii=False) + event.target_label + event.reason
    assert event.target_id == str(wf.case.pk)
    assert SUMMARY not in stored and "Nowa Huta" not in stored
    assert wf.mother.first_name not in stored and wf.mother.last_name not in stored


# --- entered in error -------------------------------------------------------------------------


def _contact(wf: WalledFamily, author: User) -> ContactRecord:
    return ContactRecordFactory(case=wf.case, person=wf.mother, recorded_by=author)


def test_the_author_marks_a_contact_entered_in_error(
    wf: WalledFamily, actors: dict[str, User]
) -> None:
    contact = _contact(wf, actors["case_manager"])
    services.mark_entered_in_error(
        actor=actors["case_manager"], contact=contact, reason="Pomyłka w rodzinie."
    )
    stored = ContactRecord.objects.get(pk=contact.pk)
    assert stored.is_entered_in_error and stored.entered_in_error_by == actors["case_manager"]
    assert stored.summary == "Rozmowa w centrum."


def test_marking_twice_is_refused(wf: WalledFamily, actors: dict[str, User]) -> None:
    contact = _contact(wf, actors["case_manager"])
    services.mark_entered_in_error(actor=actors["case_manager"], contact=contact, reason="Błąd.")
    with pytest.raises(PermissionDenied):
        services.mark_entered_in_error(
            actor=actors["case_manager"], contact=contact, reason="Znowu."
        )


def test_a_team_member_may_not_mark_someone_elses_contact(
    wf: WalledFamily, actors: dict[str, User]
) -> None:
    contact = ContactRecordFactory(case=wf.case, person=wf.father)
    with pytest.raises(PermissionDenied):
        services.mark_entered_in_error(actor=actors["therapist"], contact=contact, reason="Błąd.")


def test_marking_needs_a_reason(wf: WalledFamily, actors: dict[str, User]) -> None:
    contact = _contact(wf, actors["case_manager"])
    with pytest.raises(ValidationError):
        services.mark_entered_in_error(actor=actors["case_manager"], contact=contact, reason=" ")


def test_marking_is_audited_without_the_reason(wf: WalledFamily, actors: dict[str, User]) -> None:
    contact = _contact(wf, actors["case_manager"])
    services.mark_entered_in_error(
        actor=actors["case_manager"], contact=contact, reason="Zła osoba w rekordzie."
    )
    event = AuditEvent.objects.get(action="contacts.contact_entered_in_error")
    assert "Zła osoba" not in json.dumps(event.changes, ensure_ascii=False)
    assert event.changes["contact"] == [contact.pk, contact.pk]
