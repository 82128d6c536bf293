"""What changed in a support plan from one saved revision to the next, read from the two
snapshots (``plans.snapshot``). Pure: no queries.

The plan page lists these under each entry of the plan's history, so staff see who changed
what. Goals and forms of help about a person behind the reader's wall are left out, as they
are from the plan itself.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext as _

Hidden = Callable[[Mapping[str, Any]], bool]


def _date(iso: str | None) -> str:
    return date_format(date.fromisoformat(iso), "SHORT_DATE_FORMAT") if iso else "—"


@dataclass(frozen=True)
class Change:
    kind: str  # "added", "removed", "changed"
    text: str


def _stages(snapshot: Mapping[str, Any] | None) -> dict[Any, Mapping[str, Any]]:
    # Snapshots saved before stages carried their id are matched by their place in the plan.
    stages = snapshot["stages"] if snapshot else []
    return {stage.get("id", f"order-{stage['order']}"): stage for stage in stages}


def _items(
    snapshot: Mapping[str, Any] | None, key: str
) -> dict[int, tuple[Mapping[str, Any], str]]:
    return {
        item["id"]: (item, stage["name"])
        for stage in (snapshot["stages"] if snapshot else [])
        for item in stage[key]
    }


def plan_changes(
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any],
    *,
    hidden_goal: Hidden = lambda goal: False,
    hidden_help: Hidden = lambda help_: False,
) -> list[Change]:
    """The changes from ``before`` (None: the plan's first saved revision) to ``after``.
    ``hidden_goal`` / ``hidden_help`` say which items the reader may not see."""
    changes: list[Change] = []
    old_stages, new_stages = _stages(before), _stages(after)
    for key, stage in new_stages.items():
        old = old_stages.get(key)
        if old is None:
            changes.append(Change("added", _("Stage “%(name)s”") % {"name": stage["name"]}))
            continue
        if old["name"] != stage["name"]:
            changes.append(
                Change(
                    "changed",
                    _("Stage “%(old)s” renamed “%(new)s”")
                    % {"old": old["name"], "new": stage["name"]},
                )
            )
        if old["review_on"] != stage["review_on"]:
            changes.append(
                Change(
                    "changed",
                    _("Review date of stage “%(name)s”: %(date)s")
                    % {"name": stage["name"], "date": _date(stage["review_on"])},
                )
            )
    changes.extend(
        Change("removed", _("Stage “%(name)s”") % {"name": stage["name"]})
        for key, stage in old_stages.items()
        if key not in new_stages
    )
    changes.extend(_item_changes(before, after, "goals", hidden_goal, _goal_text))
    changes.extend(_item_changes(before, after, "helps", hidden_help, _help_text))
    return changes


def _goal_text(goal: Mapping[str, Any], stage: str) -> str:
    return _("Goal in “%(stage)s”: %(text)s (by %(date)s)") % {
        "stage": stage,
        "text": goal["description"],
        "date": _date(goal["target_date"]),
    }


def _help_text(help_: Mapping[str, Any], stage: str) -> str:
    return _("Form of help in “%(stage)s”: %(text)s") % {
        "stage": stage,
        "text": help_["description"],
    }


def _item_changes(
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any],
    key: str,
    hidden: Hidden,
    describe: Callable[[Mapping[str, Any], str], str],
) -> Iterable[Change]:
    old, new = _items(before, key), _items(after, key)
    for item_id, (item, stage) in new.items():
        if hidden(item):
            continue
        previous = old.get(item_id)
        if previous is None:
            yield Change("added", describe(item, stage))
        elif (previous[0]["description"], previous[0].get("target_date")) != (
            item["description"],
            item.get("target_date"),
        ):
            yield Change("changed", describe(item, stage))
    for item_id, (item, stage) in old.items():
        if item_id not in new and not hidden(item):
            yield Change("removed", describe(item, stage))
