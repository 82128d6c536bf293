from __future__ import annotations

import pytest

from oneroof.intake.tests.factories import EligibilityRuleFactory
from oneroof.organisation.models import Centre
from oneroof.organisation.tests.factories import CentreFactory


@pytest.fixture
def centres(centre: Centre, other_centre: Centre) -> dict[str, Centre]:
    """The three centres with their rules: ``centre`` is Krakowiaków, ``other_centre`` Wodna."""
    cpd = CentreFactory(code="cpd", name="Centrum Pomocy Dzieciom", address="ul. Wadowicka 8W")
    EligibilityRuleFactory(centre=centre, requirement="child_in_family")
    EligibilityRuleFactory(centre=other_centre, requirement="partner_pair")
    EligibilityRuleFactory(centre=cpd, requirement="child_victim", overridable=False)
    return {"krakowiakow": centre, "wodna": other_centre, "cpd": cpd}
