"""The plan's history: what changed from one saved revision to the next, wall respected."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.test import Client
from django.urls import reverse
from django.utils import translation

from oneroof.accounts.models import User
from oneroof.cases import plans
from oneroof.cases.history import Change, plan_changes
from oneroof.cases.models import Goal
from oneroof.families.tests.conftest import WalledFamily

from .test_plan_pages import walled_family, walled_plan  # noqa: F401 (fixtures)
from .test_plans import TARGET


def _goal(goal_id: int, text: str, concerns: list[int] | None = None) -> dict[str, Any]:
    return {
        "id": goal_id,
        "description": text,
        "target_date": "2030-06-30",
        "concerns": concerns or [],
        "responsible": 1,
        "version": 1,
    }


def _help(help_id: int, text: str, recommendation: int | None = None) -> dict[str, Any]:
    return {
        "id": help_id,
        "description": text,
        "provider": "mops",
        "recommendation": recommendation,
        "responsible": 1,
    }


def _plan(*stages: tuple[int, str, list[Any], list[Any]]) -> dict[str, Any]:
    return {
        "revision": 1,
        "stages": [
            {"id": pk, "order": n, "name": name, "review_on": None, "goals": goals, "helps": helps}
            for n, (pk, name, goals, helps) in enumerate(stages, start=1)
        ],
    }


def _changes(before: dict[str, Any] | None, after: dict[str, Any], **hide: Any) -> list[Change]:
    with translation.override("en"):
        return plan_changes(before, after, **hide)


def test_the_first_revision_lists_everything_as_added() -> None:
    after = _plan((1, "Stabilizacja", [_goal(1, "Spokój")], [_help(1, "Terapia")]))
    assert [(c.kind, c.text) for c in _changes(None, after)] == [
        ("added", "Stage “Stabilizacja”"),
        ("added", "Goal in “Stabilizacja”: Spokój (by 30.06.2030)"),
        ("added", "Form of help in “Stabilizacja”: Terapia"),
    ]


def test_an_unchanged_plan_has_no_changes() -> None:
    plan = _plan((1, "Stabilizacja", [_goal(1, "Spokój")], []))
    assert _changes(plan, plan) == []


def test_renames_edits_and_removals_are_listed() -> None:
    before = _plan(
        (1, "Stabilizacja", [_goal(1, "Spokój"), _goal(2, "Szkoła")], [_help(1, "Terapia")])
    )
    after = _plan((1, "Bezpieczeństwo", [_goal(1, "Spokój w domu")], []))
    assert {(c.kind, c.text) for c in _changes(before, after)} == {
        ("changed", "Stage “Stabilizacja” renamed “Bezpieczeństwo”"),
        ("changed", "Goal in “Bezpieczeństwo”: Spokój w domu (by 30.06.2030)"),
        ("removed", "Goal in “Stabilizacja”: Szkoła (by 30.06.2030)"),
        ("removed", "Form of help in “Stabilizacja”: Terapia"),
    }


def test_a_removed_stage_is_listed() -> None:
    before = _plan((1, "Pierwszy", [], []), (2, "Drugi", [], []))
    after = _plan((2, "Drugi", [], []))
    assert [(c.kind, c.text) for c in _changes(before, after)] == [("removed", "Stage “Pierwszy”")]


def test_hidden_goals_and_help_are_left_out() -> None:
    after = _plan((1, "Etap", [_goal(1, "O matce", concerns=[7])], [_help(1, "Pomoc", 3)]))
    changes = _changes(
        None,
        after,
        hidden_goal=lambda goal: 7 in goal["concerns"],
        hidden_help=lambda help_: help_["recommendation"] == 3,
    )
    assert [c.text for c in changes] == ["Stage “Etap”"]


def test_the_page_shows_the_change_since_the_approved_revision(
    walled_plan: WalledFamily,  # noqa: F811
    actors: dict[str, User],
    client: Client,
    sign_in: Callable[[Client, User], Client],
) -> None:
    manager = actors["case_manager"]
    goal = Goal.objects.get(description="Spokojne wyjścia do szkoły")
    plans.edit_goal(
        actor=manager,
        goal=goal,
        description="Samodzielne wyjścia",
        target_date=TARGET,
        expected_version=1,
    )
    plans.submit_plan(actor=manager, plan=walled_plan.case.plan)
    sign_in(client, manager)
    content = client.get(
        reverse("cases:plan", args=[walled_plan.case.pk]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "changed: Goal in “Stabilizacja”: Samodzielne wyjścia" in content


def test_the_history_keeps_the_wall(
    walled_plan: WalledFamily,  # noqa: F811
    actors: dict[str, User],
    client: Client,
    sign_in: Callable[[Client, User], Client],
) -> None:
    sign_in(client, actors["therapist"])
    content = client.get(reverse("cases:plan", args=[walled_plan.case.pk])).content.decode()
    assert "Spokojne wyjścia do szkoły" in content
    assert "Plan bezpieczeństwa matki" not in content
