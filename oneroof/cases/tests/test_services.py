from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from conftest import make_staff
from oneroof.accounts.models import User
from oneroof.audit.models import AuditEvent
from oneroof.cases import services
from oneroof.cases.models import Case, CaseEvent
from oneroof.cases.tests.factories import CaseFactory
from oneroof.families.access import families_visible_to
from oneroof.families.tests.conftest import acting
from oneroof.families.tests.factories import PersonFactory
from oneroof.organisation.models import Centre, Role

S = Case.Status
STALE = "Someone else changed this case meanwhile; reload and try again."

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english_messages():  # type: ignore[no-untyped-def]
    """Services here are called outside a request; their messages are read in English."""
    with translation.override("en"):
        yield


def at_status(case: Case, status: str) -> Case:
    Case.objects.filter(pk=case.pk).update(status=status)
    case.refresh_from_db()
    return case


def move(actor: User, case: Case, to_status: str) -> Case:
    return services.change_status(
        actor=actor, case=case, to_status=to_status, expected_version=case.version
    )


def close(actor: User, case: Case) -> Case:
    return services.close_case(
        actor=actor,
        case=case,
        reason=Case.ClosureReason.GOALS_ACHIEVED,
        summary="Cele planu osiągnięte.",
        expected_version=case.version,
    )


# --- transitions ------------------------------------------------------------------------------

ALLOWED = [
    (S.REFERRED, S.IN_DIAGNOSIS),
    (S.IN_DIAGNOSIS, S.WAITING),
    (S.WAITING, S.IN_SUPPORT),
    (S.IN_SUPPORT, S.IN_REVIEW),
    (S.IN_REVIEW, S.IN_SUPPORT),
]


@pytest.mark.parametrize(("from_status", "to_status"), ALLOWED)
def test_allowed_transition_writes_a_timeline_event(
    case: Case, actors: dict[str, User], from_status: str, to_status: str
) -> None:
    move(actors["case_manager"], at_status(case, from_status), to_status)
    event = CaseEvent.objects.get(case=case)
    assert (event.kind, event.from_status, event.to_status) == (
        CaseEvent.Kind.STATUS_CHANGED,
        from_status,
        to_status,
    )


@pytest.mark.parametrize(("from_status", "to_status"), ALLOWED)
def test_allowed_transition_writes_an_audit_event(
    case: Case, actors: dict[str, User], from_status: str, to_status: str
) -> None:
    move(actors["case_manager"], at_status(case, from_status), to_status)
    event = AuditEvent.objects.get(action="cases.status_changed")
    assert (event.target_id, event.target_label) == (str(case.pk), case.number)
    assert event.changes == {"status": [from_status, to_status]}


@pytest.mark.parametrize(
    ("from_status", "to_status"),
    [
        (S.REFERRED, S.IN_SUPPORT),
        (S.REFERRED, S.WAITING),
        (S.IN_DIAGNOSIS, S.REFERRED),
        (S.IN_REVIEW, S.WAITING),
        (S.IN_SUPPORT, S.IN_SUPPORT),
        (S.REFERRED, "nonsense"),
    ],
)
def test_invalid_transition_is_refused(
    case: Case, actors: dict[str, User], from_status: str, to_status: str
) -> None:
    with pytest.raises(ValidationError) as error:
        move(actors["case_manager"], at_status(case, from_status), to_status)
    assert error.value.message_dict["to_status"][0].startswith("A case cannot move from")
    assert not CaseEvent.objects.exists()


def test_closing_through_change_status_is_refused(case: Case, actors: dict[str, User]) -> None:
    with pytest.raises(ValidationError, match="Close the case with a reason"):
        move(actors["case_manager"], case, S.CLOSED)


def test_a_successful_change_raises_the_version(case: Case, actors: dict[str, User]) -> None:
    before = case.version
    move(actors["case_manager"], case, S.IN_DIAGNOSIS)
    assert Case.objects.get(pk=case.pk).version == before + 1


def test_second_of_two_concurrent_edits_is_refused_and_changes_nothing(
    case: Case, actors: dict[str, User]
) -> None:
    first, second = Case.objects.get(pk=case.pk), Case.objects.get(pk=case.pk)
    move(actors["case_manager"], first, S.IN_DIAGNOSIS)
    with pytest.raises(ValidationError) as error:
        services.close_case(
            actor=actors["coordinator"],
            case=second,
            reason=Case.ClosureReason.OTHER,
            summary="x",
            expected_version=second.version,
        )
    assert error.value.messages == [STALE]
    assert Case.objects.get(pk=case.pk).status == S.IN_DIAGNOSIS


def test_stale_status_change_writes_no_event(case: Case, actors: dict[str, User]) -> None:
    with pytest.raises(ValidationError, match="Someone else changed"):
        services.change_status(
            actor=actors["case_manager"],
            case=case,
            to_status=S.IN_DIAGNOSIS,
            expected_version=case.version - 1,
        )
    assert not CaseEvent.objects.exists()
    assert not AuditEvent.objects.filter(action="cases.status_changed").exists()


# --- who may do what --------------------------------------------------------------------------

STATUS_CHANGERS = {"case_manager", "coordinator", "clinical_lead"}


@pytest.mark.parametrize("role", [role.value for role in Role])
def test_who_may_change_the_status(case: Case, actors: dict[str, User], role: str) -> None:
    if role in STATUS_CHANGERS:
        assert move(actors[role], case, S.IN_DIAGNOSIS).status == S.IN_DIAGNOSIS
    else:
        with pytest.raises(PermissionDenied):
            move(actors[role], case, S.IN_DIAGNOSIS)


def test_a_case_manager_of_another_case_may_not_change_the_status(
    case: Case, actors: dict[str, User], centre: Centre
) -> None:
    other = acting(make_staff(Role.CASE_MANAGER, centre, "inny"))
    with pytest.raises(PermissionDenied):
        move(other, case, S.IN_DIAGNOSIS)


def test_the_coordinator_of_another_centre_may_not_change_the_status(
    case: Case, other_centre: Centre
) -> None:
    stranger = acting(make_staff(Role.COORDINATOR, other_centre))
    with pytest.raises(PermissionDenied):
        move(stranger, case, S.IN_DIAGNOSIS)


@pytest.mark.parametrize("role", [role.value for role in Role])
def test_only_the_coordinator_assigns_the_case_manager(
    case: Case, actors: dict[str, User], centre: Centre, role: str
) -> None:
    new = make_staff(Role.CASE_MANAGER, centre, "nowy")
    if role == "coordinator":
        assert services.assign_case_manager(actor=actors[role], case=case, case_manager=new)
    else:
        with pytest.raises(PermissionDenied):
            services.assign_case_manager(actor=actors[role], case=case, case_manager=new)


@pytest.mark.parametrize("role", [role.value for role in Role])
def test_who_may_add_a_team_member(case: Case, actors: dict[str, User], role: str) -> None:
    therapist = actors["therapist"]
    if role in {"coordinator", "case_manager"}:
        services.add_team_member(actor=actors[role], case=case, user=therapist)
        assert case.team.filter(user=therapist).exists()
    else:
        with pytest.raises(PermissionDenied):
            services.add_team_member(actor=actors[role], case=case, user=therapist)


@pytest.mark.parametrize("role", [role.value for role in Role])
def test_who_may_reopen(case: Case, actors: dict[str, User], role: str) -> None:
    close(actors["coordinator"], case)
    if role in {"coordinator", "clinical_lead"}:
        services.reopen_case(actor=actors[role], case=case, reason="Nowe zgłoszenie.")
        assert Case.objects.get(pk=case.pk).status != S.CLOSED
    else:
        with pytest.raises(PermissionDenied):
            services.reopen_case(actor=actors[role], case=case, reason="Nowe zgłoszenie.")


# --- case manager -----------------------------------------------------------------------------


def test_reassigning_the_case_manager_is_audited_with_old_and_new(
    case: Case, actors: dict[str, User], centre: Centre
) -> None:
    new = make_staff(Role.CASE_MANAGER, centre, "nowy")
    services.assign_case_manager(actor=actors["coordinator"], case=case, case_manager=new)
    event = AuditEvent.objects.get(action="cases.case_manager_assigned")
    assert event.changes == {"case_manager": [actors["case_manager"].username, "nowy"]}
    assert CaseEvent.objects.get(case=case).subject_user == new


def test_a_case_manager_from_another_centre_cannot_be_assigned(
    case: Case, actors: dict[str, User], other_centre: Centre
) -> None:
    stranger = make_staff(Role.CASE_MANAGER, other_centre)
    with pytest.raises(ValidationError, match="case manager of this centre"):
        services.assign_case_manager(actor=actors["coordinator"], case=case, case_manager=stranger)


def test_a_therapist_cannot_be_assigned_as_case_manager(
    case: Case, actors: dict[str, User]
) -> None:
    with pytest.raises(ValidationError, match="case manager of this centre"):
        services.assign_case_manager(
            actor=actors["coordinator"], case=case, case_manager=actors["therapist"]
        )


# --- team ---------------------------------------------------------------------------------------


def test_adding_a_team_member_writes_a_timeline_and_an_audit_event(
    case: Case, actors: dict[str, User]
) -> None:
    services.add_team_member(actor=actors["coordinator"], case=case, user=actors["therapist"])
    assert CaseEvent.objects.get(case=case).kind == CaseEvent.Kind.TEAM_MEMBER_ADDED
    assert AuditEvent.objects.filter(action="cases.team_member_added").count() == 1


def test_removing_a_team_member_writes_a_timeline_and_an_audit_event(
    case: Case, actors: dict[str, User]
) -> None:
    services.add_team_member(actor=actors["coordinator"], case=case, user=actors["therapist"])
    services.remove_team_member(actor=actors["coordinator"], case=case, user=actors["therapist"])
    assert CaseEvent.objects.filter(kind=CaseEvent.Kind.TEAM_MEMBER_REMOVED).count() == 1
    assert AuditEvent.objects.filter(action="cases.team_member_removed").count() == 1


def test_team_membership_grants_access_to_the_family(case: Case, actors: dict[str, User]) -> None:
    services.add_team_member(actor=actors["coordinator"], case=case, user=actors["therapist"])
    assert families_visible_to(actors["therapist"]).filter(pk=case.family_id).exists()


def test_removal_from_the_team_revokes_access_to_the_family(
    case: Case, actors: dict[str, User]
) -> None:
    services.add_team_member(actor=actors["coordinator"], case=case, user=actors["therapist"])
    services.remove_team_member(actor=actors["coordinator"], case=case, user=actors["therapist"])
    assert not families_visible_to(actors["therapist"]).filter(pk=case.family_id).exists()


def test_works_with_must_be_members_of_the_family(case: Case, actors: dict[str, User]) -> None:
    outsider = PersonFactory()
    with pytest.raises(ValidationError) as error:
        services.add_team_member(
            actor=actors["coordinator"], case=case, user=actors["therapist"], works_with=[outsider]
        )
    assert "works_with" in error.value.message_dict


def test_works_with_links_the_member_to_the_chosen_persons(
    case: Case, actors: dict[str, User]
) -> None:
    person = case.family.members.get().person
    member = services.add_team_member(
        actor=actors["coordinator"], case=case, user=actors["therapist"], works_with=[person]
    )
    assert list(member.works_with.all()) == [person]


def test_staff_of_another_centre_cannot_join_the_team(
    case: Case, actors: dict[str, User], other_centre: Centre
) -> None:
    stranger = make_staff(Role.THERAPIST, other_centre)
    with pytest.raises(ValidationError, match="this centre's staff"):
        services.add_team_member(actor=actors["coordinator"], case=case, user=stranger)


def test_a_member_cannot_be_added_twice(case: Case, actors: dict[str, User]) -> None:
    services.add_team_member(actor=actors["coordinator"], case=case, user=actors["therapist"])
    with pytest.raises(ValidationError, match="Already on the case team"):
        services.add_team_member(actor=actors["coordinator"], case=case, user=actors["therapist"])


# --- closing and reopening ---------------------------------------------------------------------


def test_closing_writes_a_timeline_and_an_audit_event(case: Case, actors: dict[str, User]) -> None:
    close(actors["case_manager"], case)
    assert CaseEvent.objects.get(case=case).kind == CaseEvent.Kind.CLOSED
    assert AuditEvent.objects.get(action="cases.closed").changes == {
        "status": [S.REFERRED, S.CLOSED],
        "closure_reason": [None, Case.ClosureReason.GOALS_ACHIEVED],
    }


def test_closing_stores_reason_summary_and_time(case: Case, actors: dict[str, User]) -> None:
    closed = close(actors["case_manager"], case)
    assert closed.closure_reason == Case.ClosureReason.GOALS_ACHIEVED
    assert closed.closure_summary == "Cele planu osiągnięte."
    assert closed.closed_at is not None


def test_closing_needs_a_summary(case: Case, actors: dict[str, User]) -> None:
    with pytest.raises(ValidationError) as error:
        services.close_case(
            actor=actors["case_manager"],
            case=case,
            reason=Case.ClosureReason.OTHER,
            summary="  ",
            expected_version=case.version,
        )
    assert "summary" in error.value.message_dict


@pytest.mark.parametrize(
    "act",
    [
        lambda a, c: move(a["coordinator"], c, S.IN_DIAGNOSIS),
        lambda a, c: close(a["coordinator"], c),
        lambda a, c: services.assign_case_manager(
            actor=a["coordinator"], case=c, case_manager=a["coordinator"]
        ),
        lambda a, c: services.add_team_member(actor=a["coordinator"], case=c, user=a["therapist"]),
        lambda a, c: services.remove_team_member(
            actor=a["coordinator"], case=c, user=a["therapist"]
        ),
    ],
    ids=["status", "close", "assign", "team-add", "team-remove"],
)
def test_a_closed_case_is_read_only(case: Case, actors: dict[str, User], act: object) -> None:
    close(actors["coordinator"], case)
    case.refresh_from_db()
    with pytest.raises(ValidationError, match="closed"):
        act(actors, case)  # type: ignore[operator]


def test_reopening_returns_the_case_to_the_status_it_was_closed_from(
    case: Case, actors: dict[str, User]
) -> None:
    case = move(actors["coordinator"], case, S.IN_DIAGNOSIS)
    close(actors["coordinator"], case)
    reopened = services.reopen_case(actor=actors["coordinator"], case=case, reason="Powrót.")
    assert (reopened.status, reopened.closed_at, reopened.closure_summary) == (
        S.IN_DIAGNOSIS,
        None,
        "",
    )


def test_reopening_writes_a_timeline_and_an_audit_event(
    case: Case, actors: dict[str, User]
) -> None:
    close(actors["coordinator"], case)
    services.reopen_case(actor=actors["coordinator"], case=case, reason="Powrót.")
    assert CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.REOPENED).count() == 1
    assert AuditEvent.objects.get(action="cases.reopened").reason == "Powrót."


def test_reopening_is_refused_while_the_family_has_another_open_case(
    case: Case, actors: dict[str, User], centre: Centre
) -> None:
    close(actors["coordinator"], case)
    CaseFactory(family=case.family, centre=centre)
    with pytest.raises(ValidationError, match="another open case"):
        services.reopen_case(actor=actors["coordinator"], case=case, reason="Powrót.")


def test_an_open_case_cannot_be_reopened(case: Case, actors: dict[str, User]) -> None:
    with pytest.raises(ValidationError, match="Only a closed case"):
        services.reopen_case(actor=actors["coordinator"], case=case, reason="Powrót.")


def test_reopening_needs_a_reason(case: Case, actors: dict[str, User]) -> None:
    close(actors["coordinator"], case)
    with pytest.raises(ValidationError, match="Say why"):
        services.reopen_case(actor=actors["coordinator"], case=case, reason=" ")
