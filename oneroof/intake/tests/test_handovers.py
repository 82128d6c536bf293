"""Handing a case over to another centre: who may ask and decide, what acceptance changes.

``centre`` (Krakowiaków) owns the case, ``other_centre`` (Wodna) receives it, and a third
centre (CPD) stands for everyone else.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import make_staff
from oneroof.accounts.models import User
from oneroof.audit.models import AuditEvent
from oneroof.cases.models import Case
from oneroof.cases.tests.factories import CaseFactory
from oneroof.families.access import cases_visible_to, families_visible_to
from oneroof.families.tests.conftest import acting
from oneroof.families.tests.factories import FamilyFactory, FamilyMemberFactory, PersonFactory
from oneroof.intake.handovers import (
    decide_handover,
    handovers_for,
    request_handover,
)
from oneroof.intake.models import CentreHandover
from oneroof.intake.tests.factories import CentreHandoverFactory
from oneroof.organisation.models import Centre, Role
from oneroof.organisation.tests.factories import CentreFactory

SignIn = Callable[[Client, User], Client]
REFERRAL, TRANSFER = CentreHandover.Kind.REFERRAL, CentreHandover.Kind.TRANSFER
PENDING = CentreHandover.Status.PENDING
REASON = "Rodzina potrzebuje terapii par."


# --- the people and the case ------------------------------------------------------------------


@pytest.fixture
def third_centre(db: None) -> Centre:
    return CentreFactory(code="cpd", address="ul. Wadowicka 8W, Kraków")


@pytest.fixture
def coordinator(centre: Centre) -> User:
    """The coordinator of the owning centre."""
    return acting(make_staff(Role.COORDINATOR, centre))


@pytest.fixture
def case_manager(centre: Centre) -> User:
    return acting(make_staff(Role.CASE_MANAGER, centre))


@pytest.fixture
def receiver(other_centre: Centre) -> User:
    """The coordinator of the receiving centre."""
    return acting(make_staff(Role.COORDINATOR, other_centre))


@pytest.fixture
def case(centre: Centre, case_manager: User) -> Case:
    family = FamilyFactory(registered_at=centre, display_name="Rodzina K.")
    for first, last in (("Anna", "Kowalska"), ("Jan", "Kowalski")):
        FamilyMemberFactory(family=family, person=PersonFactory(first_name=first, last_name=last))
    return CaseFactory(family=family, centre=centre, case_manager=case_manager)


@pytest.fixture
def referral(case: Case, other_centre: Centre, coordinator: User) -> CentreHandover:
    return request_handover(
        actor=coordinator, case=case, to_centre=other_centre, kind=REFERRAL, reason=REASON
    )


@pytest.fixture
def transfer(case: Case, other_centre: Centre, coordinator: User) -> CentreHandover:
    return request_handover(
        actor=coordinator, case=case, to_centre=other_centre, kind=TRANSFER, reason=REASON
    )


def _request(actor: User, case: Case, to_centre: Centre, **overrides: str) -> CentreHandover:
    kwargs = {"kind": REFERRAL, "reason": REASON, **overrides}
    return request_handover(actor=actor, case=case, to_centre=to_centre, **kwargs)


def _error_keys(raised: pytest.ExceptionInfo[ValidationError]) -> set[str]:
    return set(raised.value.message_dict)


def _error_codes(raised: pytest.ExceptionInfo[ValidationError]) -> set[str | None]:
    """The codes, not the messages: these are translated (Polish is the default language)."""
    return {error.code for errors in raised.value.error_dict.values() for error in errors}


# --- who may ask --------------------------------------------------------------------------------


def test_the_owning_centres_coordinator_can_refer_a_case(
    case: Case, other_centre: Centre, coordinator: User
) -> None:
    handover = _request(coordinator, case, other_centre)
    assert (handover.status, handover.from_centre_id) == (PENDING, case.centre_id)


def test_the_cases_own_case_manager_can_request_a_handover(
    case: Case, other_centre: Centre, case_manager: User
) -> None:
    assert _request(case_manager, case, other_centre).requested_by == case_manager


def test_a_case_manager_of_other_cases_cannot_request_a_handover(
    case: Case, centre: Centre, other_centre: Centre
) -> None:
    colleague = acting(make_staff(Role.CASE_MANAGER, centre, "kolega"))
    with pytest.raises(PermissionDenied):
        _request(colleague, case, other_centre)


@pytest.mark.parametrize("role", [Role.INTAKE, Role.THERAPIST, Role.CLINICAL_LEAD, Role.DPO])
def test_other_roles_of_the_owning_centre_cannot_request_a_handover(
    case: Case, centre: Centre, other_centre: Centre, role: Role
) -> None:
    with pytest.raises(PermissionDenied):
        _request(acting(make_staff(role, centre)), case, other_centre)


def test_a_coordinator_of_a_centre_the_case_is_shared_with_cannot_request_a_handover(
    case: Case, other_centre: Centre, third_centre: Centre, receiver: User
) -> None:
    case.shared_with.add(other_centre)
    with pytest.raises(PermissionDenied):
        _request(receiver, case, third_centre)


# --- what may be asked ---------------------------------------------------------------------------


def test_a_case_cannot_be_handed_over_to_its_own_centre(
    case: Case, centre: Centre, coordinator: User
) -> None:
    with pytest.raises(ValidationError) as raised:
        _request(coordinator, case, centre)
    assert _error_keys(raised) == {"to_centre"}


def test_a_closed_case_cannot_be_handed_over(
    case: Case, other_centre: Centre, coordinator: User
) -> None:
    Case.objects.filter(pk=case.pk).update(status=Case.Status.CLOSED)
    with pytest.raises(ValidationError) as raised:
        _request(coordinator, case, other_centre)
    assert _error_keys(raised) == {NON_FIELD_ERRORS}


def test_a_handover_needs_a_reason(case: Case, other_centre: Centre, coordinator: User) -> None:
    with pytest.raises(ValidationError) as raised:
        _request(coordinator, case, other_centre, reason="   ")
    assert _error_keys(raised) == {"reason"}


def test_a_second_pending_handover_to_the_same_centre_is_refused(
    referral: CentreHandover, case: Case, other_centre: Centre, coordinator: User
) -> None:
    with pytest.raises(ValidationError) as raised:
        _request(coordinator, case, other_centre, kind=TRANSFER)
    assert _error_codes(raised) == {"pending"}


def test_a_declined_handover_can_be_asked_for_again(
    referral: CentreHandover, case: Case, other_centre: Centre, coordinator: User, receiver: User
) -> None:
    decide_handover(actor=receiver, handover=referral, accept=False, reason="Brak miejsc.")
    assert _request(coordinator, case, other_centre).status == PENDING


def test_a_transfer_to_a_centre_where_the_family_has_an_open_case_is_refused(
    case: Case, other_centre: Centre, coordinator: User
) -> None:
    CaseFactory(family=case.family, centre=other_centre)
    with pytest.raises(ValidationError) as raised:
        _request(coordinator, case, other_centre, kind=TRANSFER)
    assert _error_keys(raised) == {"to_centre"}


def test_a_request_alone_gives_the_receiving_centre_no_access(
    referral: CentreHandover, case: Case, receiver: User
) -> None:
    assert not families_visible_to(receiver).filter(pk=case.family_id).exists()


# --- who may decide -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "where"),
    [
        (Role.COORDINATOR, "sending"),
        (Role.CASE_MANAGER, "receiving"),
        (Role.CLINICAL_LEAD, "receiving"),
        (Role.COORDINATOR, "third"),
    ],
)
def test_only_the_receiving_centres_coordinator_may_decide(
    referral: CentreHandover,
    centre: Centre,
    other_centre: Centre,
    third_centre: Centre,
    role: Role,
    where: str,
) -> None:
    at = {"sending": centre, "receiving": other_centre, "third": third_centre}[where]
    someone = acting(make_staff(role, at, f"{role}-{where}"))
    with pytest.raises(PermissionDenied):
        decide_handover(actor=someone, handover=referral, accept=True, reason="")


# --- referral -------------------------------------------------------------------------------------


def test_an_accepted_referral_lets_the_receiving_coordinator_see_the_family(
    referral: CentreHandover, case: Case, receiver: User
) -> None:
    decide_handover(actor=receiver, handover=referral, accept=True, reason="")
    assert families_visible_to(receiver).filter(pk=case.family_id).exists()


def test_an_accepted_referral_leaves_the_owner_unchanged(
    referral: CentreHandover, case: Case, centre: Centre, other_centre: Centre, receiver: User
) -> None:
    decide_handover(actor=receiver, handover=referral, accept=True, reason="")
    case.refresh_from_db()
    assert case.centre == centre
    assert list(case.shared_with.all()) == [other_centre]


def test_a_declined_referral_gives_no_access(
    referral: CentreHandover, case: Case, receiver: User
) -> None:
    decide_handover(actor=receiver, handover=referral, accept=False, reason="Brak miejsc.")
    assert not cases_visible_to(receiver).filter(pk=case.pk).exists()


def test_declining_needs_a_reason(referral: CentreHandover, receiver: User) -> None:
    with pytest.raises(ValidationError) as raised:
        decide_handover(actor=receiver, handover=referral, accept=False, reason=" ")
    assert _error_keys(raised) == {"reason"}


def test_a_decided_handover_cannot_be_decided_again(
    referral: CentreHandover, receiver: User
) -> None:
    decide_handover(actor=receiver, handover=referral, accept=True, reason="")
    with pytest.raises(ValidationError) as raised:
        decide_handover(actor=receiver, handover=referral, accept=False, reason="Jednak nie.")
    assert _error_codes(raised) == {"decided"}


def test_a_second_coordinator_holding_the_pending_handover_cannot_decide_it_again(
    referral: CentreHandover, other_centre: Centre, receiver: User
) -> None:
    seen_by_second = CentreHandover.objects.get(pk=referral.pk)
    decide_handover(actor=receiver, handover=referral, accept=False, reason="Brak miejsc.")
    second = acting(make_staff(Role.COORDINATOR, other_centre, "druga-koordynatorka"))
    with pytest.raises(ValidationError):
        decide_handover(actor=second, handover=seen_by_second, accept=True, reason="")


def test_a_closed_case_can_no_longer_be_accepted(
    referral: CentreHandover, case: Case, receiver: User
) -> None:
    Case.objects.filter(pk=case.pk).update(status=Case.Status.CLOSED)
    with pytest.raises(ValidationError):
        decide_handover(actor=receiver, handover=referral, accept=True, reason="")


# --- transfer -------------------------------------------------------------------------------------


def test_an_accepted_transfer_makes_the_receiving_centre_the_owner(
    transfer: CentreHandover, case: Case, other_centre: Centre, receiver: User
) -> None:
    decide_handover(actor=receiver, handover=transfer, accept=True, reason="")
    case.refresh_from_db()
    assert case.centre == other_centre


def test_after_a_transfer_the_sending_coordinator_no_longer_sees_the_family(
    transfer: CentreHandover, case: Case, coordinator: User, receiver: User
) -> None:
    decide_handover(actor=receiver, handover=transfer, accept=True, reason="")
    assert not families_visible_to(coordinator).filter(pk=case.family_id).exists()


def test_after_a_transfer_the_sending_case_manager_no_longer_sees_the_family(
    transfer: CentreHandover, case: Case, case_manager: User, receiver: User
) -> None:
    decide_handover(actor=receiver, handover=transfer, accept=True, reason="")
    assert not families_visible_to(case_manager).filter(pk=case.family_id).exists()


def test_a_transfer_to_a_centre_the_case_was_shared_with_drops_the_share(
    case: Case, other_centre: Centre, coordinator: User, receiver: User
) -> None:
    case.shared_with.add(other_centre)
    transfer = _request(coordinator, case, other_centre, kind=TRANSFER)
    decide_handover(actor=receiver, handover=transfer, accept=True, reason="")
    assert not case.shared_with.exists()


def test_a_transfer_is_refused_when_the_family_opened_a_case_at_the_receiver_meanwhile(
    transfer: CentreHandover, case: Case, other_centre: Centre, receiver: User
) -> None:
    CaseFactory(family=case.family, centre=other_centre)
    with pytest.raises(ValidationError) as raised:
        decide_handover(actor=receiver, handover=transfer, accept=True, reason="")
    assert _error_codes(raised) == {"open_case_at_centre"}


def test_a_refused_transfer_leaves_the_handover_pending(
    transfer: CentreHandover, case: Case, other_centre: Centre, receiver: User
) -> None:
    CaseFactory(family=case.family, centre=other_centre)
    with pytest.raises(ValidationError):
        decide_handover(actor=receiver, handover=transfer, accept=True, reason="")
    transfer.refresh_from_db()
    assert transfer.status == PENDING


# --- audit ----------------------------------------------------------------------------------------


def test_a_request_is_audited_under_the_case_number(referral: CentreHandover, case: Case) -> None:
    event = AuditEvent.objects.get(action="intake.handover_requested")
    assert (event.target_id, event.target_label) == (str(referral.pk), case.number)


def test_an_acceptance_is_audited_with_its_reason(
    referral: CentreHandover, case: Case, receiver: User
) -> None:
    decide_handover(actor=receiver, handover=referral, accept=True, reason="Mamy miejsce.")
    event = AuditEvent.objects.get(action="intake.handover_accepted")
    assert (event.target_label, event.reason) == (case.number, "Mamy miejsce.")


def test_a_declined_handover_is_audited_with_its_reason(
    referral: CentreHandover, case: Case, receiver: User
) -> None:
    decide_handover(actor=receiver, handover=referral, accept=False, reason="Brak miejsc.")
    event = AuditEvent.objects.get(action="intake.handover_declined")
    assert (event.target_label, event.reason) == (case.number, "Brak miejsc.")


def test_a_transfer_is_audited_with_the_change_of_owner(
    transfer: CentreHandover, centre: Centre, other_centre: Centre, receiver: User
) -> None:
    decide_handover(actor=receiver, handover=transfer, accept=True, reason="")
    event = AuditEvent.objects.get(action="intake.handover_accepted")
    assert event.changes["case_centre"] == [centre.pk, other_centre.pk]


def test_handover_audit_events_name_no_person(
    transfer: CentreHandover, case: Case, receiver: User
) -> None:
    decide_handover(actor=receiver, handover=transfer, accept=True, reason="")
    events = AuditEvent.objects.filter(action__startswith="intake.handover_")
    written = " ".join(f"{e.target_label} {e.changes} {e.reason}" for e in events)
    names = [case.family.display_name]
    names += [n for p in case.family.persons.all() for n in (p.first_name, p.last_name)]
    assert events.count() == 2
    assert [name for name in names if name in written] == []


# --- the list of handovers ------------------------------------------------------------------------


def test_the_receiving_coordinator_lists_the_pending_handover(
    referral: CentreHandover, receiver: User
) -> None:
    assert list(handovers_for(receiver)) == [referral]


def test_a_decided_incoming_handover_leaves_the_receivers_list(
    referral: CentreHandover, receiver: User
) -> None:
    decide_handover(actor=receiver, handover=referral, accept=False, reason="Brak miejsc.")
    assert not handovers_for(receiver).exists()


def test_the_sending_coordinator_lists_the_handover_with_its_outcome(
    referral: CentreHandover, coordinator: User, receiver: User
) -> None:
    decide_handover(actor=receiver, handover=referral, accept=False, reason="Brak miejsc.")
    assert [h.status for h in handovers_for(coordinator)] == [CentreHandover.Status.DECLINED]


def test_a_case_manager_lists_only_handovers_of_their_own_cases(
    referral: CentreHandover, centre: Centre, case_manager: User
) -> None:
    CentreHandoverFactory(case=CaseFactory(centre=centre))
    assert list(handovers_for(case_manager)) == [referral]


def test_a_third_centre_lists_none_of_the_handovers(
    referral: CentreHandover, third_centre: Centre
) -> None:
    outsider = acting(make_staff(Role.COORDINATOR, third_centre))
    assert not handovers_for(outsider).exists()


def test_listing_handovers_takes_one_query_however_many_there_are(
    centre: Centre, coordinator: User
) -> None:
    for _ in range(3):
        CentreHandoverFactory(case=CaseFactory(centre=centre))
    with CaptureQueriesContext(connection) as queries:
        rows = list(handovers_for(coordinator))
        labels = [(h.case.number, str(h.to_centre), str(h.requested_by)) for h in rows]
    assert (len(labels), len(queries)) == (3, 1)


# --- the pages ------------------------------------------------------------------------------------


def test_the_handover_list_shows_an_incoming_case_to_the_receiver(
    client: Client, sign_in: SignIn, referral: CentreHandover, case: Case, receiver: User
) -> None:
    sign_in(client, receiver)
    response = client.get(reverse("intake:handover-list"))
    assert case.number in response.content.decode()


def test_the_handover_list_sends_the_anonymous_to_log_in(client: Client, db: None) -> None:
    response = client.get(reverse("intake:handover-list"))
    assert response.status_code == 302
    assert reverse("two_factor:login") in response["Location"]


def test_the_handover_list_is_refused_to_a_therapist(
    client: Client, sign_in: SignIn, centre: Centre
) -> None:
    sign_in(client, make_staff(Role.THERAPIST, centre))
    assert client.get(reverse("intake:handover-list")).status_code == 403


def test_the_request_page_shows_the_form(
    client: Client, sign_in: SignIn, case: Case, coordinator: User
) -> None:
    sign_in(client, coordinator)
    response = client.get(reverse("intake:handover-request", args=[case.pk]))
    assert response.status_code == 200
    assert "to_centre" in response.context["form"].fields


def test_posting_the_request_form_sends_the_handover(
    client: Client, sign_in: SignIn, case: Case, other_centre: Centre, coordinator: User
) -> None:
    sign_in(client, coordinator)
    response = client.post(
        reverse("intake:handover-request", args=[case.pk]),
        {"kind": TRANSFER, "to_centre": other_centre.pk, "reason": REASON},
    )
    assert response.status_code == 302
    assert CentreHandover.objects.get().kind == TRANSFER


def test_the_request_form_shows_the_services_refusal(
    client: Client, sign_in: SignIn, case: Case, other_centre: Centre, coordinator: User
) -> None:
    CaseFactory(family=case.family, centre=other_centre)
    sign_in(client, coordinator)
    response = client.post(
        reverse("intake:handover-request", args=[case.pk]),
        {"kind": TRANSFER, "to_centre": other_centre.pk, "reason": REASON},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["to_centre"]


def test_the_request_page_sends_the_anonymous_to_log_in(client: Client, case: Case) -> None:
    response = client.get(reverse("intake:handover-request", args=[case.pk]))
    assert response.status_code == 302


def test_the_request_page_of_another_centres_case_is_not_found(
    client: Client, sign_in: SignIn, case: Case, receiver: User
) -> None:
    sign_in(client, receiver)
    assert client.get(reverse("intake:handover-request", args=[case.pk])).status_code == 404


def test_accepting_on_the_decision_page_shares_the_case(
    client: Client, sign_in: SignIn, referral: CentreHandover, case: Case, receiver: User
) -> None:
    sign_in(client, receiver)
    response = client.post(
        reverse("intake:handover-decide", args=[referral.pk]), {"decision": "accept"}
    )
    assert response.status_code == 302
    assert case.shared_with.filter(pk=receiver.active_membership.centre_id).exists()


def test_declining_without_a_reason_on_the_decision_page_shows_the_error(
    client: Client, sign_in: SignIn, referral: CentreHandover, receiver: User
) -> None:
    sign_in(client, receiver)
    response = client.post(
        reverse("intake:handover-decide", args=[referral.pk]), {"decision": "decline"}
    )
    assert response.context["form"].errors["reason"]
    referral.refresh_from_db()
    assert referral.status == PENDING


def test_deciding_an_already_decided_handover_on_the_page_says_so(
    client: Client, sign_in: SignIn, referral: CentreHandover, receiver: User
) -> None:
    decide_handover(actor=receiver, handover=referral, accept=True, reason="")
    sign_in(client, receiver)
    response = client.post(
        reverse("intake:handover-decide", args=[referral.pk]), {"decision": "decline"}
    )
    assert response.context["form"].non_field_errors()
    referral.refresh_from_db()
    assert referral.status == CentreHandover.Status.ACCEPTED


def test_the_decision_page_sends_the_anonymous_to_log_in(
    client: Client, referral: CentreHandover
) -> None:
    response = client.get(reverse("intake:handover-decide", args=[referral.pk]))
    assert response.status_code == 302


def test_the_decision_page_of_a_handover_between_other_centres_is_not_found(
    client: Client, sign_in: SignIn, referral: CentreHandover, third_centre: Centre
) -> None:
    sign_in(client, make_staff(Role.COORDINATOR, third_centre))
    response = client.get(reverse("intake:handover-decide", args=[referral.pk]))
    assert response.status_code == 404


def test_the_decision_page_is_refused_to_the_sending_coordinator(
    client: Client, sign_in: SignIn, referral: CentreHandover, coordinator: User
) -> None:
    sign_in(client, coordinator)
    response = client.get(reverse("intake:handover-decide", args=[referral.pk]))
    assert response.status_code == 403


def test_the_family_page_offers_the_handover_to_the_coordinator(
    client: Client, sign_in: SignIn, case: Case, coordinator: User
) -> None:
    sign_in(client, coordinator)
    response = client.get(reverse("families:detail", args=[case.family_id]))
    assert reverse("intake:handover-request", args=[case.pk]) in response.content.decode()


def test_the_family_page_does_not_offer_the_handover_to_a_clinical_lead(
    client: Client, sign_in: SignIn, case: Case, centre: Centre
) -> None:
    sign_in(client, make_staff(Role.CLINICAL_LEAD, centre))
    response = client.get(reverse("families:detail", args=[case.family_id]))
    assert reverse("intake:handover-request", args=[case.pk]) not in response.content.decode()


def test_the_navigation_offers_handovers_to_a_case_manager(
    client: Client, sign_in: SignIn, case_manager: User
) -> None:
    sign_in(client, case_manager)
    response = client.get(reverse("dashboard:home"))
    assert reverse("intake:handover-list") in response.content.decode()


def test_the_navigation_does_not_offer_handovers_to_a_therapist(
    client: Client, sign_in: SignIn, centre: Centre
) -> None:
    sign_in(client, make_staff(Role.THERAPIST, centre))
    response = client.get(reverse("dashboard:home"))
    assert reverse("intake:handover-list") not in response.content.decode()
