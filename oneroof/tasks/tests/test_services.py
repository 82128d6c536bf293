"""Rule tasks following their case, and the tasks added by hand."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from conftest import make_staff
from oneroof.accounts.models import User
from oneroof.audit.models import AuditEvent
from oneroof.cases import plans
from oneroof.cases import services as cases
from oneroof.cases.models import Case, SupportPlan
from oneroof.cases.tests.factories import CaseTeamMemberFactory
from oneroof.families.tests.conftest import acting
from oneroof.organisation.models import Centre, Role
from oneroof.tasks import services
from oneroof.tasks.models import Task
from oneroof.tasks.queries import tasks_visible_to
from oneroof.tasks.tests.factories import TaskFactory

pytestmark = pytest.mark.django_db
DUE = date(2026, 12, 1)


def _rule(case: Case, key: str) -> Task:
    return Task.objects.get(case=case, rule_key=key)


def _move(case: Case, actor: User, *statuses: str) -> Case:
    for status in statuses:
        case.refresh_from_db()
        case = cases.change_status(
            actor=actor, case=case, to_status=status, expected_version=case.version
        )
    return case


def _approved_plan(case: Case, actors: dict[str, User]) -> SupportPlan:
    manager = actors["case_manager"]
    plan = plans.create_plan(actor=manager, case=case)
    stage = plans.add_stage(actor=manager, plan=plan, name="Stabilizacja")
    plans.add_goal(
        actor=manager,
        stage=stage,
        description="Bez przemocy",
        target_date=date(2030, 6, 30),
        responsible=manager,
    )
    plans.submit_plan(actor=manager, plan=plan)
    return plans.approve_plan(actor=actors["clinical_lead"], plan=plan, comment="Dobrze.")


# --- rule tasks -------------------------------------------------------------------------------


def test_a_new_case_gets_its_diagnosis_task(case: Case) -> None:
    task = _rule(case, "diagnosis")
    assert (task.kind, task.due_on, task.owner_id) == (
        "diagnosis_due",
        case.first_contact_on + timedelta(days=14),
        case.case_manager_id,
    )


def test_syncing_again_changes_nothing_and_audits_nothing(case: Case) -> None:
    events = AuditEvent.objects.count()
    assert services.sync_rule_tasks(case=case) is False
    assert (Task.objects.filter(case=case).count(), AuditEvent.objects.count()) == (1, events)


def test_a_change_is_audited_by_the_system(case: Case) -> None:
    Task.objects.filter(case=case).delete()
    services.sync_rule_tasks(case=case)
    event = AuditEvent.objects.filter(action="tasks.rule_tasks_synced").last()
    assert event is not None
    assert (event.actor_id, event.centre_ref, event.changes) == (
        None,
        case.centre_id,
        {"diagnosis": [None, "open"]},
    )


def test_the_diagnosis_task_is_done_when_the_case_moves_on(
    case: Case, actors: dict[str, User]
) -> None:
    _move(case, actors["coordinator"], "in_diagnosis", "waiting")
    task = _rule(case, "diagnosis")
    assert (task.status, task.completed_by_id) == ("done", None)


def test_entering_support_starts_the_course_end_timer(case: Case, actors: dict[str, User]) -> None:
    _move(case, actors["coordinator"], "in_diagnosis", "waiting", "in_support")
    assert _rule(case, "course_end").due_on == timezone.localdate() + timedelta(days=182)


def test_closing_the_case_cancels_its_open_tasks(case: Case, actors: dict[str, User]) -> None:
    manual = TaskFactory(case=case)
    cases.close_case(
        actor=actors["coordinator"],
        case=case,
        reason="other",
        summary="Koniec.",
        expected_version=case.version,
    )
    manual.refresh_from_db()
    assert (_rule(case, "diagnosis").status, manual.status) == ("cancelled", "cancelled")


def test_reopening_the_case_reopens_the_rule_task_the_system_closed(
    case: Case, actors: dict[str, User]
) -> None:
    case = cases.close_case(
        actor=actors["coordinator"],
        case=case,
        reason="other",
        summary="Koniec.",
        expected_version=case.version,
    )
    cases.reopen_case(actor=actors["coordinator"], case=case, reason="Wrócili.")
    assert _rule(case, "diagnosis").status == "open"


def test_a_task_a_person_completed_stays_done(case: Case, actors: dict[str, User]) -> None:
    services.complete_task(actor=actors["case_manager"], task=_rule(case, "diagnosis"))
    services.sync_rule_tasks(case=case)
    assert _rule(case, "diagnosis").status == "done"


def test_open_rule_tasks_follow_a_new_case_manager(
    case: Case, actors: dict[str, User], centre: Centre
) -> None:
    newcomer = make_staff(Role.CASE_MANAGER, centre, "nowa")
    cases.assign_case_manager(actor=actors["coordinator"], case=case, case_manager=newcomer)
    assert _rule(case, "diagnosis").owner_id == newcomer.pk


def test_an_approved_plan_is_reviewed_six_weeks_later(case: Case, actors: dict[str, User]) -> None:
    _approved_plan(case, actors)
    assert _rule(case, "plan_review:rev1").due_on == timezone.localdate() + timedelta(weeks=6)


def test_editing_an_approved_plan_keeps_its_review_until_the_next_approval(
    case: Case, actors: dict[str, User]
) -> None:
    plan = _approved_plan(case, actors)
    plans.add_stage(actor=actors["case_manager"], plan=plan, name="Utrwalenie")
    assert _rule(case, "plan_review:rev1").status == "open"
    assert not Task.objects.filter(case=case, rule_key="plan_review:rev2").exists()


def test_the_next_approval_supersedes_the_review(case: Case, actors: dict[str, User]) -> None:
    plan = _approved_plan(case, actors)
    plans.add_stage(actor=actors["case_manager"], plan=plan, name="Utrwalenie")
    plan.refresh_from_db()
    plans.submit_plan(actor=actors["case_manager"], plan=plan)
    plans.approve_plan(actor=actors["clinical_lead"], plan=plan, comment="Nadal dobrze.")
    assert _rule(case, "plan_review:rev1").status == "done"
    assert _rule(case, "plan_review:rev2").status == "open"


# --- tasks added by hand ----------------------------------------------------------------------


def test_the_case_manager_adds_a_task(case: Case, actors: dict[str, User]) -> None:
    manager = actors["case_manager"]
    task = services.add_task(
        actor=manager, case=case, title="Telefon do szkoły", due_on=DUE, owner=manager
    )
    assert (task.kind, task.owner_id, task.created_by_id) == ("manual", manager.pk, manager.pk)


def test_adding_a_task_is_audited_without_its_title(case: Case, actors: dict[str, User]) -> None:
    task = services.add_task(
        actor=actors["coordinator"], case=case, title="Telefon do szkoły", due_on=DUE
    )
    event = AuditEvent.objects.get(action="tasks.task_added")
    assert (event.target_id, event.target_label) == (str(task.pk), case.number)
    assert "szkoły" not in str(event.changes)


def test_a_therapist_outside_the_team_may_not_add_a_task(
    case: Case, actors: dict[str, User]
) -> None:
    with pytest.raises(PermissionDenied):
        services.add_task(actor=actors["therapist"], case=case, title="Test", due_on=DUE)


def test_a_team_member_may_add_a_task(case: Case, actors: dict[str, User]) -> None:
    CaseTeamMemberFactory(case=case, user=actors["therapist"])
    case = Case.objects.prefetch_related("team").get(pk=case.pk)
    assert services.add_task(actor=actors["therapist"], case=case, title="Test", due_on=DUE)


def test_no_task_is_added_to_a_closed_case(case: Case, actors: dict[str, User]) -> None:
    Case.objects.filter(pk=case.pk).update(status="closed")
    case.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.add_task(actor=actors["coordinator"], case=case, title="Test", due_on=DUE)


def test_the_owner_must_work_at_the_cases_centre(
    case: Case, actors: dict[str, User], other_centre: Centre
) -> None:
    stranger = make_staff(Role.CASE_MANAGER, other_centre, "obcy")
    with pytest.raises(ValidationError) as error:
        services.add_task(
            actor=actors["coordinator"], case=case, title="Test", due_on=DUE, owner=stranger
        )
    assert error.value.error_dict["owner"][0].code == "not_staff"


def test_a_therapist_of_the_centre_outside_the_team_may_not_own_a_task(
    case: Case, actors: dict[str, User]
) -> None:
    with pytest.raises(ValidationError):
        services.add_task(
            actor=actors["coordinator"],
            case=case,
            title="Test",
            due_on=DUE,
            owner=actors["therapist"],
        )


def test_an_edit_raises_the_version(case: Case, actors: dict[str, User]) -> None:
    task = TaskFactory(case=case)
    edited = services.edit_task(
        actor=actors["coordinator"],
        task=task,
        title="Spotkanie",
        due_on=DUE,
        owner=None,
        expected_version=1,
    )
    assert (edited.title, edited.version) == ("Spotkanie", 2)


def test_a_stale_edit_is_refused_and_nothing_is_saved(case: Case, actors: dict[str, User]) -> None:
    task = TaskFactory(case=case, version=2)
    with pytest.raises(services.StaleTaskError) as error:
        services.edit_task(
            actor=actors["coordinator"],
            task=task,
            title="Nadpisane",
            due_on=DUE,
            owner=None,
            expected_version=1,
        )
    task.refresh_from_db()
    assert (error.value.code, task.title) == ("stale", "Telefon do szkoły")


def test_rule_tasks_are_not_edited_by_hand(case: Case, actors: dict[str, User]) -> None:
    with pytest.raises(PermissionDenied):
        services.edit_task(
            actor=actors["coordinator"],
            task=_rule(case, "diagnosis"),
            title="Inaczej",
            due_on=DUE,
            owner=None,
            expected_version=1,
        )


def test_the_owner_completes_a_task(case: Case, actors: dict[str, User]) -> None:
    task = TaskFactory(case=case, owner=actors["case_manager"])
    done = services.complete_task(actor=actors["case_manager"], task=task, note="Zadzwoniono.")
    assert (done.status, done.completed_by_id) == ("done", actors["case_manager"].pk)
    assert AuditEvent.objects.get(action="tasks.task_completed").target_id == str(task.pk)


def test_a_clinical_lead_outside_the_team_may_not_complete_anothers_task(
    case: Case, actors: dict[str, User]
) -> None:
    task = TaskFactory(case=case, owner=actors["case_manager"])
    with pytest.raises(PermissionDenied):
        services.complete_task(actor=actors["clinical_lead"], task=task)


def test_a_task_of_a_closed_case_is_not_completed(case: Case, actors: dict[str, User]) -> None:
    task = TaskFactory(case=case, owner=actors["case_manager"])
    Case.objects.filter(pk=case.pk).update(status="closed")
    task = Task.objects.select_related("case").get(pk=task.pk)
    with pytest.raises(PermissionDenied):
        services.complete_task(actor=actors["case_manager"], task=task)


def test_a_completed_task_is_reopened(case: Case, actors: dict[str, User]) -> None:
    task = services.complete_task(actor=actors["coordinator"], task=TaskFactory(case=case))
    reopened = services.reopen_task(actor=actors["coordinator"], task=task)
    assert (reopened.status, reopened.completed_by_id) == ("open", None)
    assert AuditEvent.objects.filter(action="tasks.task_reopened").exists()


def test_a_coordinator_of_another_centre_sees_none_of_its_tasks(
    case: Case, other_centre: Centre
) -> None:
    TaskFactory(case=case)
    outsider = acting(make_staff(Role.COORDINATOR, other_centre, "inna"))
    assert not tasks_visible_to(outsider).exists()
