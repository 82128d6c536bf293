from __future__ import annotations

import pytest

from oneroof.accounts.models import User
from oneroof.cases.models import Case
from oneroof.cases.tests.factories import CaseFactory
from oneroof.families.tests.conftest import acting
from oneroof.families.tests.factories import FamilyFactory, FamilyMemberFactory
from oneroof.organisation.models import Centre


@pytest.fixture
def actors(staff: dict[str, User]) -> dict[str, User]:
    """The personas, each acting in their role (as the middleware would set it)."""
    return {role: acting(user) for role, user in staff.items()}


@pytest.fixture
def case(centre: Centre, actors: dict[str, User]) -> Case:
    """A case at ``centre`` managed by the case-manager persona, with one family member."""
    family = FamilyFactory(registered_at=centre)
    FamilyMemberFactory(family=family)
    return CaseFactory(family=family, centre=centre, case_manager=actors["case_manager"])
