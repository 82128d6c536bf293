"""NORR scoring on hand-computed answer sets (shared/domain/norr.md, "Scoring" and the
recommendation table). Every expected number below is worked out in the comment beside it."""

from __future__ import annotations

import json
from typing import Any

import pytest

from oneroof.assessment import instruments, scoring
from oneroof.assessment.scoring import DomainScore, FamilyContext, Outcome, RedFlag

DEFINITION = instruments.read_definition(instruments.NORR_P_V1)
BANDS = DEFINITION["scoring"]["bands"]
FLAG_ITEMS = [item["id"] for item in DEFINITION["items"] if item["scale"] == "flag"]

# Full domains at a known band (each item 0-3; E5, E6 and D4 are reverse-scored).
E_LOW = {"E1": 0, "E2": 0, "E3": 0, "E4": 0, "E5": 3, "E6": 3}  # 0/18 = 0
E_MODERATE = {"E1": 1, "E2": 1, "E3": 1, "E4": 1, "E5": 2, "E6": 2}  # (4+1+1)/18 = 33
E_ELEVATED = {"E1": 2, "E2": 2, "E3": 2, "E4": 2, "E5": 1, "E6": 1}  # (8+2+2)/18 = 67
E_HIGH = {"E1": 3, "E2": 3, "E3": 3, "E4": 3, "E5": 0, "E6": 0}  # 18/18 = 100
F_MODERATE = {f"F{n}": 1 for n in range(1, 6)}  # 5/15 = 33
F_ELEVATED = {f"F{n}": 2 for n in range(1, 6)}  # 10/15 = 67
F_HIGH = {f"F{n}": 3 for n in range(1, 6)}  # 15/15 = 100
C_ELEVATED = {f"C{n}": 2 for n in range(1, 6)}  # 10/15 = 67
D_ELEVATED = {"D1": 2, "D2": 2, "D3": 2, "D4": 1, "D5": 2}  # 10/15 = 67
A_ELEVATED = {f"A{n}": 2 for n in range(1, 5)}  # 8/12 = 67
H_ELEVATED = {"H1": 2, "H3": 2}  # 4/6 = 67
P_ELEVATED = {"P1": 2, "P2": 2, "P3": 2, "P4": 1}  # 7/12 = 58
P_HIGH = {"P1": 3, "P2": 3, "P3": 3, "P4": 1}  # 10/12 = 83


def adult(answers: dict[str, Any], clinician: dict[str, int] | None = None) -> Outcome:
    return scoring.score(DEFINITION, "adult", answers, clinician)


def domain(outcome: Outcome, code: str) -> DomainScore:
    found = outcome.domain(code)
    assert found is not None, code
    return found


def proposed(outcome: Outcome, **context: Any) -> set[str]:
    return {r["code"] for r in scoring.recommend(DEFINITION, outcome, FamilyContext(**context))}


# --- domain score -----------------------------------------------------------------------------


def test_domain_score_is_item_scores_over_the_answered_maximum_with_reverse_items() -> None:
    # E1..E4 = 3, 2, 1, 0; E5 = 0 scores 3; E6 = 3 scores 0: 9 / 18 = 50.
    outcome = adult({"E1": 3, "E2": 2, "E3": 1, "E4": 0, "E5": 0, "E6": 3})
    assert domain(outcome, "E").score == 50


@pytest.mark.parametrize(("item", "others"), [("E5", ["E1", "E2"]), ("E6", ["E1", "E2"]),
                                              ("D4", ["D1", "D2"])])  # fmt: skip
def test_a_reverse_item_answered_never_scores_as_often(item: str, others: list[str]) -> None:
    # The reverse item answered 0 scores 3: 3 / 9 = 33.
    outcome = adult({item: 0, **dict.fromkeys(others, 0)})
    assert domain(outcome, item[0]).score == 33


@pytest.mark.parametrize("item", ["E5", "E6", "D4"])
def test_a_reverse_item_answered_often_scores_nothing(item: str) -> None:
    others = ["D1", "D2"] if item == "D4" else ["E1", "E2"]
    outcome = adult({item: 3, **dict.fromkeys(others, 0)})
    assert domain(outcome, item[0]).score == 0


def test_a_plain_item_answered_often_scores_three() -> None:
    assert domain(adult({"E1": 3, "E2": 0, "E3": 0}), "E").score == 33  # 3 / 9


def test_domain_score_rounds_a_fraction_below_one_half_down() -> None:
    assert domain(adult({"E1": 2, "E2": 0, "E3": 0}), "E").score == 22  # 2 / 9 = 22.2


def test_domain_score_rounds_a_fraction_above_one_half_up() -> None:
    assert domain(adult({"E1": 2, "E2": 2, "E3": 1}), "E").score == 56  # 5 / 9 = 55.6


def test_unanswered_items_are_left_out_of_both_sums() -> None:
    # Three of six answered at "often": 9 / 9, not 9 / 18.
    assert domain(adult({"E1": 3, "E2": 3, "E3": 3}), "E").score == 100


# --- bands ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("score", "band"),
    [(0, "low"), (24, "low"), (25, "moderate"), (49, "moderate"), (50, "elevated"),
     (74, "elevated"), (75, "high"), (100, "high")],
)  # fmt: skip
def test_band_boundaries_of_the_instrument(score: int, band: str) -> None:
    assert scoring.band_for(score, BANDS) == band


@pytest.mark.parametrize(
    ("answers", "score", "band"),
    [((1, 1, 0, 0), 17, "low"), ((1, 1, 1, 0), 25, "moderate"), ((2, 2, 1, 1), 50, "elevated"),
     ((3, 2, 2, 2), 75, "high")],
)  # fmt: skip
def test_a_domain_exactly_at_a_boundary_takes_the_upper_band(
    answers: tuple[int, ...], score: int, band: str
) -> None:
    # Four of five C items answered: the maximum is 12, so 3, 6 and 9 hit 25, 50 and 75.
    outcome = adult(dict(zip(["C1", "C2", "C3", "C4"], answers, strict=True)))
    assert (domain(outcome, "C").score, domain(outcome, "C").band) == (score, band)


# --- incomplete domains -----------------------------------------------------------------------


def test_a_domain_with_fewer_than_half_its_items_answered_is_incomplete() -> None:
    e = domain(adult({"E1": 3, "E2": 3}), "E")  # 2 of 6
    assert (e.score, e.band, e.complete) == (None, None, False)


def test_a_domain_with_exactly_half_its_items_answered_is_complete() -> None:
    e = domain(adult({"E1": 0, "E2": 0, "E3": 0}), "E")  # 3 of 6
    assert (e.score, e.band, e.answered, e.total) == (0, "low", 3, 6)


def test_an_odd_sized_domain_needs_more_than_half_rounded_down() -> None:
    assert not domain(adult({"C1": 3, "C2": 3}), "C").complete  # 2 of 5 < 2.5
    assert domain(adult({"C1": 3, "C2": 3, "C3": 3}), "C").complete  # 3 of 5


def test_an_incomplete_domain_is_not_counted_as_low_in_the_overall_band() -> None:
    assert adult({"E1": 0, "E2": 0}).overall_band is None


# --- the safety domain ------------------------------------------------------------------------


def test_the_safety_domain_is_scored_from_s1_only() -> None:
    s = domain(adult({"S1": 1, "S2": "no", "S3": "no", "S4": "no"}), "S")
    assert (s.score, s.band, s.answered, s.total) == (33, "moderate", 1, 1)


def test_the_safety_domain_is_incomplete_without_s1_whatever_the_flags() -> None:
    assert not domain(adult({f"S{n}": "no" for n in range(2, 12)}), "S").complete


# --- the protective domain --------------------------------------------------------------------


def test_the_protective_domain_is_reported_apart_from_the_risk_domains() -> None:
    outcome = adult({"R1": 3, "R2": 3, "R3": 3, "R4": 3})
    assert [d.code for d in outcome.protective] == ["R"]
    assert "R" not in [d.code for d in outcome.domains]


def test_a_high_protective_score_never_enters_the_overall_band() -> None:
    outcome = adult({**E_LOW, "R1": 3, "R2": 3, "R3": 3, "R4": 3})
    assert domain(outcome, "R").band == "high"
    assert outcome.overall_band == "low"


def test_no_protection_at_all_never_raises_the_overall_band() -> None:
    assert adult({**E_MODERATE, "R1": 0, "R2": 0, "R3": 0, "R4": 0}).overall_band == "moderate"


# --- overall band -----------------------------------------------------------------------------


def test_the_overall_band_is_the_highest_domain_band() -> None:
    outcome = adult({**E_ELEVATED, **F_MODERATE})
    assert (outcome.overall_band, outcome.overall_raised) == ("elevated", False)


def test_two_elevated_domains_do_not_raise_the_overall_band() -> None:
    assert adult({**E_ELEVATED, **F_ELEVATED}).overall_band == "elevated"


def test_three_elevated_domains_raise_the_overall_band_one_level() -> None:
    outcome = adult({**E_ELEVATED, **F_ELEVATED, **A_ELEVATED})
    assert (outcome.overall_band, outcome.overall_raised) == ("high", True)


def test_three_elevated_or_higher_domains_never_raise_the_overall_band_above_high() -> None:
    outcome = adult({**E_HIGH, **F_ELEVATED, **A_ELEVATED})
    assert (outcome.overall_band, outcome.overall_raised) == ("high", False)


# --- clinician rating -------------------------------------------------------------------------


def test_a_clinician_rating_of_two_raises_the_domain_band_one_level() -> None:
    e = domain(adult(E_MODERATE, {"E": 2}), "E")
    assert (e.score, e.band, e.raised_by_clinician) == (33, "elevated", True)


def test_a_clinician_rating_of_two_never_raises_a_band_above_high() -> None:
    e = domain(adult(E_HIGH, {"E": 2}), "E")
    assert (e.band, e.raised_by_clinician) == ("high", False)


@pytest.mark.parametrize("rating", [0, 1])
def test_a_clinician_rating_below_two_changes_nothing(rating: int) -> None:
    answers = {**E_HIGH, **F_MODERATE}
    assert adult(answers, {"E": rating, "F": rating}) == adult(answers)


def test_a_band_raised_by_the_clinician_counts_in_the_overall_band() -> None:
    assert adult(E_MODERATE, {"E": 2}).overall_band == "elevated"


def test_a_clinician_rating_does_not_score_an_incomplete_domain() -> None:
    assert not domain(adult({"E1": 3}, {"E": 2}), "E").complete


# --- red flags --------------------------------------------------------------------------------


@pytest.mark.parametrize("item", FLAG_ITEMS)
def test_every_flag_item_answered_yes_makes_the_result_critical(item: str) -> None:
    outcome = adult({**E_LOW, item: "yes"})
    assert (outcome.overall_band, outcome.red_flags) == ("critical", (RedFlag(item, "yes"),))


def test_a_red_flag_overrides_low_scores_in_every_domain() -> None:
    outcome = adult({**E_LOW, "S1": 0, "S3": "yes"})
    assert outcome.is_critical and outcome.overall_band == "critical"


def test_a_red_flag_result_is_critical_not_raised() -> None:
    outcome = adult({**E_ELEVATED, **F_ELEVATED, **A_ELEVATED, "S6": "yes"})
    assert (outcome.overall_band, outcome.overall_raised) == ("critical", False)


@pytest.mark.parametrize("answer", [2, 3])
def test_physical_force_sometimes_or_often_raises_a_red_flag(answer: int) -> None:
    assert adult({"S1": answer}).red_flags == (RedFlag("S1", answer),)


def test_physical_force_rarely_raises_no_red_flag() -> None:
    outcome = adult({"S1": 1})
    assert (outcome.red_flags, outcome.overall_band) == ((), "moderate")


def test_dont_know_on_a_flag_item_is_unresolved_not_a_red_flag() -> None:
    outcome = adult({**E_LOW, "S2": "dont_know", "H2": "dont_know"})
    assert (outcome.unresolved, outcome.red_flags) == (("S2", "H2"), ())
    assert outcome.overall_band == "low"


def test_no_on_a_flag_item_is_neither_a_red_flag_nor_unresolved() -> None:
    outcome = adult({"S2": "no"})
    assert (outcome.red_flags, outcome.unresolved) == ((), ())


# --- forms ------------------------------------------------------------------------------------


def test_the_teen_form_asks_only_the_items_marked_teen() -> None:
    teen = [item["id"] for item in scoring.items_for_form(DEFINITION, "teen")]
    assert teen == ["P2", "P4", "A1", "A3", "H1", "H2", "T2", "T3", "R1"]


def test_the_child_form_asks_only_the_parenting_items() -> None:
    child = [item["id"] for item in scoring.items_for_form(DEFINITION, "child")]
    assert child == ["P1", "P2", "P3", "P4", "P5", "P6"]


def test_the_adult_form_asks_every_item() -> None:
    assert len(scoring.items_for_form(DEFINITION, "adult")) == len(DEFINITION["items"])


def test_a_teen_outcome_has_only_the_domains_of_teen_items() -> None:
    outcome = scoring.score(DEFINITION, "teen", {"P2": 1, "A1": 0, "H1": 2, "T3": 0, "R1": 3})
    assert [d.code for d in outcome.domains] == ["P", "A", "H", "T"]


def test_a_teen_outcome_ignores_answers_to_adult_only_items() -> None:
    outcome = scoring.score(DEFINITION, "teen", {"S2": "yes", **E_HIGH})
    assert (outcome.red_flags, outcome.domain("E")) == ((), None)


def test_a_child_outcome_has_the_parenting_domain_only() -> None:
    outcome = scoring.score(DEFINITION, "child", {"P1": 1, "P2": 1, "P3": 1, "P4": 1})
    assert ([d.code for d in outcome.domains], outcome.protective) == (["P"], ())


# --- partner discrepancy ----------------------------------------------------------------------


def scored(**scores: int | None) -> Outcome:
    domains = tuple(
        DomainScore(code, value, None if value is None else scoring.band_for(value, BANDS), 6, 6)
        for code, value in scores.items()
    )
    return Outcome(scoring.SCORER_VERSION, domains, (), None)


def gap(first: Outcome, second: Outcome, code: str) -> scoring.Gap:
    return next(g for g in scoring.discrepancy(DEFINITION, first, second) if g.domain == code)


def test_partner_discrepancy_is_the_absolute_difference_per_domain() -> None:
    result = gap(scored(F=10), scored(F=60), "F")
    assert (result.first, result.second, result.gap) == (10, 60, 50)


@pytest.mark.parametrize("code", ["E", "S"])
def test_a_gap_of_thirty_on_emotional_or_safety_is_an_asymmetry(code: str) -> None:
    assert gap(scored(**{code: 70}), scored(**{code: 40}), code).asymmetry


@pytest.mark.parametrize("code", ["E", "S"])
def test_a_gap_of_twenty_nine_is_no_asymmetry(code: str) -> None:
    assert not gap(scored(**{code: 69}), scored(**{code: 40}), code).asymmetry


@pytest.mark.parametrize("code", ["F", "C", "D", "P", "A", "H", "T"])
def test_a_large_gap_on_other_domains_is_no_asymmetry(code: str) -> None:
    result = gap(scored(**{code: 0}), scored(**{code: 100}), code)
    assert (result.gap, result.asymmetry) == (100, False)


def test_no_gap_is_computed_when_one_partner_left_the_domain_incomplete() -> None:
    result = gap(scored(E=100), scored(E=None), "E")
    assert (result.gap, result.asymmetry) == (None, False)


def test_partners_scoring_the_emotional_domain_far_apart_show_an_asymmetry() -> None:
    first, second = adult(E_HIGH), adult(E_MODERATE)  # 100 and 33
    result = gap(first, second, "E")
    assert (result.gap, result.asymmetry) == (67, True)


# --- recommendations --------------------------------------------------------------------------


def test_emotional_elevated_in_a_couple_proposes_couples_therapy_and_counselling() -> None:
    assert {"couples_therapy", "psychological_counselling"} <= proposed(
        adult(E_ELEVATED), couple=True
    )


def test_a_red_flag_withholds_couples_therapy() -> None:
    codes = proposed(adult({**E_ELEVATED, "S3": "yes"}), couple=True)
    assert not codes & {"couples_therapy", "psychological_counselling"}


def test_emotional_elevated_without_a_couple_proposes_no_couples_therapy() -> None:
    assert "couples_therapy" not in proposed(adult(E_ELEVATED), couple=False)


def test_emotional_moderate_proposes_no_couples_therapy() -> None:
    assert "couples_therapy" not in proposed(adult(E_MODERATE), couple=True)


def test_parenting_elevated_with_a_teenager_proposes_family_therapy_and_teen_workshops() -> None:
    codes = proposed(adult(P_ELEVATED), child_ages=(15,))
    assert {"family_therapy", "teen_parent_workshops"} <= codes
    assert "school_for_parents" not in codes


def test_parenting_elevated_with_a_five_year_old_proposes_school_for_parents() -> None:
    codes = proposed(adult(P_ELEVATED), child_ages=(5,))
    assert {"family_therapy", "school_for_parents"} <= codes
    assert "teen_parent_workshops" not in codes


def test_parenting_elevated_without_a_child_proposes_no_family_therapy() -> None:
    assert "family_therapy" not in proposed(adult(P_ELEVATED), child_ages=())


def test_a_child_showing_problems_often_proposes_child_therapy_and_group_classes() -> None:
    answers = {"P1": 0, "P4": 2}  # P = 2/6 = 33, moderate
    codes = proposed(adult(answers), child_ages=(10,), answers=answers)
    assert {"child_individual_therapy", "group_tus"} <= codes


def test_parenting_high_proposes_child_therapy_even_with_p4_low() -> None:
    codes = proposed(adult(P_HIGH), child_ages=(10,), answers=P_HIGH)
    assert {"child_individual_therapy", "group_tus"} <= codes


def test_a_child_showing_problems_rarely_proposes_no_child_therapy() -> None:
    answers = {"P1": 0, "P4": 1}
    assert "child_individual_therapy" not in proposed(
        adult(answers), child_ages=(10,), answers=answers
    )


def test_addictions_elevated_proposes_an_mcpu_consultation() -> None:
    assert "mcpu_consultation" in proposed(adult(A_ELEVATED))


def test_economic_elevated_proposes_mops_social_work() -> None:
    assert "mops_social_work" in proposed(adult(F_ELEVATED))


def test_cultural_elevated_proposes_psychoeducation() -> None:
    assert "psychoeducation" in proposed(adult(C_ELEVATED))


def test_daily_life_elevated_proposes_family_counselling_and_care_services() -> None:
    assert "family_counselling_care" in proposed(adult(D_ELEVATED))


def test_dependence_on_daily_care_proposes_family_counselling_and_care_services() -> None:
    answers = {"H1": 0, "H3": 2}
    assert "family_counselling_care" in proposed(adult(answers), answers=answers)


def test_health_elevated_in_an_adult_proposes_individual_therapy() -> None:
    assert "adult_individual_therapy" in proposed(adult(H_ELEVATED), adult_respondent=True)


def test_health_elevated_in_a_teen_proposes_no_adult_therapy() -> None:
    outcome = scoring.score(DEFINITION, "teen", {"H1": 3})
    assert "adult_individual_therapy" not in proposed(outcome, adult_respondent=False)


def test_suicidal_thoughts_reported_by_an_adult_propose_a_psychiatric_referral() -> None:
    answers = {"H2": "yes"}
    assert "psychiatric_referral" in proposed(adult(answers), answers=answers)


def test_an_asymmetry_proposes_separate_sessions() -> None:
    assert "separate_sessions" in proposed(adult(E_MODERATE), asymmetry=True)


def test_no_asymmetry_proposes_no_separate_sessions() -> None:
    assert "separate_sessions" not in proposed(adult(E_MODERATE), asymmetry=False)


def test_any_red_flag_proposes_a_safety_plan() -> None:
    assert "safety_plan" in proposed(adult({"S5": "yes"}))


def test_a_red_flag_in_a_family_with_a_child_proposes_a_cpd_referral() -> None:
    assert {"safety_plan", "cpd_referral"} <= proposed(adult({"S5": "yes"}), child_ages=(17,))


def test_a_red_flag_in_a_family_without_children_proposes_no_cpd_referral() -> None:
    assert "cpd_referral" not in proposed(adult({"S5": "yes"}), child_ages=())


def test_a_low_result_proposes_nothing() -> None:
    answers = {**E_LOW, "S1": 0, "P1": 0, "P4": 0}
    assert proposed(adult(answers), couple=True, child_ages=(5, 15), answers=answers) == set()


# --- storing ----------------------------------------------------------------------------------


def test_an_outcome_survives_a_round_trip_through_json() -> None:
    outcome = adult({**E_MODERATE, "E1": 2, "F1": 3, "S1": 2, "S2": "dont_know", "R1": 1},
                    {"E": 2})  # fmt: skip
    stored = json.loads(json.dumps(outcome.as_json()))
    assert Outcome.from_json(stored) == outcome


def test_an_outcome_records_the_scorer_version() -> None:
    assert adult(E_LOW).scorer_version == scoring.SCORER_VERSION
