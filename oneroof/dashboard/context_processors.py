from __future__ import annotations

from django.http import HttpRequest

from oneroof.assessment.services import ALERT_DECIDING_ROLES
from oneroof.families.access import CASE_ROLES
from oneroof.intake.handovers import can_see_handovers
from oneroof.intake.services import can_register_intake
from oneroof.organisation.permissions import active_role
from oneroof.tasks.permissions import TASK_ROLES


def case_navigation(request: HttpRequest) -> dict[str, bool]:
    """Which case-work sections the navigation offers: the checks the views make."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {
            "can_see_families": False,
            "can_register_intake": False,
            "can_see_handovers": False,
            "can_see_alerts": False,
            "can_see_tasks": False,
        }
    return {
        "can_see_families": active_role(user) in CASE_ROLES,
        "can_register_intake": can_register_intake(user),
        "can_see_handovers": can_see_handovers(user),
        "can_see_alerts": active_role(user) in ALERT_DECIDING_ROLES,
        "can_see_tasks": active_role(user) in TASK_ROLES,
    }
