"""Eligibility rules as data → proposed centres, most specific first (pure, no database)."""

from __future__ import annotations

from oneroof.intake.routing import CentreRule, FamilyFacts, PersonFacts, propose_centres

WODNA = CentreRule(1, "Wodna 2B", "partner_pair")
KRAKOWIAKOW = CentreRule(2, "Krakowiaków 2", "child_in_family")
CPD = CentreRule(3, "Centrum Pomocy Dzieciom", "child_victim")
RULES = [WODNA, KRAKOWIAKOW, CPD]


def _labels(facts: FamilyFacts) -> list[str]:
    return [p.centre_label for p in propose_centres(facts, RULES)]


def test_parents_with_children_of_8_and_15_are_proposed_krakowiakow_first() -> None:
    facts = FamilyFacts(
        persons=(
            PersonFacts("m", 40),
            PersonFacts("f", 42),
            PersonFacts("a", 8),
            PersonFacts("b", 15),
        ),
        partner_pairs=(("m", "f"),),
    )
    assert _labels(facts)[0] == "Krakowiaków 2"


def test_a_couple_without_children_is_proposed_wodna_only() -> None:
    facts = FamilyFacts(
        persons=(PersonFacts("a", 34), PersonFacts("b", 36)), partner_pairs=(("a", "b"),)
    )
    assert _labels(facts) == ["Wodna 2B"]


def test_a_child_who_experienced_violence_is_proposed_the_cpd_first() -> None:
    facts = FamilyFacts(
        persons=(PersonFacts("m", 38), PersonFacts("c", 10, experienced_violence=True))
    )
    assert _labels(facts)[0] == "Centrum Pomocy Dzieciom"


def test_a_25_year_old_who_experienced_violence_is_not_proposed_the_cpd() -> None:
    facts = FamilyFacts(persons=(PersonFacts("x", 25, experienced_violence=True),))
    assert "Centrum Pomocy Dzieciom" not in _labels(facts)


def test_a_teenage_couple_is_not_proposed_the_couples_centre() -> None:
    facts = FamilyFacts(
        persons=(PersonFacts("a", 17), PersonFacts("b", 19)), partner_pairs=(("a", "b"),)
    )
    assert "Wodna 2B" not in _labels(facts)


def test_the_reason_names_the_childrens_ages() -> None:
    facts = FamilyFacts(persons=(PersonFacts("m", 40), PersonFacts("a", 8), PersonFacts("b", 15)))
    proposal = propose_centres(facts, [KRAKOWIAKOW])[0]
    assert "8, 15" in proposal.reasons[0]
