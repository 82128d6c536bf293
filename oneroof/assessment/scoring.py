"""NORR scoring: a pure, versioned function of an instrument definition and the answers.

No ORM, no clock, no settings: the same inputs give the same outcome forever, and the outcome
records ``SCORER_VERSION`` so a stored result stays interpretable after the rules change.
The rules are shared/domain/norr.md:

* domain score = item scores ÷ the maximum for the *answered* items x 100, rounded; a domain
  with fewer than half its items answered is incomplete, not low;
* bands: low < 25 ≤ moderate < 50 ≤ elevated < 75 ≤ high; a clinician rating of 2 raises a
  band one level, never lowers it;
* overall = the highest domain band, one level up when three or more domains are elevated or
  higher; any red flag makes the result critical;
* the protective domain (R) is reported apart and never subtracted from risk.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

SCORER_VERSION = "norr-scoring/1"
BANDS = ("low", "moderate", "elevated", "high")
CRITICAL = "critical"
SCORED_SCALES = frozenset({"freq", "agree"})
MAX_ITEM_SCORE = 3
CLINICIAN_RAISES_AT = 2

Answer = int | str  # 0–3 on freq/agree, "yes" / "no" / "dont_know" on flag items


@dataclass(frozen=True)
class DomainScore:
    code: str
    score: int | None
    band: str | None  # None when incomplete
    answered: int
    total: int
    raised_by_clinician: bool = False

    @property
    def complete(self) -> bool:
        return self.band is not None


@dataclass(frozen=True)
class RedFlag:
    item: str
    answer: Answer


@dataclass(frozen=True)
class Outcome:
    scorer_version: str
    domains: tuple[DomainScore, ...]
    protective: tuple[DomainScore, ...]
    overall_band: str | None
    red_flags: tuple[RedFlag, ...] = ()
    unresolved: tuple[str, ...] = ()  # flag items answered "don't know"
    overall_raised: bool = False

    @property
    def is_critical(self) -> bool:
        return bool(self.red_flags)

    def domain(self, code: str) -> DomainScore | None:
        return next((d for d in (*self.domains, *self.protective) if d.code == code), None)

    def as_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Outcome:
        return cls(
            scorer_version=data["scorer_version"],
            domains=tuple(DomainScore(**d) for d in data["domains"]),
            protective=tuple(DomainScore(**d) for d in data["protective"]),
            overall_band=data["overall_band"],
            red_flags=tuple(RedFlag(**f) for f in data["red_flags"]),
            unresolved=tuple(data["unresolved"]),
            overall_raised=data.get("overall_raised", False),
        )


def band_for(score: int, thresholds: Sequence[Sequence[Any]]) -> str:
    band = str(thresholds[0][1])
    for lower, name in thresholds:
        if score >= lower:
            band = str(name)
    return band


def raise_band(band: str) -> str:
    return BANDS[min(BANDS.index(band) + 1, len(BANDS) - 1)]


def band_rank(band: str | None) -> int:
    if band == CRITICAL:
        return len(BANDS)
    return BANDS.index(band) if band in BANDS else -1


def items_for_form(definition: Mapping[str, Any], form: str) -> list[dict[str, Any]]:
    """The items a respondent of ``form`` (adult, teen, child) is asked, in order."""
    chosen = definition["forms"][form]["items"]
    items: list[dict[str, Any]] = definition["items"]
    if chosen == "all":
        return list(items)
    if chosen == "teen":
        return [item for item in items if item.get("teen")]
    wanted = set(chosen)
    return [item for item in items if item["id"] in wanted]


def item_score(item: Mapping[str, Any], answer: Answer) -> int:
    value = int(answer)
    return MAX_ITEM_SCORE - value if item.get("reverse") else value


def _red_flag(item: Mapping[str, Any], answer: Answer) -> bool:
    if "red_flag" in item and answer == item["red_flag"]:
        return True
    threshold = item.get("red_flag_at")
    return threshold is not None and isinstance(answer, int) and answer >= threshold


def score(
    definition: Mapping[str, Any],
    form: str,
    answers: Mapping[str, Answer],
    clinician: Mapping[str, int] | None = None,
) -> Outcome:
    """Score one administration. ``answers`` maps item ids to answers; unanswered items are
    absent. ``clinician`` maps domain codes to the clinician's 0–2 rating."""
    clinician = clinician or {}
    rules = definition["scoring"]
    items = items_for_form(definition, form)
    risk: list[DomainScore] = []
    protective: list[DomainScore] = []
    for domain in definition["domains"]:
        code = domain["code"]
        scored = [i for i in items if i["domain"] == code and i["scale"] in SCORED_SCALES]
        if not scored:
            continue
        given = [(i, answers[i["id"]]) for i in scored if i["id"] in answers]
        result = _domain_score(code, scored, given, rules, clinician.get(code, 0))
        (protective if domain["kind"] == "protective" else risk).append(result)

    red_flags = tuple(
        RedFlag(item["id"], answers[item["id"]])
        for item in items
        if item["id"] in answers and _red_flag(item, answers[item["id"]])
    )
    unresolved = tuple(
        item["id"]
        for item in items
        if item["scale"] == "flag" and answers.get(item["id"]) == "dont_know"
    )
    overall, raised = _overall(risk, rules)
    return Outcome(
        scorer_version=SCORER_VERSION,
        domains=tuple(risk),
        protective=tuple(protective),
        overall_band=CRITICAL if red_flags else overall,
        red_flags=red_flags,
        unresolved=unresolved,
        overall_raised=raised and not red_flags,
    )


def _domain_score(
    code: str,
    scored: list[dict[str, Any]],
    given: list[tuple[dict[str, Any], Answer]],
    rules: Mapping[str, Any],
    clinician_rating: int,
) -> DomainScore:
    if not given or len(given) < len(scored) * rules["min_answered_ratio"]:
        return DomainScore(code, None, None, len(given), len(scored))
    total = sum(item_score(item, answer) for item, answer in given)
    value = round(total * 100 / (MAX_ITEM_SCORE * len(given)))
    band = band_for(value, rules["bands"])
    raised = clinician_rating >= CLINICIAN_RAISES_AT and band != BANDS[-1]
    return DomainScore(
        code, value, raise_band(band) if raised else band, len(given), len(scored), raised
    )


def _overall(risk: list[DomainScore], rules: Mapping[str, Any]) -> tuple[str | None, bool]:
    bands = [d.band for d in risk if d.band is not None]
    if not bands:
        return None, False
    highest = max(bands, key=band_rank)
    elevated = sum(1 for band in bands if band_rank(band) >= band_rank("elevated"))
    if elevated >= rules["elevated_domains_to_raise_overall"] and highest != BANDS[-1]:
        return raise_band(highest), True
    return highest, False


# --- partners ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Gap:
    domain: str
    first: int | None
    second: int | None
    gap: int | None
    asymmetry: bool


def discrepancy(definition: Mapping[str, Any], first: Outcome, second: Outcome) -> tuple[Gap, ...]:
    """Per risk domain, |score A - score B|; a large gap on E or S signals asymmetry
    (recommend individual sessions before joint work)."""
    rules = definition["scoring"]
    gaps = []
    for domain in first.domains:
        other = second.domain(domain.code)
        a, b = domain.score, other.score if other else None
        gap = abs(a - b) if a is not None and b is not None else None
        asymmetric = (
            gap is not None
            and gap >= rules["asymmetry_gap"]
            and domain.code in rules["asymmetry_domains"]
        )
        gaps.append(Gap(domain.code, a, b, gap, asymmetric))
    return tuple(gaps)


# --- recommendations --------------------------------------------------------------------------


@dataclass(frozen=True)
class FamilyContext:
    """What the recommendation rules may ask about the family and the respondent."""

    couple: bool = False
    child_ages: tuple[int, ...] = ()
    adult_respondent: bool = True
    asymmetry: bool = False
    answers: Mapping[str, Answer] = field(default_factory=dict)


def recommend(
    definition: Mapping[str, Any], outcome: Outcome, context: FamilyContext
) -> list[dict[str, Any]]:
    """The recommendation rules of the instrument whose conditions hold, in their order."""
    return [
        rule for rule in definition["recommendations"] if _holds(rule["when"], outcome, context)
    ]


def _holds(condition: Mapping[str, Any], outcome: Outcome, context: FamilyContext) -> bool:
    checks = []
    for key, value in condition.items():
        if key == "all":
            checks.append(all(_holds(c, outcome, context) for c in value))
        elif key == "any":
            checks.append(any(_holds(c, outcome, context) for c in value))
        elif key == "any_red_flag":
            checks.append(outcome.is_critical == value)
        elif key == "no_red_flag":
            checks.append((not outcome.is_critical) == value)
        elif key == "domain_at_least":
            code, band = value
            found = outcome.domain(code)
            checks.append(found is not None and band_rank(found.band) >= band_rank(band))
        elif key == "item_at_least":
            item, minimum = value
            answer = context.answers.get(item)
            checks.append(isinstance(answer, int) and answer >= minimum)
        elif key == "item_is":
            item, expected = value
            checks.append(context.answers.get(item) == expected)
        elif key == "couple":
            checks.append(context.couple == value)
        elif key == "child_age_between":
            low, high = value
            checks.append(any(low <= age <= high for age in context.child_ages))
        elif key == "adult_respondent":
            checks.append(context.adult_respondent == value)
        elif key == "asymmetry":
            checks.append(context.asymmetry == value)
        else:
            raise ValueError(f"Unknown recommendation condition: {key}")
    return all(checks)
