"""Every URL of the project, for every subject (anonymous + one signed-in user per role).

The matrix below is the access policy as the views implement it, written as data. Each row
names a URL (its ``namespace:name``, or its route for the admin's unnamed patterns) and, for
each variant of its arguments (own centre, other centre, own action …), what each subject
gets back on a GET. A URL that has no row fails ``test_every_url_pattern_has_a_matrix_row``,
so nobody can add a page without deciding who may open it.

POST-only endpoints answer 405 to a GET here; their POST behaviour is tested beside the app.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any
from urllib.parse import urlsplit

import pytest
from axes.models import AccessAttempt
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.utils import timezone
from django_q.models import Schedule
from django_q.models import Task as Job

from conftest import make_staff
from oneroof.accounts.models import User
from oneroof.assessment import scoring
from oneroof.assessment import services as assessment
from oneroof.assessment.models import (
    Administration,
    AssessmentResult,
    Recommendation,
    SafetyAlert,
)
from oneroof.audit import services as audit
from oneroof.audit.models import AuditEvent
from oneroof.cases.models import Case, CaseNote, SupportPlan
from oneroof.cases.tests.factories import CaseFactory, CaseTeamMemberFactory
from oneroof.contacts.models import ContactRecord
from oneroof.contacts.tests.factories import ContactRecordFactory
from oneroof.core.types import AuditContext
from oneroof.families.models import Family, Person
from oneroof.families.tests.factories import FamilyFactory, FamilyMemberFactory, PersonFactory
from oneroof.intake.models import CentreHandover, EligibilityRule
from oneroof.intake.tests.factories import (
    CentreHandoverFactory,
    EligibilityRuleFactory,
    ReferralFactory,
)
from oneroof.notifications.models import Notification
from oneroof.organisation.models import Centre, Membership, Role
from oneroof.organisation.tests.factories import CentreFactory, RoomFactory
from oneroof.tasks.models import Task

ANONYMOUS = "anonymous"
ROLES = tuple(role.value for role in Role)
SUBJECTS = (ANONYMOUS, *ROLES)


# --- what a subject gets back ---------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    status: int
    redirect_to: str | None = None  # URL name the Location header must resolve to

    def __str__(self) -> str:
        return str(self.status)


OK = Answer(200)
FORBIDDEN = Answer(403)
NOT_FOUND = Answer(404)
NOT_ALLOWED = Answer(405)
TO_LOGIN = Answer(302, "two_factor:login")
TO_ADMIN_LOGIN = Answer(302, "admin:login")  # which itself sends the anonymous to TO_LOGIN


def redirect(url_name: str) -> Answer:
    return Answer(302, url_name)


def answers(*, anonymous: Answer, signed_in: Answer, **per_role: Answer) -> dict[str, Answer]:
    """Answers for every subject: ``signed_in`` for each role unless named in ``per_role``."""
    unknown = set(per_role) - set(ROLES)
    assert not unknown, f"not roles: {unknown}"
    return {ANONYMOUS: anonymous, **{role: per_role.get(role, signed_in) for role in ROLES}}


AUDIT_BROWSERS = ("dpo", "coordinator", "clinical_lead", "sysadmin")

PAGE_FOR_EVERY_ROLE = answers(anonymous=TO_LOGIN, signed_in=OK)
PAGE_FOR_AUDIT_BROWSERS = answers(
    anonymous=TO_LOGIN, signed_in=FORBIDDEN, **dict.fromkeys(AUDIT_BROWSERS, OK)
)
POST_ONLY_BEHIND_LOGIN = answers(anonymous=TO_LOGIN, signed_in=NOT_ALLOWED)
CASE_ROLE_NAMES = ("intake", "case_manager", "therapist", "coordinator", "clinical_lead")
PAGE_FOR_CASE_ROLES = answers(
    anonymous=TO_LOGIN, signed_in=FORBIDDEN, **dict.fromkeys(CASE_ROLE_NAMES, OK)
)


def handover_page(*, coordinator: Answer, case_manager: Answer) -> dict[str, Answer]:
    """Handovers: coordinators and case managers only; the other roles are refused."""
    return answers(
        anonymous=TO_LOGIN,
        signed_in=FORBIDDEN,
        coordinator=coordinator,
        case_manager=case_manager,
    )


ANSWERING_ROLE_NAMES = ("case_manager", "therapist", "clinical_lead")


def norr_answers_page(allowed: Answer, *, roles: tuple[str, ...]) -> dict[str, Answer]:
    """A person's NORR answers: roles outside case work are refused; case roles get 404
    unless they may see this person's answers (``roles``), who get ``allowed``."""
    per_role = {**dict.fromkeys(CASE_ROLE_NAMES, NOT_FOUND), **dict.fromkeys(roles, allowed)}
    return answers(anonymous=TO_LOGIN, signed_in=FORBIDDEN, **per_role)


def norr_results_page(*, roles: tuple[str, ...]) -> dict[str, Answer]:
    """A person's NORR result: roles outside case work are refused; case roles get 404 unless
    they may see this person's results (``roles``): the case team and the clinical lead
    (walls permitting), and the coordinator (bands and red flags, never answers)."""
    per_role = {**dict.fromkeys(CASE_ROLE_NAMES, NOT_FOUND), **dict.fromkeys(roles, OK)}
    return answers(anonymous=TO_LOGIN, signed_in=FORBIDDEN, **per_role)


def alert_page(*, roles: tuple[str, ...]) -> dict[str, Answer]:
    """A safety alert: roles outside case work are refused the section; case roles get 404
    unless the alert is in their scope (``roles``): the centre's coordinator and clinical
    lead, and the case manager of the alert's case. Therapists and intake never see alerts."""
    per_role = {**dict.fromkeys(CASE_ROLE_NAMES, NOT_FOUND), **dict.fromkeys(roles, OK)}
    return answers(anonymous=TO_LOGIN, signed_in=FORBIDDEN, **per_role)


TASK_ROLE_NAMES = ("case_manager", "therapist", "coordinator", "clinical_lead")


def task_page(*allowed: str, **per_role: Answer) -> dict[str, Answer]:
    """Task pages: intake and roles outside case work are refused the section; ``allowed``
    roles get the page, ``per_role`` says what the others get."""
    return answers(
        anonymous=TO_LOGIN, signed_in=FORBIDDEN, **dict.fromkeys(allowed, OK), **per_role
    )


def admin_page(sysadmin: Answer = OK) -> dict[str, Answer]:
    """The configuration back-office: the system administrator only."""
    return answers(anonymous=TO_ADMIN_LOGIN, signed_in=FORBIDDEN, sysadmin=sysadmin)


# --- the objects the URLs point at, built only when a row needs them -------------------------


class World:
    """Records the URLs of one test point at; each is created on first use."""

    def __init__(self, centre: Centre, other_centre: Centre, subject: User | None) -> None:
        self.centre = centre
        self.other_centre = other_centre
        self.subject = subject

    @cached_property
    def colleague(self) -> User:
        return make_staff(Role.CASE_MANAGER, self.centre, "kolega")

    @cached_property
    def stranger(self) -> User:
        return make_staff(Role.CASE_MANAGER, self.other_centre, "obcy")

    def _event(self, actor: User | None, centre: Centre | None, role: str) -> AuditEvent:
        context = AuditContext(
            role=role,
            centre_id=centre.pk if centre else None,
            centre_label=str(centre) if centre else "",
        )
        return audit.record(actor=actor, action="test.something_done", context=context)

    @cached_property
    def event_at_own_centre(self) -> AuditEvent:
        return self._event(self.colleague, self.centre, Role.CASE_MANAGER)

    @cached_property
    def event_at_other_centre(self) -> AuditEvent:
        return self._event(self.stranger, self.other_centre, Role.CASE_MANAGER)

    @cached_property
    def event_without_centre(self) -> AuditEvent:
        return self._event(None, None, "")

    @cached_property
    def own_event(self) -> AuditEvent:
        """An action of the subject, in the role and centre they act in."""
        if self.subject is None:
            return self.event_without_centre
        membership = Membership.objects.select_related("centre").get(user=self.subject)
        return self._event(self.subject, membership.centre, membership.role)

    @cached_property
    def room(self) -> Any:
        return RoomFactory(centre=self.centre)

    @cached_property
    def membership(self) -> Membership:
        return Membership.objects.get(user=self.colleague)

    @cached_property
    def eligibility_rule(self) -> EligibilityRule:
        return EligibilityRuleFactory(centre=self.centre)

    @cached_property
    def access_attempt(self) -> AccessAttempt:
        return AccessAttempt.objects.create(
            username="kolega",
            ip_address="192.0.2.1",
            user_agent="test",
            http_accept="*/*",
            path_info="/konto/logowanie/",
            get_data="",
            post_data="",
            failures_since_start=2,
        )

    def _family_at(self, centre: Centre, *, with_subject: bool) -> Family:
        case = CaseFactory(centre=centre, family=FamilyFactory(registered_at=centre))
        FamilyMemberFactory(family=case.family)
        if with_subject and self.subject is not None:
            CaseTeamMemberFactory(case=case, user=self.subject)
            ReferralFactory(case=case, registered_by=self.subject)
        return case.family

    @cached_property
    def family_at_own_centre(self) -> Family:
        """A family the subject has no link to, at the subject's centre."""
        return self._family_at(self.centre, with_subject=False)

    @cached_property
    def family_of_subject(self) -> Family:
        """A family whose case team includes the subject, who also registered it."""
        return self._family_at(self.centre, with_subject=True)

    @cached_property
    def family_at_other_centre(self) -> Family:
        return self._family_at(self.other_centre, with_subject=False)

    @cached_property
    def third_centre(self) -> Centre:
        return CentreFactory(code="cpd", address="ul. Wadowicka 8W, Kraków")

    def _case_at(self, centre: Centre, case_manager: User | None = None) -> Case:
        family = FamilyFactory(registered_at=centre)
        FamilyMemberFactory(family=family)
        return CaseFactory(centre=centre, family=family, case_manager=case_manager)

    @cached_property
    def case_at_own_centre(self) -> Case:
        """A case at the subject's centre, managed by a colleague."""
        return self._case_at(self.centre, self.colleague)

    @cached_property
    def case_of_subject(self) -> Case:
        """A case at the subject's centre with the subject as its case manager."""
        return self._case_at(self.centre, self.subject)

    @cached_property
    def note_of_subjects_case(self) -> CaseNote:
        return CaseNote.objects.create(
            case=self.case_of_subject, author=self.stranger, level="team", body="…"
        )

    @cached_property
    def contact_of_subjects_case(self) -> ContactRecord:
        case = self.case_of_subject
        person = case.family.members.select_related("person").first().person
        return ContactRecordFactory(case=case, person=person, recorded_by=self.colleague)

    def plan_to_print(self, case: Case) -> Person:
        """Give ``case`` a support plan and an adult family member to sign it."""
        SupportPlan.objects.create(case=case, author=case.case_manager or self.stranger)
        adult = PersonFactory(date_of_birth=date(1980, 4, 2))
        FamilyMemberFactory(family=case.family, person=adult)
        return adult

    @cached_property
    def case_at_other_centre(self) -> Case:
        return self._case_at(self.other_centre, self.stranger)

    def _task(self, case: Case) -> Task:
        return Task.objects.create(
            case=case, kind="manual", title="Telefon do szkoły", due_on=date(2026, 12, 1)
        )

    @cached_property
    def task_of_subject(self) -> Task:
        """A task added by hand to the case the subject manages."""
        return self._task(self.case_of_subject)

    @cached_property
    def task_of_subjects_team(self) -> Task:
        """A task of a case whose team includes the subject."""
        return self._task(self.family_of_subject.cases.get())

    @cached_property
    def task_at_own_centre(self) -> Task:
        return self._task(self.case_at_own_centre)

    @cached_property
    def task_at_other_centre(self) -> Task:
        return self._task(self.case_at_other_centre)

    @cached_property
    def schedule(self) -> Schedule:
        return Schedule.objects.create(name="test", func="oneroof.tasks.jobs.send_task_reminders")

    def _job(self, *, success: bool) -> Job:
        return Job.objects.create(
            id=f"job{int(success)}",
            name="test",
            func="oneroof.tasks.jobs.send_task_reminders",
            started=timezone.now(),
            stopped=timezone.now(),
            success=success,
        )

    @cached_property
    def job_done(self) -> Job:
        return self._job(success=True)

    @cached_property
    def job_failed(self) -> Job:
        return self._job(success=False)

    @cached_property
    def case_shared_with_own_centre(self) -> Case:
        """A case of the other centre whose referral the subject's centre accepted."""
        case = self._case_at(self.other_centre, self.stranger)
        case.shared_with.add(self.centre)
        return case

    def _handover(self, case: Case, to_centre: Centre, **fields: Any) -> CentreHandover:
        return CentreHandoverFactory(case=case, to_centre=to_centre, **fields)

    @cached_property
    def handover_to_own_centre(self) -> CentreHandover:
        return self._handover(self.case_at_other_centre, self.centre)

    @cached_property
    def decided_handover_to_own_centre(self) -> CentreHandover:
        return self._handover(
            self._case_at(self.other_centre),
            self.centre,
            status=CentreHandover.Status.DECLINED,
            decision_reason="Brak miejsc.",
            decided_by=self.colleague,
            decided_at=timezone.now(),
        )

    @cached_property
    def handover_from_own_centre(self) -> CentreHandover:
        return self._handover(self.case_at_own_centre, self.other_centre)

    @cached_property
    def handover_of_subjects_case(self) -> CentreHandover:
        return self._handover(self.case_of_subject, self.other_centre)

    @cached_property
    def handover_between_other_centres(self) -> CentreHandover:
        return self._handover(self.case_at_other_centre, self.third_centre)

    def _in_progress_administration(self, family: Family) -> Administration:
        """An adult's NORR questionnaire, started and not finished, in the family's case."""
        return Administration.objects.create(
            case=family.cases.get(),
            person=family.members.select_related("person").first().person,
            version=assessment.current_version(),
            form=Administration.Form.ADULT,
            administered_by=self.colleague,
        )

    @cached_property
    def in_progress_administration_of_subjects_family(self) -> Administration:
        return self._in_progress_administration(self.family_of_subject)

    @cached_property
    def in_progress_administration_at_own_centre(self) -> Administration:
        return self._in_progress_administration(self.family_at_own_centre)

    @cached_property
    def in_progress_administration_at_other_centre(self) -> Administration:
        return self._in_progress_administration(self.family_at_other_centre)

    def _alert(self, case: Case, *, decided: bool = False) -> SafetyAlert:
        """A red flag raised by a completed NORR administration of the case's first member."""
        administration = Administration.objects.create(
            case=case,
            person=case.family.members.select_related("person").first().person,
            version=assessment.current_version(),
            form=Administration.Form.ADULT,
            status=Administration.Status.COMPLETED,
            completed_at=timezone.now(),
            administered_by=self.colleague,
        )
        decision: dict[str, Any] = {}
        if decided:
            decision = {
                "decided_by": self.colleague,
                "decided_at": timezone.now(),
                "blue_card": SafetyAlert.BlueCard.NOT_OPENED,
                "blue_card_reasons": "Plan bezpieczeństwa wystarcza.",
                "child_referral": SafetyAlert.ChildReferral.NOT_APPLICABLE,
            }
        return SafetyAlert.objects.create(
            case=case,
            administration=administration,
            red_flags=[{"item": "S2", "answer": "yes"}],
            **decision,
        )

    @cached_property
    def alert_of_subjects_case(self) -> SafetyAlert:
        return self._alert(self.case_of_subject)

    @cached_property
    def alert_of_subjects_team(self) -> SafetyAlert:
        return self._alert(self.family_of_subject.cases.get())

    @cached_property
    def alert_at_own_centre(self) -> SafetyAlert:
        return self._alert(self.case_at_own_centre)

    @cached_property
    def decided_alert_at_own_centre(self) -> SafetyAlert:
        return self._alert(self._case_at(self.centre, self.colleague), decided=True)

    @cached_property
    def alert_at_other_centre(self) -> SafetyAlert:
        return self._alert(self.case_at_other_centre)

    @cached_property
    def notification_of_colleague(self) -> Notification:
        return Notification.objects.create(user=self.colleague, message="Test", url="/")

    def _completed_administration(self, family: Family) -> Administration:
        """A completed adult NORR administration of the family's first member, with the
        result stored as scored."""
        administration = Administration.objects.create(
            case=family.cases.get(),
            person=family.members.select_related("person").first().person,
            version=assessment.current_version(),
            form=Administration.Form.ADULT,
            status=Administration.Status.COMPLETED,
            completed_at=timezone.now(),
            administered_by=self.colleague,
        )
        outcome = scoring.score(
            administration.version.definition, administration.form, {"E1": 2, "E2": 1, "E3": 0}
        )
        AssessmentResult.objects.create(
            administration=administration,
            scorer_version=outcome.scorer_version,
            outcome=outcome.as_json(),
            overall_band=outcome.overall_band or "",
            is_critical=outcome.is_critical,
        )
        return administration

    @cached_property
    def completed_administration_of_subjects_family(self) -> Administration:
        return self._completed_administration(self.family_of_subject)

    @cached_property
    def completed_administration_at_own_centre(self) -> Administration:
        return self._completed_administration(self.family_at_own_centre)

    @cached_property
    def completed_administration_at_other_centre(self) -> Administration:
        return self._completed_administration(self.family_at_other_centre)

    @cached_property
    def recommendation_of_subjects_family(self) -> Recommendation:
        administration = self.completed_administration_of_subjects_family
        return Recommendation.objects.create(
            case=administration.case,
            administration=administration,
            code="couples_therapy",
            text="Terapia par",
            provider="dom-terapii",
        )

    def content_type_id(self, model: type) -> int:
        return ContentType.objects.get_for_model(model).pk


# --- rows ---------------------------------------------------------------------------------------


URLBuilder = Callable[[World], str]


@dataclass(frozen=True)
class Variant:
    url: URLBuilder
    expect: Mapping[str, Answer]


@dataclass(frozen=True)
class Row:
    variants: Mapping[str, Variant] = field(default_factory=dict)  # "" when the URL takes no args


def to(name: str, *args: Callable[[World], object], query: str = "") -> URLBuilder:
    def build(world: World) -> str:
        url = reverse(name, args=[arg(world) for arg in args])
        return f"{url}?{query}" if query else url

    return build


def plan_pdf(case: Callable[[World], Case]) -> URLBuilder:
    """The printout of the case's plan, for an adult of its family (both made on first use)."""

    def build(world: World) -> str:
        target = case(world)
        signatory = world.plan_to_print(target)
        return f"{reverse('cases:plan-pdf', args=[target.pk])}?osoba={signatory.pk}"

    return build


def row(url: URLBuilder, expect: Mapping[str, Answer]) -> Row:
    return Row({"": Variant(url, expect)})


def page(name: str, expect: Mapping[str, Answer]) -> Row:
    return row(to(name), expect)


def admin_object_rows(
    model: str, obj: Callable[[World], Any], *, delete: Answer = FORBIDDEN, add: Answer = OK
) -> dict[str, Row]:
    """The six URLs Django's admin gives every registered model, plus its unnamed redirect."""
    app_model = model.replace(".", "_")
    app, name = model.split(".")

    def pk(world: World) -> object:
        return obj(world).pk

    return {
        f"admin:{app_model}_changelist": page(f"admin:{app_model}_changelist", admin_page()),
        f"admin:{app_model}_add": page(f"admin:{app_model}_add", admin_page(add)),
        f"admin:{app_model}_change": row(to(f"admin:{app_model}_change", pk), admin_page()),
        f"admin:{app_model}_history": row(to(f"admin:{app_model}_history", pk), admin_page()),
        f"admin:{app_model}_delete": row(to(f"admin:{app_model}_delete", pk), admin_page(delete)),
        # Django's redirect from the bare object URL to its change page.
        f"admin/{app}/{name}/<path:object_id>/": row(
            lambda w: f"/admin/{app}/{name}/{pk(w)}/",
            admin_page(redirect(f"admin:{app_model}_change")),
        ),
    }


def own_centre_pk(world: World) -> object:
    return world.centre.pk


def other_centre_pk(world: World) -> object:
    return world.other_centre.pk


MATRIX: dict[str, Row] = {
    # --- public --------------------------------------------------------------------------------
    "healthz": page("healthz", answers(anonymous=OK, signed_in=OK)),
    # Django's set_language changes nothing on GET and sends the browser back ("/" here).
    "set_language": page(
        "set_language",
        answers(anonymous=redirect("dashboard:home"), signed_in=redirect("dashboard:home")),
    ),
    # --- sign-in and second factor -------------------------------------------------------------
    # A signed-in user may open the login form again (to sign in as someone else); harmless.
    "two_factor:login": page("two_factor:login", answers(anonymous=OK, signed_in=OK)),
    # Every persona already has a confirmed device: the wizard sends them on to "done".
    "two_factor:setup": page(
        "two_factor:setup",
        answers(anonymous=TO_LOGIN, signed_in=redirect("two_factor:setup_complete")),
    ),
    # The QR code exists only while the setup wizard holds a fresh secret in the session.
    "two_factor:qr": page("two_factor:qr", answers(anonymous=TO_LOGIN, signed_in=NOT_FOUND)),
    "two_factor:setup_complete": page("two_factor:setup_complete", PAGE_FOR_EVERY_ROLE),
    "two_factor:backup_tokens": page("two_factor:backup_tokens", PAGE_FOR_EVERY_ROLE),
    "two_factor:profile": page("two_factor:profile", PAGE_FOR_EVERY_ROLE),
    # --- accounts ------------------------------------------------------------------------------
    "accounts:logout": page(
        "accounts:logout", answers(anonymous=NOT_ALLOWED, signed_in=NOT_ALLOWED)
    ),
    "accounts:logout-everywhere": page("accounts:logout-everywhere", POST_ONLY_BEHIND_LOGIN),
    # --- home ----------------------------------------------------------------------------------
    "dashboard:home": page("dashboard:home", PAGE_FOR_EVERY_ROLE),
    # --- notifications: everyone has their own; marking one read is a POST ----------------------
    "notifications:list": page("notifications:list", PAGE_FOR_EVERY_ROLE),
    "notifications:read": row(
        to("notifications:read", lambda w: w.notification_of_colleague.pk),
        POST_ONLY_BEHIND_LOGIN,
    ),
    # --- organisation --------------------------------------------------------------------------
    "organisation:centre-detail": Row(
        {
            "own-centre": Variant(
                to("organisation:centre-detail", own_centre_pk),
                answers(anonymous=TO_LOGIN, signed_in=OK, dpo=NOT_FOUND, sysadmin=NOT_FOUND),
            ),
            "other-centre": Variant(
                to("organisation:centre-detail", other_centre_pk),
                answers(anonymous=TO_LOGIN, signed_in=NOT_FOUND),
            ),
        }
    ),
    "organisation:role-switch": page("organisation:role-switch", POST_ONLY_BEHIND_LOGIN),
    # --- audit trail ---------------------------------------------------------------------------
    "audit:event-list": page("audit:event-list", PAGE_FOR_AUDIT_BROWSERS),
    "audit:event-export": page("audit:event-export", PAGE_FOR_AUDIT_BROWSERS),
    "audit:event-detail": Row(
        {
            "own-centre": Variant(
                to("audit:event-detail", lambda w: w.event_at_own_centre.pk),
                answers(
                    anonymous=TO_LOGIN,
                    signed_in=FORBIDDEN,
                    dpo=OK,
                    coordinator=OK,
                    clinical_lead=OK,
                    sysadmin=NOT_FOUND,
                ),
            ),
            "other-centre": Variant(
                to("audit:event-detail", lambda w: w.event_at_other_centre.pk),
                answers(
                    anonymous=TO_LOGIN,
                    signed_in=FORBIDDEN,
                    dpo=OK,
                    coordinator=NOT_FOUND,
                    clinical_lead=NOT_FOUND,
                    sysadmin=NOT_FOUND,
                ),
            ),
            "no-centre": Variant(
                to("audit:event-detail", lambda w: w.event_without_centre.pk),
                answers(
                    anonymous=TO_LOGIN,
                    signed_in=FORBIDDEN,
                    dpo=OK,
                    coordinator=NOT_FOUND,
                    clinical_lead=NOT_FOUND,
                    sysadmin=NOT_FOUND,
                ),
            ),
            "own-action": Variant(
                to("audit:event-detail", lambda w: w.own_event.pk),
                answers(
                    anonymous=TO_LOGIN,
                    signed_in=FORBIDDEN,
                    dpo=OK,
                    coordinator=OK,
                    clinical_lead=OK,
                    sysadmin=OK,
                ),
            ),
        }
    ),
    # --- families and intake -------------------------------------------------------------------
    "families:list": page("families:list", PAGE_FOR_CASE_ROLES),
    "families:detail": Row(
        {
            # Centre-wide roles see every family with a case at their centre; team roles and
            # intake only their own; roles outside case work are refused the whole section.
            "own-centre": Variant(
                to("families:detail", lambda w: w.family_at_own_centre.pk),
                answers(
                    anonymous=TO_LOGIN,
                    signed_in=FORBIDDEN,
                    coordinator=OK,
                    clinical_lead=OK,
                    case_manager=NOT_FOUND,
                    therapist=NOT_FOUND,
                    intake=NOT_FOUND,
                ),
            ),
            "own-team": Variant(
                to("families:detail", lambda w: w.family_of_subject.pk),
                PAGE_FOR_CASE_ROLES,
            ),
            "other-centre": Variant(
                to("families:detail", lambda w: w.family_at_other_centre.pk),
                answers(
                    anonymous=TO_LOGIN,
                    signed_in=FORBIDDEN,
                    **dict.fromkeys(CASE_ROLE_NAMES, NOT_FOUND),
                ),
            ),
        }
    ),
    "intake:new": page(
        "intake:new",
        answers(
            anonymous=TO_LOGIN, signed_in=FORBIDDEN, intake=OK, case_manager=OK, coordinator=OK
        ),
    ),
    # --- handovers between centres -------------------------------------------------------------
    # Incoming handovers are for the receiving coordinator; outgoing ones are seen by the
    # sending coordinator and the case's case manager, who may not decide them (403).
    "intake:handover-list": page(
        "intake:handover-list", handover_page(coordinator=OK, case_manager=OK)
    ),
    "intake:handover-request": Row(
        {
            "own-centre": Variant(
                to("intake:handover-request", lambda w: w.case_at_own_centre.pk),
                handover_page(coordinator=OK, case_manager=FORBIDDEN),
            ),
            "own-case": Variant(
                to("intake:handover-request", lambda w: w.case_of_subject.pk),
                handover_page(coordinator=OK, case_manager=OK),
            ),
            # Visible through an accepted referral, but only the owner hands a case over.
            "shared-with-own-centre": Variant(
                to("intake:handover-request", lambda w: w.case_shared_with_own_centre.pk),
                handover_page(coordinator=FORBIDDEN, case_manager=FORBIDDEN),
            ),
            "other-centre": Variant(
                to("intake:handover-request", lambda w: w.case_at_other_centre.pk),
                handover_page(coordinator=NOT_FOUND, case_manager=NOT_FOUND),
            ),
        }
    ),
    "intake:handover-decide": Row(
        {
            "to-own-centre": Variant(
                to("intake:handover-decide", lambda w: w.handover_to_own_centre.pk),
                handover_page(coordinator=OK, case_manager=NOT_FOUND),
            ),
            # Shown with its decision and no form.
            "to-own-centre-decided": Variant(
                to("intake:handover-decide", lambda w: w.decided_handover_to_own_centre.pk),
                handover_page(coordinator=OK, case_manager=NOT_FOUND),
            ),
            "from-own-centre": Variant(
                to("intake:handover-decide", lambda w: w.handover_from_own_centre.pk),
                handover_page(coordinator=FORBIDDEN, case_manager=NOT_FOUND),
            ),
            "from-subjects-case": Variant(
                to("intake:handover-decide", lambda w: w.handover_of_subjects_case.pk),
                handover_page(coordinator=FORBIDDEN, case_manager=FORBIDDEN),
            ),
            "between-other-centres": Variant(
                to("intake:handover-decide", lambda w: w.handover_between_other_centres.pk),
                handover_page(coordinator=NOT_FOUND, case_manager=NOT_FOUND),
            ),
        }
    ),
    # --- cases: the case index of the active centre (D1) -----------------------------------------
    # Case roles see their centre's cases (and referrals it accepted); other roles are refused.
    "cases:list": page("cases:list", PAGE_FOR_CASE_ROLES),
    "cases:detail": Row(
        {
            "own-centre": Variant(
                to("cases:detail", lambda w: w.case_at_own_centre.pk), PAGE_FOR_CASE_ROLES
            ),
            "subjects-case": Variant(
                to("cases:detail", lambda w: w.case_of_subject.pk), PAGE_FOR_CASE_ROLES
            ),
            "shared-with-own-centre": Variant(
                to("cases:detail", lambda w: w.case_shared_with_own_centre.pk),
                PAGE_FOR_CASE_ROLES,
            ),
            "other-centre": Variant(
                to("cases:detail", lambda w: w.case_at_other_centre.pk),
                answers(
                    anonymous=TO_LOGIN,
                    signed_in=FORBIDDEN,
                    **dict.fromkeys(CASE_ROLE_NAMES, NOT_FOUND),
                ),
            ),
        }
    ),
    # The support plan (D6): whoever sees the case sees its plan.
    "cases:plan": Row(
        {
            "own-centre": Variant(
                to("cases:plan", lambda w: w.case_at_own_centre.pk), PAGE_FOR_CASE_ROLES
            ),
            "subjects-case": Variant(
                to("cases:plan", lambda w: w.case_of_subject.pk), PAGE_FOR_CASE_ROLES
            ),
            "shared-with-own-centre": Variant(
                to("cases:plan", lambda w: w.case_shared_with_own_centre.pk),
                PAGE_FOR_CASE_ROLES,
            ),
            "other-centre": Variant(
                to("cases:plan", lambda w: w.case_at_other_centre.pk),
                answers(
                    anonymous=TO_LOGIN,
                    signed_in=FORBIDDEN,
                    **dict.fromkeys(CASE_ROLE_NAMES, NOT_FOUND),
                ),
            ),
        }
    ),
    **{
        name: row(to(name, lambda w: w.case_of_subject.pk), POST_ONLY_BEHIND_LOGIN)
        for name in (
            "cases:status",
            "cases:close",
            "cases:reopen",
            "cases:assign",
            "cases:team-add",
            "cases:team-remove",
            "cases:note-write",
            "cases:plan-create",
            "cases:plan-stage-add",
            "cases:plan-goal-add",
            "cases:plan-help-add",
            "cases:plan-submit",
            "cases:plan-approve",
        )
    },
    **{
        name: row(
            to(name, lambda w: w.case_of_subject.pk, lambda w: 1),
            POST_ONLY_BEHIND_LOGIN,
        )
        for name in (
            "cases:plan-stage-edit",
            "cases:plan-stage-remove",
            "cases:plan-goal-remove",
            "cases:plan-help-remove",
        )
    },
    # The plan printed for an adult of the family to sign: the case's own case manager and
    # the owning centre's coordinator and clinical lead; other case roles see the case, not
    # the printout (403); outside the centre the case does not exist (404).
    "cases:plan-pdf": Row(
        {
            "subjects-case": Variant(
                plan_pdf(lambda w: w.case_of_subject),
                answers(
                    anonymous=TO_LOGIN,
                    signed_in=FORBIDDEN,
                    case_manager=OK,
                    coordinator=OK,
                    clinical_lead=OK,
                ),
            ),
            "own-centre": Variant(
                plan_pdf(lambda w: w.case_at_own_centre),
                answers(anonymous=TO_LOGIN, signed_in=FORBIDDEN, coordinator=OK, clinical_lead=OK),
            ),
            "other-centre": Variant(
                plan_pdf(lambda w: w.case_at_other_centre),
                answers(
                    anonymous=TO_LOGIN,
                    signed_in=FORBIDDEN,
                    **dict.fromkeys(CASE_ROLE_NAMES, NOT_FOUND),
                ),
            ),
        }
    ),
    **{
        name: row(
            to(name, lambda w: w.case_of_subject.pk, lambda w: w.note_of_subjects_case.pk),
            POST_ONLY_BEHIND_LOGIN,
        )
        for name in ("cases:note-correct", "cases:note-edit")
    },
    "cases:plan-goal-edit": row(
        to("cases:plan-goal-edit", lambda w: w.case_of_subject.pk, lambda w: 1),
        POST_ONLY_BEHIND_LOGIN,
    ),
    # --- tasks ---------------------------------------------------------------------------------
    # Tasks are case work (D6), seen as team notes are: the case manager and the case team, the
    # centre's coordinator and clinical lead; intake and roles outside case work are refused.
    # Editing (manual tasks): the case manager, the case team and the coordinator.
    "tasks:list": page("tasks:list", task_page(*TASK_ROLE_NAMES)),
    "tasks:overdue": page("tasks:overdue", task_page("coordinator", "clinical_lead")),
    "tasks:add": row(to("tasks:add", lambda w: w.case_of_subject.pk), POST_ONLY_BEHIND_LOGIN),
    "tasks:complete": row(
        to("tasks:complete", lambda w: w.task_of_subject.pk), POST_ONLY_BEHIND_LOGIN
    ),
    "tasks:edit": Row(
        {
            # Managed by the subject: a therapist is not its case manager in that role.
            "subjects-case": Variant(
                to("tasks:edit", lambda w: w.task_of_subject.pk),
                task_page(
                    "case_manager",
                    "coordinator",
                    therapist=NOT_FOUND,
                    clinical_lead=FORBIDDEN,
                ),
            ),
            "subjects-team": Variant(
                to("tasks:edit", lambda w: w.task_of_subjects_team.pk),
                task_page(*TASK_ROLE_NAMES),
            ),
            "own-centre": Variant(
                to("tasks:edit", lambda w: w.task_at_own_centre.pk),
                task_page(
                    "coordinator",
                    case_manager=NOT_FOUND,
                    therapist=NOT_FOUND,
                    clinical_lead=FORBIDDEN,
                ),
            ),
            "other-centre": Variant(
                to("tasks:edit", lambda w: w.task_at_other_centre.pk),
                task_page(**dict.fromkeys(TASK_ROLE_NAMES, NOT_FOUND)),
            ),
        }
    ),
    # django-q2's back-office pages (schedules, finished jobs): the system administrator only.
    **admin_object_rows("django_q.schedule", lambda w: w.schedule),
    **admin_object_rows("django_q.success", lambda w: w.job_done, add=FORBIDDEN),
    **admin_object_rows("django_q.failure", lambda w: w.job_failed, add=FORBIDDEN),
    # --- contacts ---
    # The contact log (D6): the case's own case manager and team, the owning centre's
    # coordinator and clinical lead; intake and staff off the team see the case (D1) but not
    # its contacts (403); a case of another centre is not found; a case shared with the own
    # centre is read there, its contacts are not.
    "contacts:case-log": Row(
        {
            "subjects-case": Variant(
                to("contacts:case-log", lambda w: w.case_of_subject.pk),
                answers(
                    anonymous=TO_LOGIN,
                    signed_in=FORBIDDEN,
                    case_manager=OK,
                    coordinator=OK,
                    clinical_lead=OK,
                ),
            ),
            "subjects-team": Variant(
                to("contacts:case-log", lambda w: w.family_of_subject.cases.get().pk),
                answers(
                    anonymous=TO_LOGIN,
                    signed_in=FORBIDDEN,
                    case_manager=OK,
                    therapist=OK,
                    coordinator=OK,
                    clinical_lead=OK,
                ),
            ),
            "own-centre": Variant(
                to("contacts:case-log", lambda w: w.case_at_own_centre.pk),
                answers(anonymous=TO_LOGIN, signed_in=FORBIDDEN, coordinator=OK, clinical_lead=OK),
            ),
            "shared-with-own-centre": Variant(
                to("contacts:case-log", lambda w: w.case_shared_with_own_centre.pk),
                answers(anonymous=TO_LOGIN, signed_in=FORBIDDEN),
            ),
            "other-centre": Variant(
                to("contacts:case-log", lambda w: w.case_at_other_centre.pk),
                answers(
                    anonymous=TO_LOGIN,
                    signed_in=FORBIDDEN,
                    **dict.fromkeys(CASE_ROLE_NAMES, NOT_FOUND),
                ),
            ),
        }
    ),
    "contacts:mark-error": row(
        to("contacts:mark-error", lambda w: w.contact_of_subjects_case.pk),
        POST_ONLY_BEHIND_LOGIN,
    ),
    # --- NORR diagnosis: administering (views_administration) ---------------------------------
    # The case's diagnosis page: whoever may see the family (as on the family page).
    "assessment:case": Row(
        {
            "own-team": Variant(
                to("assessment:case", lambda w: w.family_of_subject.cases.get().pk),
                PAGE_FOR_CASE_ROLES,
            ),
            "own-centre": Variant(
                to("assessment:case", lambda w: w.family_at_own_centre.cases.get().pk),
                answers(
                    anonymous=TO_LOGIN,
                    signed_in=FORBIDDEN,
                    coordinator=OK,
                    clinical_lead=OK,
                    case_manager=NOT_FOUND,
                    therapist=NOT_FOUND,
                    intake=NOT_FOUND,
                ),
            ),
            "other-centre": Variant(
                to("assessment:case", lambda w: w.family_at_other_centre.cases.get().pk),
                norr_answers_page(OK, roles=()),
            ),
        }
    ),
    "assessment:start": row(
        to("assessment:start", lambda w: w.family_of_subject.cases.get().pk),
        POST_ONLY_BEHIND_LOGIN,
    ),
    # Answers: the case team and the clinical lead; never the coordinator (results only) or
    # intake (no diagnosis data).
    "assessment:administer": Row(
        {
            "own-team": Variant(
                to(
                    "assessment:administer",
                    lambda w: w.in_progress_administration_of_subjects_family.pk,
                ),
                norr_answers_page(OK, roles=ANSWERING_ROLE_NAMES),
            ),
            "own-centre": Variant(
                to(
                    "assessment:administer", lambda w: w.in_progress_administration_at_own_centre.pk
                ),
                norr_answers_page(OK, roles=("clinical_lead",)),
            ),
            "other-centre": Variant(
                to(
                    "assessment:administer",
                    lambda w: w.in_progress_administration_at_other_centre.pk,
                ),
                norr_answers_page(OK, roles=()),
            ),
        }
    ),
    "assessment:complete": row(
        to("assessment:complete", lambda w: w.in_progress_administration_of_subjects_family.pk),
        POST_ONLY_BEHIND_LOGIN,
    ),
    # Without a respondent lock in the session there is nothing to hand back.
    "assessment:handback": Row(
        {
            "own-team": Variant(
                to(
                    "assessment:handback",
                    lambda w: w.in_progress_administration_of_subjects_family.pk,
                ),
                norr_answers_page(redirect("assessment:administer"), roles=ANSWERING_ROLE_NAMES),
            ),
            "other-centre": Variant(
                to(
                    "assessment:handback", lambda w: w.in_progress_administration_at_other_centre.pk
                ),
                norr_answers_page(OK, roles=()),
            ),
        }
    ),
    # --- NORR diagnosis: results (views_results) ---------------------------------------------
    # Results: the case team and the clinical lead (walls permitting) and the coordinator
    # (bands and red flags only); intake sees no diagnosis data; the PDF follows the page.
    **{
        name: Row(
            {
                "own-team": Variant(
                    to(name, lambda w: w.completed_administration_of_subjects_family.pk),
                    norr_results_page(
                        roles=("case_manager", "therapist", "clinical_lead", "coordinator")
                    ),
                ),
                "own-centre": Variant(
                    to(name, lambda w: w.completed_administration_at_own_centre.pk),
                    norr_results_page(roles=("clinical_lead", "coordinator")),
                ),
                "other-centre": Variant(
                    to(name, lambda w: w.completed_administration_at_other_centre.pk),
                    norr_results_page(roles=()),
                ),
            }
        )
        for name in ("assessment:result", "assessment:summary-pdf")
    },
    "assessment:rate": row(
        to("assessment:rate", lambda w: w.completed_administration_of_subjects_family.pk),
        POST_ONLY_BEHIND_LOGIN,
    ),
    "assessment:recommendation-decide": row(
        to(
            "assessment:recommendation-decide",
            lambda w: w.recommendation_of_subjects_family.pk,
        ),
        POST_ONLY_BEHIND_LOGIN,
    ),
    # --- NORR diagnosis: safety alerts and deadlines (views_alerts) -----------------------------
    # Case roles get the lists, scoped by alerts_visible_to / overdue_diagnoses (empty for
    # therapists); roles outside case work are refused the section.
    "assessment:alert-list": page("assessment:alert-list", PAGE_FOR_CASE_ROLES),
    "assessment:alert": Row(
        {
            "subjects-case": Variant(
                to("assessment:alert", lambda w: w.alert_of_subjects_case.pk),
                alert_page(roles=("case_manager", "clinical_lead", "coordinator")),
            ),
            # On the subject's team (works with the whole family) but not its case manager.
            "subjects-team": Variant(
                to("assessment:alert", lambda w: w.alert_of_subjects_team.pk),
                alert_page(roles=("clinical_lead", "coordinator")),
            ),
            "own-centre": Variant(
                to("assessment:alert", lambda w: w.alert_at_own_centre.pk),
                alert_page(roles=("clinical_lead", "coordinator")),
            ),
            # Shown read-only with its decision.
            "own-centre-decided": Variant(
                to("assessment:alert", lambda w: w.decided_alert_at_own_centre.pk),
                alert_page(roles=("clinical_lead", "coordinator")),
            ),
            "other-centre": Variant(
                to("assessment:alert", lambda w: w.alert_at_other_centre.pk),
                alert_page(roles=()),
            ),
        }
    ),
    "assessment:joint-sessions-clear": row(
        to("assessment:joint-sessions-clear", lambda w: w.case_of_subject.pk),
        POST_ONLY_BEHIND_LOGIN,
    ),
    "assessment:overdue": page("assessment:overdue", PAGE_FOR_CASE_ROLES),
    # --- configuration (Django admin) ----------------------------------------------------------
    "admin:index": page("admin:index", admin_page()),
    # Signed in already: no second login form, for the system administrator either.
    "admin:login": page("admin:login", answers(anonymous=TO_LOGIN, signed_in=FORBIDDEN)),
    # Django's admin logs out on POST only; the anonymous are sent to the (login-guarded) index.
    "admin:logout": page(
        "admin:logout",
        answers(anonymous=redirect("admin:index"), signed_in=FORBIDDEN, sysadmin=NOT_ALLOWED),
    ),
    "admin:password_change": page("admin:password_change", admin_page()),
    "admin:password_change_done": page("admin:password_change_done", admin_page()),
    "admin:jsi18n": page("admin:jsi18n", admin_page()),
    "admin:autocomplete": row(
        to(
            "admin:autocomplete",
            query="app_label=organisation&model_name=membership&field_name=user&term=a",
        ),
        admin_page(),
    ),
    # No model has a public page, so "view on site" finds nothing to send the admin to.
    "admin:view_on_site": row(
        to("admin:view_on_site", lambda w: w.content_type_id(Centre), own_centre_pk),
        admin_page(NOT_FOUND),
    ),
    "admin:app_list": row(
        lambda w: reverse("admin:app_list", kwargs={"app_label": "organisation"}), admin_page()
    ),
    # Unknown admin URLs: the anonymous are sent to log in first, so nothing is confirmed.
    "admin/(?P<url>.*)$": row(lambda w: "/admin/no-such-page/", admin_page(NOT_FOUND)),
    **admin_object_rows("organisation.institution", lambda w: w.centre.operator),
    **admin_object_rows("organisation.centre", lambda w: w.centre),
    **admin_object_rows("organisation.room", lambda w: w.room),
    **admin_object_rows("organisation.membership", lambda w: w.membership),
    **admin_object_rows("accounts.user", lambda w: w.colleague),
    "admin:auth_user_password_change": row(
        to("admin:auth_user_password_change", lambda w: w.colleague.pk), admin_page()
    ),
    **admin_object_rows("intake.eligibilityrule", lambda w: w.eligibility_rule),
    # Lock-outs are read-only records; deleting one is how an account is unlocked.
    **admin_object_rows("axes.accessattempt", lambda w: w.access_attempt, delete=OK, add=FORBIDDEN),
}


# --- the URL patterns that exist ---------------------------------------------------------------


def url_pattern_keys(
    resolver: URLResolver | None = None, prefix: str = "", namespace: str = ""
) -> Iterator[str]:
    """``namespace:name`` of every pattern, or its full route if it has no name."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from url_pattern_keys(pattern, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            if pattern.name:
                yield f"{namespace}:{pattern.name}" if namespace else pattern.name
            else:
                yield prefix + str(pattern.pattern)


def test_every_url_pattern_has_a_matrix_row() -> None:
    assert sorted(set(url_pattern_keys()) - set(MATRIX)) == []


def test_every_matrix_row_names_an_existing_url() -> None:
    assert sorted(set(MATRIX) - set(url_pattern_keys())) == []


def test_every_variant_says_what_each_subject_gets() -> None:
    incomplete = [
        (key, name)
        for key, spec in MATRIX.items()
        for name, variant in spec.variants.items()
        if set(variant.expect) != set(SUBJECTS)
    ]
    assert incomplete == []


# --- the generated tests ------------------------------------------------------------------------


def _cases() -> Iterator[Any]:
    for key, spec in MATRIX.items():
        for variant_name, variant in spec.variants.items():
            for subject in SUBJECTS:
                expected = variant.expect[subject]
                where = f"[{variant_name}]" if variant_name else ""
                yield pytest.param(
                    variant.url,
                    subject,
                    expected,
                    id=f"{key}{where}-{subject}-{expected}",
                )


def _redirect_name(response: Any) -> str | None:
    if response.status_code not in (301, 302):
        return None
    match = resolve(urlsplit(response["Location"]).path)
    return match.view_name


@pytest.mark.django_db
@pytest.mark.parametrize(("url", "subject", "expected"), list(_cases()))
def test_subject_gets_the_answer_the_policy_gives(
    client: Client,
    centre: Centre,
    other_centre: Centre,
    sign_in: Callable[[Client, User], Client],
    url: URLBuilder,
    subject: str,
    expected: Answer,
) -> None:
    user = None if subject == ANONYMOUS else make_staff(subject, centre)
    if user is not None:
        sign_in(client, user)
    response = client.get(url(World(centre, other_centre, user)))
    assert (response.status_code, _redirect_name(response)) == (
        expected.status,
        expected.redirect_to,
    )
