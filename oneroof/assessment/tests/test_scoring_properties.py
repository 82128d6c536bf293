"""The properties shared/domain/norr.md says the scoring must hold, over random adult answer
sets: monotone in risk, blind to protection, red flags always critical, stored results stable
across instrument versions, and incomplete domains never scored."""

from __future__ import annotations

import copy
import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from oneroof.assessment import instruments, scoring
from oneroof.assessment.scoring import Outcome, band_rank

DEFINITION = instruments.read_definition(instruments.NORR_P_V1)
ITEMS = {item["id"]: item for item in scoring.items_for_form(DEFINITION, "adult")}
KINDS = {d["code"]: d["kind"] for d in DEFINITION["domains"]}
SCORED = [i for i, item in ITEMS.items() if item["scale"] in scoring.SCORED_SCALES]
RISK_ITEMS = [i for i in SCORED if KINDS[ITEMS[i]["domain"]] == "risk"]
PROTECTIVE_ITEMS = [i for i in SCORED if KINDS[ITEMS[i]["domain"]] == "protective"]
FLAG_ITEMS = [i for i, item in ITEMS.items() if item["scale"] == "flag"]
RISK_DOMAINS = sorted({ITEMS[i]["domain"] for i in RISK_ITEMS})

MODEST = settings(max_examples=200, deadline=None)


def _value(item_id: str) -> st.SearchStrategy[Any]:
    return st.sampled_from(DEFINITION["scales"][ITEMS[item_id]["scale"]]["values"])


answer_sets = st.fixed_dictionaries({}, optional={i: _value(i) for i in ITEMS})
clinician_ratings = st.fixed_dictionaries({}, optional={code: st.integers(0, 2) for code in KINDS})
# Answer sets that raise no red flag: flag items "no" / "don't know", S1 below 2.
calm_answer_sets = st.fixed_dictionaries(
    {},
    optional={
        i: st.sampled_from(["no", "dont_know"])
        if ITEMS[i]["scale"] == "flag"
        else (st.integers(0, 1) if i == "S1" else _value(i))
        for i in ITEMS
    },
)


def adult(answers: dict[str, Any], clinician: dict[str, int] | None = None) -> Outcome:
    return scoring.score(DEFINITION, "adult", answers, clinician)


def item_score(item_id: str, answer: int) -> int:
    return scoring.item_score(ITEMS[item_id], answer)


# --- raising a risk answer --------------------------------------------------------------------


@MODEST
@given(
    answers=answer_sets,
    clinician=clinician_ratings,
    item=st.sampled_from(RISK_ITEMS),
    before=st.integers(0, 3),
    after=st.integers(0, 3),
)
def test_raising_a_risk_item_score_never_lowers_its_domain_score_or_band(
    answers: dict[str, Any], clinician: dict[str, int], item: str, before: int, after: int
) -> None:
    low, high = sorted([before, after], key=lambda answer: item_score(item, answer))
    code = ITEMS[item]["domain"]
    first = adult({**answers, item: low}, clinician).domain(code)
    second = adult({**answers, item: high}, clinician).domain(code)
    assert first is not None and second is not None
    assert first.complete == second.complete
    if first.complete:
        assert second.score is not None and first.score is not None
        assert second.score >= first.score
        assert band_rank(second.band) >= band_rank(first.band)


@MODEST
@given(
    answers=answer_sets,
    clinician=clinician_ratings,
    item=st.sampled_from(RISK_ITEMS),
    before=st.integers(0, 3),
    after=st.integers(0, 3),
)
def test_raising_a_risk_item_score_never_lowers_the_overall_band(
    answers: dict[str, Any], clinician: dict[str, int], item: str, before: int, after: int
) -> None:
    low, high = sorted([before, after], key=lambda answer: item_score(item, answer))
    first = adult({**answers, item: low}, clinician)
    second = adult({**answers, item: high}, clinician)
    assert band_rank(second.overall_band) >= band_rank(first.overall_band)


@MODEST
@given(answers=answer_sets, item=st.sampled_from(FLAG_ITEMS))
def test_answering_a_flag_item_yes_never_lowers_the_overall_band(
    answers: dict[str, Any], item: str
) -> None:
    before = adult({**answers, item: "no"})
    after = adult({**answers, item: "yes"})
    assert band_rank(after.overall_band) >= band_rank(before.overall_band)


# --- protective answers -----------------------------------------------------------------------


@MODEST
@given(
    answers=answer_sets,
    clinician=clinician_ratings,
    protective=st.fixed_dictionaries(
        {}, optional={i: st.integers(0, 3) | st.none() for i in PROTECTIVE_ITEMS}
    ),
)
def test_protective_answers_never_change_a_risk_band_or_the_overall_band(
    answers: dict[str, Any], clinician: dict[str, int], protective: dict[str, int | None]
) -> None:
    changed = {i: a for i, a in answers.items() if i not in protective}
    changed.update({i: a for i, a in protective.items() if a is not None})
    first, second = adult(answers, clinician), adult(changed, clinician)
    assert second.domains == first.domains
    assert (second.overall_band, second.red_flags) == (first.overall_band, first.red_flags)


# --- red flags --------------------------------------------------------------------------------


@MODEST
@given(
    answers=answer_sets,
    clinician=clinician_ratings,
    flag=st.sampled_from([(i, "yes") for i in FLAG_ITEMS] + [("S1", 2), ("S1", 3)]),
)
def test_any_red_flag_always_yields_critical(
    answers: dict[str, Any], clinician: dict[str, int], flag: tuple[str, Any]
) -> None:
    item, answer = flag
    outcome = adult({**answers, item: answer}, clinician)
    assert outcome.overall_band == scoring.CRITICAL
    assert outcome.is_critical


@MODEST
@given(answers=calm_answer_sets, clinician=clinician_ratings)
def test_without_a_red_flag_the_result_is_never_critical(
    answers: dict[str, Any], clinician: dict[str, int]
) -> None:
    outcome = adult(answers, clinician)
    assert outcome.overall_band != scoring.CRITICAL
    assert not outcome.red_flags


# --- stored results and new versions ----------------------------------------------------------


def _version_two(v1: dict[str, Any]) -> dict[str, Any]:
    """A revision: new version number, different bands and asymmetry gap, and a new E item."""
    v2 = copy.deepcopy(v1)
    v2["version"] = "2"
    v2["scoring"]["bands"] = [[0, "low"], [10, "moderate"], [20, "elevated"], [30, "high"]]
    v2["scoring"]["asymmetry_gap"] = 10
    v2["items"].append(
        {"id": "E7", "domain": "E", "scale": "freq", "reverse": False, "teen": False,
         "text": {"pl": "Nowa pozycja", "en": "A new item"}}
    )  # fmt: skip
    instruments.check_definition(v2)
    return v2


@MODEST
@given(answers=answer_sets, clinician=clinician_ratings, new_item=st.integers(0, 3))
def test_a_stored_result_never_changes_when_a_new_version_is_published(
    answers: dict[str, Any], clinician: dict[str, int], new_item: int
) -> None:
    v1 = instruments.read_definition(instruments.NORR_P_V1)
    original = scoring.score(v1, "adult", answers, clinician)
    stored = json.dumps(original.as_json())

    v2 = _version_two(v1)
    scoring.score(v2, "adult", {**answers, "E7": new_item}, clinician)

    assert v1 == DEFINITION
    assert scoring.score(v1, "adult", answers, clinician) == original
    assert Outcome.from_json(json.loads(stored)) == original
    assert json.dumps(Outcome.from_json(json.loads(stored)).as_json()) == stored


# --- incomplete domains -----------------------------------------------------------------------


@st.composite
def too_few_answers(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    """A risk or protective domain and answers to fewer than half its scored items (any
    values, any other items)."""
    code = draw(st.sampled_from(sorted({ITEMS[i]["domain"] for i in SCORED})))
    own = [i for i in SCORED if ITEMS[i]["domain"] == code]
    chosen = draw(st.lists(st.sampled_from(own), unique=True, max_size=(len(own) - 1) // 2))
    others = draw(answer_sets)
    answers = {i: a for i, a in others.items() if i not in own}
    answers.update({i: draw(st.integers(0, 3)) for i in chosen})
    return code, answers


@MODEST
@given(case=too_few_answers(), clinician=clinician_ratings)
def test_a_domain_with_fewer_than_half_answered_is_incomplete_whatever_the_values(
    case: tuple[str, dict[str, Any]], clinician: dict[str, int]
) -> None:
    code, answers = case
    found = adult(answers, clinician).domain(code)
    assert found is not None
    assert (found.score, found.band, found.complete) == (None, None, False)
