"""The deadlines as pure functions: hand-computed dates and their boundaries."""

from __future__ import annotations

from datetime import date

import pytest

from oneroof.tasks.rules import CaseFacts, PlanApproval, plan_review_due, rule_tasks

CONTACT = date(2026, 3, 2)
APPROVED = date(2026, 3, 2)  # + 6 weeks = 2026-04-13


def _facts(status: str = "referred", **kwargs: object) -> CaseFacts:
    return CaseFacts(status=status, first_contact_on=CONTACT, **kwargs)  # type: ignore[arg-type]


def _keys(facts: CaseFacts, **kwargs: int) -> dict[str, date]:
    return {task.rule_key: task.due_on for task in rule_tasks(facts, **kwargs)}


@pytest.mark.parametrize("status", ["referred", "in_diagnosis"])
def test_diagnosis_is_due_14_days_after_the_first_contact(status: str) -> None:
    assert _keys(_facts(status)) == {"diagnosis": date(2026, 3, 16)}


@pytest.mark.parametrize("status", ["waiting", "in_support", "in_review", "closed"])
def test_no_diagnosis_task_once_the_case_moved_on(status: str) -> None:
    assert "diagnosis" not in _keys(_facts(status))


def test_plan_review_is_due_6_weeks_after_the_approval() -> None:
    facts = _facts("in_support", approval=PlanApproval(1, APPROVED))
    assert _keys(facts) == {"plan_review:rev1": date(2026, 4, 13)}


def test_plan_review_weeks_are_configurable_up_to_8() -> None:
    facts = _facts("in_support", approval=PlanApproval(2, APPROVED))
    assert _keys(facts, review_weeks=8) == {"plan_review:rev2": date(2026, 4, 27)}


@pytest.mark.parametrize("weeks", [5, 9])
def test_plan_review_weeks_outside_6_to_8_are_refused(weeks: int) -> None:
    with pytest.raises(ValueError, match="6 to 8"):
        rule_tasks(_facts(), review_weeks=weeks)


@pytest.mark.parametrize(
    ("stage_review", "due"),
    [
        (date(2026, 3, 2), date(2026, 3, 2)),  # on the approval day: counts
        (date(2026, 4, 12), date(2026, 4, 12)),  # a day before six weeks: earlier wins
        (date(2026, 4, 13), date(2026, 4, 13)),
        (date(2026, 4, 14), date(2026, 4, 13)),  # later: six weeks win
        (date(2026, 3, 1), date(2026, 4, 13)),  # before the approval: history, ignored
    ],
)
def test_plan_review_comes_at_the_earliest_stage_review_if_earlier(
    stage_review: date, due: date
) -> None:
    assert plan_review_due(PlanApproval(1, APPROVED, (date(2026, 5, 1), stage_review))) == due


def test_no_plan_review_without_an_approval() -> None:
    assert _keys(_facts("in_support")) == {}


def test_course_ends_182_days_after_entering_support() -> None:
    facts = _facts("in_support", entered_support_on=date(2026, 1, 5))
    assert _keys(facts) == {"course_end": date(2026, 7, 6)}


def test_the_course_end_stays_while_the_case_is_in_review() -> None:
    facts = _facts("in_review", entered_support_on=date(2026, 1, 5))
    assert "course_end" in _keys(facts)


def test_a_closed_case_has_no_rule_tasks() -> None:
    facts = _facts(
        "closed", approval=PlanApproval(1, APPROVED), entered_support_on=date(2026, 1, 5)
    )
    assert rule_tasks(facts) == []


def test_rule_tasks_come_by_deadline() -> None:
    facts = _facts(
        "in_support",
        approval=PlanApproval(3, date(2026, 8, 3)),
        entered_support_on=date(2026, 1, 5),
    )
    assert [task.rule_key for task in rule_tasks(facts)] == ["course_end", "plan_review:rev3"]
