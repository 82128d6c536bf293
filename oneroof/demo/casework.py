"""Case work for the demo, done through the real services (so the timeline, the audit trail and
the rule tasks follow): the coordinators assign the demo case managers to open cases of their
centres and put the demo therapists on the teams; at os. Krakowiaków one case gets a two-stage
support plan, approved by the clinical lead. A newcomer signing in as ``case.manager`` finds
cases of their own.

Safe to re-run: once any case has a case manager, nothing is done. All of it is fictional."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from oneroof.accounts.models import User
from oneroof.cases import plans, services
from oneroof.cases.models import Case
from oneroof.organisation.models import Membership

CASES_PER_MANAGER = 4
# centre → (coordinator, case manager, therapists put on the teams)
STAFFING = {
    "krakowiakow": ("koordynator", "case.manager", ("terapeuta", "konsultant.mcpu")),
    "wodna": ("koordynator", "case.manager.wodna", ()),
}
STAGES = (
    ("Stabilizacja i bezpieczeństwo", "Spokojne poranki przed szkołą: 4 z 5 dni w tygodniu"),
    ("Praca nad relacjami", "Wspólny posiłek rodziny co najmniej 3 razy w tygodniu"),
)


def _acting(username: str, centre_code: str) -> User:
    """The demo account acting in its role at that centre, as the middleware would set it."""
    user = User.objects.get(username=username)
    user.active_membership = Membership.objects.select_related("centre").get(
        user=user, centre__code=centre_code
    )
    return user


@transaction.atomic
def load_demo_casework() -> int:
    """Assign the demo case managers and teams, and plan one case; return the cases touched."""
    if Case.objects.filter(case_manager__isnull=False).exists():
        return 0
    touched = 0
    for centre_code, (coordinator_name, manager_name, therapists) in STAFFING.items():
        coordinator = _acting(coordinator_name, centre_code)
        manager = _acting(manager_name, centre_code)
        cases = (
            Case.objects.filter(centre__code=centre_code)
            .exclude(status=Case.Status.CLOSED)
            .order_by("pk")[:CASES_PER_MANAGER]
        )
        for case in cases:
            case = services.assign_case_manager(actor=coordinator, case=case, case_manager=manager)
            for therapist in therapists:
                services.add_team_member(
                    actor=coordinator, case=case, user=User.objects.get(username=therapist)
                )
            touched += 1
        first = cases.first()
        if first is not None and centre_code == "krakowiakow":
            _plan(first, manager, _acting("kierownik.kliniczny", centre_code))
    return touched


def _plan(case: Case, manager: User, lead: User) -> None:
    plan = plans.create_plan(actor=manager, case=case)
    concerns = [member.person for member in case.family.members.all()[:1]]
    for weeks, (stage_name, goal) in enumerate(STAGES, start=1):
        stage = plans.add_stage(
            actor=manager,
            plan=plan,
            name=stage_name,
            review_on=timezone.localdate() + timedelta(weeks=6 * weeks),
        )
        plans.add_goal(
            actor=manager,
            stage=stage,
            description=goal,
            target_date=timezone.localdate() + timedelta(weeks=12 * weeks),
            responsible=manager,
            concerns=concerns,
        )
    plans.submit_plan(actor=manager, plan=plan)
    plans.approve_plan(actor=lead, plan=plan, comment="Plan adekwatny do diagnozy (demo).")
