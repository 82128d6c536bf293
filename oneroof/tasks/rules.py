"""Which rule tasks a case should have, from its facts. Pure: no ORM, no clock.

The deadlines (the centres' SLA):
* the NORR diagnosis is due ``DIAGNOSIS_WITHIN`` (14 days) after the first contact, while the
  case is referred or in diagnosis; once it moves on, the task is done;
* an approved support plan is reviewed ``review_weeks`` (6 by default, 6–8) after its
  approval, or at its earliest stage review if that comes first; the next approval
  supersedes it (a new task for the new revision);
* a support course ends about six months (``COURSE_LENGTH``) after the case entered
  "in support" for the first time.
A closed case has no rule tasks.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from oneroof.cases.models import DIAGNOSIS_WITHIN, Case

from .models import Task

Status = Case.Status

COURSE_LENGTH = timedelta(days=182)
DEFAULT_REVIEW_WEEKS = 6
REVIEW_WEEKS_RANGE = range(6, 9)  # the centres' rule: every 6 to 8 weeks
DIAGNOSIS_STATUSES = frozenset({Status.REFERRED, Status.IN_DIAGNOSIS})
SUPPORT_STATUSES = frozenset({Status.IN_SUPPORT, Status.IN_REVIEW})

DIAGNOSIS_KEY = "diagnosis"
COURSE_END_KEY = "course_end"


@dataclass(frozen=True)
class PlanApproval:
    """The support plan's latest approval: which revision, on which day, and the review dates
    of that revision's stages."""

    revision: int
    approved_on: date
    stage_reviews: Sequence[date] = ()


@dataclass(frozen=True)
class CaseFacts:
    status: str
    first_contact_on: date
    approval: PlanApproval | None = None
    entered_support_on: date | None = None  # the first move into "in support"


@dataclass(frozen=True)
class RuleTask:
    rule_key: str
    kind: str
    due_on: date


def plan_review_key(revision: int) -> str:
    return f"plan_review:rev{revision}"


def diagnosis_task(facts: CaseFacts) -> RuleTask | None:
    if facts.status not in DIAGNOSIS_STATUSES:
        return None
    return RuleTask(
        DIAGNOSIS_KEY, Task.Kind.DIAGNOSIS_DUE, facts.first_contact_on + DIAGNOSIS_WITHIN
    )


def plan_review_due(approval: PlanApproval, review_weeks: int = DEFAULT_REVIEW_WEEKS) -> date:
    """``review_weeks`` after the approval, or the earliest stage review on or after the
    approval day if that comes first (a stage review before the approval is history)."""
    due = approval.approved_on + timedelta(weeks=review_weeks)
    upcoming = [day for day in approval.stage_reviews if day >= approval.approved_on]
    return min([due, *upcoming])


def plan_review_task(facts: CaseFacts, review_weeks: int = DEFAULT_REVIEW_WEEKS) -> RuleTask | None:
    if facts.status == Status.CLOSED or facts.approval is None:
        return None
    return RuleTask(
        plan_review_key(facts.approval.revision),
        Task.Kind.PLAN_REVIEW,
        plan_review_due(facts.approval, review_weeks),
    )


def course_end_task(facts: CaseFacts) -> RuleTask | None:
    if facts.status not in SUPPORT_STATUSES or facts.entered_support_on is None:
        return None
    return RuleTask(COURSE_END_KEY, Task.Kind.COURSE_END, facts.entered_support_on + COURSE_LENGTH)


def rule_tasks(facts: CaseFacts, *, review_weeks: int = DEFAULT_REVIEW_WEEKS) -> list[RuleTask]:
    """Every rule task the case should have open now, by deadline."""
    if review_weeks not in REVIEW_WEEKS_RANGE:
        raise ValueError(f"A plan review comes 6 to 8 weeks after approval, not {review_weeks}.")
    found = [
        diagnosis_task(facts),
        plan_review_task(facts, review_weeks),
        course_end_task(facts),
    ]
    return sorted((task for task in found if task is not None), key=lambda t: t.due_on)
