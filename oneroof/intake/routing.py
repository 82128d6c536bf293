"""Which centre fits a family: eligibility rules (stored per centre) applied to family facts.

Pure functions over plain values, so the rules are tested without a database and the result
can be stored with the referral exactly as it was shown to the intake worker.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import EligibilityRule

Requirement = EligibilityRule.Requirement

# A centre matched by a narrower rule is proposed first: a child victim is the CPD's client
# before the family is Krakowiaków's, and a family with children before a couple.
SPECIFICITY: dict[str, int] = {
    Requirement.CHILD_VICTIM: 3,
    Requirement.CHILD_IN_FAMILY: 2,
    Requirement.PARTNER_PAIR: 1,
}
ADULT_AGE = 18


@dataclass(frozen=True)
class PersonFacts:
    key: str
    age: int
    experienced_violence: bool = False


@dataclass(frozen=True)
class FamilyFacts:
    persons: tuple[PersonFacts, ...]
    partner_pairs: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class CentreRule:
    centre_id: int
    centre_label: str
    requirement: str
    max_child_age: int = ADULT_AGE


@dataclass(frozen=True)
class Proposal:
    centre_id: int
    centre_label: str
    reasons: tuple[str, ...]
    specificity: int

    def as_json(self) -> dict[str, object]:
        return {"centre_id": self.centre_id, "centre": self.centre_label, "reasons": self.reasons}


def _check(rule: CentreRule, facts: FamilyFacts) -> str | None:
    """The reason the rule holds, or None when it does not."""
    ages = {person.key: person.age for person in facts.persons}
    if rule.requirement == Requirement.PARTNER_PAIR:
        pairs = [
            (a, b)
            for a, b in facts.partner_pairs
            if ages.get(a, 0) >= ADULT_AGE and ages.get(b, 0) >= ADULT_AGE
        ]
        return _("two adults in a partner relationship") if pairs else None
    children = sorted(p.age for p in facts.persons if p.age < rule.max_child_age)
    if rule.requirement == Requirement.CHILD_IN_FAMILY:
        if not children:
            return None
        return ngettext(
            "%(count)d child under %(limit)d (age %(ages)s)",
            "%(count)d children under %(limit)d (ages %(ages)s)",
            len(children),
        ) % {
            "count": len(children),
            "limit": rule.max_child_age,
            "ages": ", ".join(str(a) for a in children),
        }
    if rule.requirement == Requirement.CHILD_VICTIM:
        victims = sorted(
            p.age for p in facts.persons if p.experienced_violence and p.age < rule.max_child_age
        )
        if not victims:
            return None
        return _("a child under %(limit)d who experienced violence (age %(ages)s)") % {
            "limit": rule.max_child_age,
            "ages": ", ".join(str(a) for a in victims),
        }
    return None


def propose_centres(facts: FamilyFacts, rules: list[CentreRule]) -> list[Proposal]:
    """Centres whose every active rule holds, the most specific match first."""
    by_centre: dict[int, list[CentreRule]] = {}
    for rule in rules:
        by_centre.setdefault(rule.centre_id, []).append(rule)
    proposals = []
    for centre_rules in by_centre.values():
        reasons = [_check(rule, facts) for rule in centre_rules]
        if all(reason is not None for reason in reasons):
            proposals.append(
                Proposal(
                    centre_id=centre_rules[0].centre_id,
                    centre_label=centre_rules[0].centre_label,
                    reasons=tuple(r for r in reasons if r is not None),
                    specificity=max(SPECIFICITY.get(r.requirement, 0) for r in centre_rules),
                )
            )
    return sorted(proposals, key=lambda p: (-p.specificity, p.centre_label))
