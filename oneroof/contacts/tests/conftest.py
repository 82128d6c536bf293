"""The walled family (mother protected from father, their child) with an open case managed by
the case-manager persona; the therapist persona is the father's individual therapist."""

from __future__ import annotations

import pytest

from oneroof.accounts.models import User
from oneroof.cases.tests.factories import CaseTeamMemberFactory
from oneroof.families.tests import conftest as families_conftest
from oneroof.families.tests.conftest import WalledFamily, acting

walled_family = families_conftest.walled_family  # the family with a wall, as a fixture here


@pytest.fixture
def actors(staff: dict[str, User]) -> dict[str, User]:
    """The personas, each acting in their role (as the middleware would set it)."""
    return {role: acting(user) for role, user in staff.items()}


@pytest.fixture
def wf(walled_family: WalledFamily, actors: dict[str, User]) -> WalledFamily:
    walled_family.case.case_manager = actors["case_manager"]
    walled_family.case.save()
    CaseTeamMemberFactory(
        case=walled_family.case, user=actors["therapist"], works_with=[walled_family.father]
    )
    return walled_family
