"""The support plan as printed for one family member to sign.

Built from a plan snapshot (a saved revision, or the plan as it stands), so the printed
text is exactly what was submitted or approved. Only the plan itself is printed: stages,
goals, forms of help, dates, institutions and staff. Never identifiers, contact data,
safety facts, diagnosis results, notes or the approval comment. Whatever concerns a person
the signatory may not be told about (``families.access.persons_hidden_from_member``) is
left out without a trace: no goal, no form of help from that person's diagnosis, no name.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.utils import timezone

from oneroof.accounts.models import User
from oneroof.families.access import persons_hidden_from_member
from oneroof.families.models import ADULT_AGE, Person
from oneroof.organisation.models import Institution

from .models import Case, SupportPlan
from .plans import recommendation_persons, snapshot


@dataclass(frozen=True)
class PrintedGoal:
    description: str
    target_date: date
    concerns: list[str]
    responsible: str


@dataclass(frozen=True)
class PrintedHelp:
    description: str
    provider: str
    responsible: str


@dataclass(frozen=True)
class PrintedStage:
    number: int
    name: str
    review_on: date | None
    goals: list[PrintedGoal]
    helps: list[PrintedHelp]


@dataclass(frozen=True)
class PrintedPlan:
    case_number: str
    centre: str
    revision: int
    approved: bool
    signatory: str
    case_manager: str
    stages: list[PrintedStage]
    printed_at: datetime


def signatories(case: Case, today: date) -> list[Person]:
    """The family's adults, who may sign the plan."""
    members = Person.objects.filter(memberships__family_id=case.family_id).order_by("pk")
    return [person for person in members if person.age(today) >= ADULT_AGE]


def plan_to_sign(plan: SupportPlan) -> tuple[dict[str, Any], bool]:
    """The latest approved revision, which is the plan in force; a plan never approved is
    printed as it stands, marked as a draft. Returns the snapshot and whether approved."""
    approved = plan.revisions.filter(approved=True).order_by("-changed_at", "-pk").first()
    if approved is not None:
        return approved.snapshot, True
    return snapshot(plan), False


def _full_name(user: User | None) -> str:
    if user is None:
        return "—"
    return user.get_full_name() or user.get_username()


def printed_plan(*, case: Case, plan: SupportPlan, signatory: Person) -> PrintedPlan:
    """What the PDF shows for ``signatory``."""
    data, approved = plan_to_sign(plan)
    hidden = persons_hidden_from_member(case.family, signatory)
    goals = [goal for stage in data["stages"] for goal in stage["goals"]]
    helps = [help_ for stage in data["stages"] for help_ in stage["helps"]]
    person_ids = {pk for goal in goals for pk in goal["concerns"]}
    staff_ids = {item["responsible"] for item in (*goals, *helps)}
    names = {
        person.pk: person.first_name for person in Person.objects.filter(pk__in=person_ids - hidden)
    }
    staff = {user.pk: _full_name(user) for user in User.objects.filter(pk__in=staff_ids)}
    providers = dict(Institution.objects.values_list("code", "name"))
    diagnosed = recommendation_persons(help_["recommendation"] for help_ in helps)
    stages = []
    for number, stage in enumerate(data["stages"], start=1):
        stages.append(
            PrintedStage(
                number=number,
                name=stage["name"],
                review_on=date.fromisoformat(stage["review_on"]) if stage["review_on"] else None,
                goals=[
                    PrintedGoal(
                        description=goal["description"],
                        target_date=date.fromisoformat(goal["target_date"]),
                        concerns=[names[pk] for pk in goal["concerns"] if pk in names],
                        responsible=staff.get(goal["responsible"], "—"),
                    )
                    for goal in stage["goals"]
                    if not set(goal["concerns"]) & hidden
                ],
                helps=[
                    PrintedHelp(
                        description=help_["description"],
                        provider=providers.get(help_["provider"], help_["provider"]),
                        responsible=staff.get(help_["responsible"], "—"),
                    )
                    for help_ in stage["helps"]
                    if diagnosed.get(help_["recommendation"] or 0) not in hidden
                ],
            )
        )
    return PrintedPlan(
        case_number=case.number,
        centre=case.centre.name,
        revision=data["revision"],
        approved=approved,
        signatory=f"{signatory.first_name} {signatory.last_name}",
        case_manager=_full_name(case.case_manager),
        stages=stages,
        printed_at=timezone.now(),
    )
