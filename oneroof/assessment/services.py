"""NORR administrations: start, answer, complete, escalate, recommend, decide. Each write is a
service that checks permission itself and audits in the same transaction; answers and results
are D5 data, so audit events name items, never values."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from oneroof.accounts.models import User
from oneroof.audit import services as audit
from oneroof.audit.services import MASK
from oneroof.cases.models import Case
from oneroof.cases.services import ensure_open
from oneroof.families.access import access_for_family, cases_visible_to
from oneroof.families.models import Person, Relationship, age_on
from oneroof.notifications.services import notify
from oneroof.organisation.models import Membership, Role
from oneroof.organisation.permissions import active_centre_id, active_role

from . import instruments, scoring
from .models import (
    Administration,
    Answer,
    AssessmentResult,
    ClinicianRating,
    InstrumentVersion,
    Recommendation,
    SafetyAlert,
)

ADMINISTERING_ROLES = frozenset({Role.CASE_MANAGER, Role.THERAPIST, Role.CLINICAL_LEAD})
ALERT_DECIDING_ROLES = frozenset({Role.CASE_MANAGER, Role.CLINICAL_LEAD, Role.COORDINATOR})
TEEN_AGE, ADULT_AGE = 13, 18


# --- instruments -----------------------------------------------------------------------------


@transaction.atomic
def publish_instrument(*, path: Path) -> tuple[InstrumentVersion, bool]:
    """Publish the data file as a new version; re-publishing the same file changes nothing,
    and a *different* file under a published version number is refused."""
    definition = instruments.read_definition(path)
    digest = instruments.checksum(definition)
    existing = InstrumentVersion.objects.filter(
        code=definition["code"], version=definition["version"]
    ).first()
    if existing is not None:
        if existing.checksum != digest:
            raise ValueError(
                f"{existing} is published and differs from {path.name}: give it a new version."
            )
        return existing, False
    version = InstrumentVersion.objects.create(
        code=definition["code"],
        version=definition["version"],
        is_proposal=definition["is_proposal"],
        definition=definition,
        checksum=digest,
    )
    audit.record(actor=None, action="assessment.instrument_published", target=version)
    return version, True


def current_version(code: str = "NORR-P") -> InstrumentVersion:
    return InstrumentVersion.objects.filter(code=code).latest("published_at")


# --- who may --------------------------------------------------------------------------------


def can_administer(user: User, case: Case, person: Person) -> bool:
    """Case manager, team member or clinical lead who may see this person's answers."""
    if active_role(user) not in ADMINISTERING_ROLES:
        return False
    if not cases_visible_to(user).filter(pk=case.pk).exists():
        return False
    return access_for_family(user, case.family).sees_answers_of(person.pk)


def forms_for_age(age: int) -> list[str]:
    if age >= ADULT_AGE:
        return [Administration.Form.ADULT]
    if age >= TEEN_AGE:
        return [Administration.Form.TEEN, Administration.Form.CHILD]
    return [Administration.Form.CHILD]


def _require(condition: bool) -> None:
    if not condition:
        raise PermissionDenied


# --- administering --------------------------------------------------------------------------


@transaction.atomic
def start_administration(
    *, actor: User, case: Case, person: Person, form: str, occasion: str
) -> Administration:
    _require(can_administer(actor, case, person))
    # A closed case takes no new diagnosis. One already under way may still be answered and
    # completed, so that no answer, and no red flag in it, is lost to the closure.
    ensure_open(case)
    if not case.family.members.filter(person=person).exists():
        raise ValidationError({"person": _("This person is not a member of the case's family.")})
    age = person.age(timezone.localdate())
    if form not in forms_for_age(age):
        raise ValidationError(
            {"form": _("This form does not fit a person aged %(age)d.") % {"age": age}}
        )
    administration = Administration(
        case=case,
        person=person,
        version=current_version(),
        form=form,
        occasion=occasion,
        administered_by=actor,
    )
    administration.full_clean()
    administration.save()
    audit.record(
        actor=actor, action="assessment.started", target=administration, target_label=case.number
    )
    return administration


def _check_answer(item: Mapping[str, Any], value: str, scales: Mapping[str, Any]) -> None:
    allowed = [str(v) for v in scales[item["scale"]]["values"]]
    if value not in allowed:
        raise ValidationError({item["id"]: _("Choose one of the given answers.")})


@transaction.atomic
def save_answers(
    *,
    actor: User,
    administration: Administration,
    answers: Mapping[str, str],
    source: str = Answer.Source.SELF,
    step: int | None = None,
) -> Administration:
    """Save the answers of one screen (an empty value clears an answer) and remember where
    the respondent is, so the administration can be resumed."""
    administration = Administration.objects.select_for_update().get(pk=administration.pk)
    _require(can_administer(actor, administration.case, administration.person))
    if administration.is_completed:
        raise ValidationError(_("This administration is completed; start a new one."))
    if administration.form == Administration.Form.CHILD:
        source = Answer.Source.PROFESSIONAL  # the clinician completes the child module
    definition = administration.version.definition
    items = {i["id"]: i for i in scoring.items_for_form(definition, administration.form)}
    unknown = set(answers) - items.keys()
    if unknown:
        raise ValidationError(_("Unknown items: %(items)s") % {"items": ", ".join(sorted(unknown))})
    for item_id, value in answers.items():
        if value:
            _check_answer(items[item_id], value, definition["scales"])
    for item_id, value in answers.items():
        if value:
            Answer.objects.update_or_create(
                administration=administration,
                item=item_id,
                defaults={"value": value, "source": source},
            )
        else:
            Answer.objects.filter(administration=administration, item=item_id).delete()
    if step is not None:
        administration.current_step = step
        administration.save(update_fields=["current_step"])
    audit.record(
        actor=actor,
        action="assessment.answers_saved",
        target=administration,
        target_label=administration.case.number,
        changes={item_id: [MASK, MASK] for item_id in sorted(answers)},
    )
    return administration


def _answers(administration: Administration) -> dict[str, scoring.Answer]:
    return {a.item: a.parsed for a in administration.answers.all()}


def _ratings(administration: Administration) -> dict[str, int]:
    return {r.domain: r.value for r in administration.clinician_ratings.all()}


def _score(administration: Administration) -> scoring.Outcome:
    return scoring.score(
        administration.version.definition,
        administration.form,
        _answers(administration),
        _ratings(administration),
    )


@transaction.atomic
def complete_administration(*, actor: User, administration: Administration) -> AssessmentResult:
    """Score, store the result with the scorer's version, propose help, and escalate at once
    if any red flag was raised."""
    administration = Administration.objects.select_for_update().get(pk=administration.pk)
    _require(can_administer(actor, administration.case, administration.person))
    if administration.is_completed:
        raise ValidationError(_("This administration is already completed."))
    outcome = _score(administration)
    administration.status = Administration.Status.COMPLETED
    administration.completed_at = timezone.now()
    administration.save(update_fields=["status", "completed_at"])
    result = _store(administration, outcome)
    audit.record(
        actor=actor,
        action="assessment.completed",
        target=administration,
        target_label=administration.case.number,
    )
    _propose_help(administration, outcome)
    if outcome.is_critical:
        escalate(actor=actor, administration=administration, outcome=outcome)
    return result


def _store(administration: Administration, outcome: scoring.Outcome) -> AssessmentResult:
    result, _ = AssessmentResult.objects.update_or_create(
        administration=administration,
        defaults={
            "scorer_version": outcome.scorer_version,
            "outcome": outcome.as_json(),
            "overall_band": outcome.overall_band or "",
            "is_critical": outcome.is_critical,
        },
    )
    return result


def family_context(
    administration: Administration, outcome: scoring.Outcome
) -> scoring.FamilyContext:
    """Facts about the family the recommendation rules may ask (constant queries)."""
    today = timezone.localdate()
    family = administration.case.family
    members = list(family.members.select_related("person"))
    couple = (
        Relationship.objects.filter(family=family, kind__in=sorted(Relationship.PARTNER_KINDS))
        .exclude(kind=Relationship.Kind.FORMER_PARTNER)
        .exists()
    )
    child_ages = tuple(
        sorted(m.person.age(today) for m in members if m.person.age(today) < ADULT_AGE)
    )
    partner_result = _partner_result(administration)
    asymmetry = partner_result is not None and any(
        gap.asymmetry
        for gap in scoring.discrepancy(
            administration.version.definition, outcome, partner_result.parsed
        )
    )
    return scoring.FamilyContext(
        couple=couple,
        child_ages=child_ages,
        adult_respondent=age_on(administration.person.date_of_birth, today) >= ADULT_AGE,
        asymmetry=asymmetry,
        answers=_answers(administration),
    )


# Co-parents are compared as well as partners (norr.md: "couples and parents").
PARENT_KINDS = Relationship.CARER_KINDS - {Relationship.Kind.GRANDPARENT}


def comparison_partner_ids(relations: Iterable[tuple[int, int, str]], person_id: int) -> set[int]:
    """Whom a respondent's result is compared with: their current partners, and the other
    parents of their children (separated parents included)."""
    partners: set[int] = set()
    parents_of: dict[int, set[int]] = defaultdict(set)
    for first, second, kind in relations:
        current = kind in Relationship.PARTNER_KINDS and kind != Relationship.Kind.FORMER_PARTNER
        if current and person_id in (first, second):
            partners.add(second if first == person_id else first)
        if kind in PARENT_KINDS:
            parents_of[second].add(first)
    for parents in parents_of.values():
        if person_id in parents:
            partners |= parents
    partners.discard(person_id)
    return partners


def _partner_result(administration: Administration) -> AssessmentResult | None:
    """The latest completed result of a partner or co-parent in the same case."""
    relations = Relationship.objects.filter(family=administration.case.family).values_list(
        "from_person_id", "to_person_id", "kind"
    )
    return (
        AssessmentResult.objects.filter(
            administration__case=administration.case,
            administration__person_id__in=comparison_partner_ids(
                relations, administration.person_id
            ),
            administration__version=administration.version,
        )
        .select_related("administration")
        .order_by("-administration__completed_at")
        .first()
    )


def _propose_help(administration: Administration, outcome: scoring.Outcome) -> None:
    definition = administration.version.definition
    for rule in scoring.recommend(definition, outcome, family_context(administration, outcome)):
        Recommendation.objects.get_or_create(
            administration=administration,
            code=rule["code"],
            defaults={
                "case": administration.case,
                "text": rule["text"]["pl"][:300],
                "provider": rule.get("provider", ""),
            },
        )


@transaction.atomic
def escalate(
    *, actor: User, administration: Administration, outcome: scoring.Outcome
) -> SafetyAlert:
    """A red flag: open an alert, block joint sessions, tell the case manager and the centre's
    clinical leads the same day (in the app and by e-mail, which names nobody)."""
    case = Case.objects.select_for_update().get(pk=administration.case_id)
    alert = SafetyAlert.objects.create(
        case=case,
        administration=administration,
        red_flags=[{"item": f.item, "answer": f.answer} for f in outcome.red_flags],
    )
    if not case.joint_sessions_blocked:
        case.joint_sessions_blocked = True
        case.save(update_fields=["joint_sessions_blocked"])
    leads = [
        m.user
        for m in Membership.objects.active()
        .filter(centre_id=case.centre_id, role=Role.CLINICAL_LEAD)
        .select_related("user")
    ]
    recipients = [*leads, *([case.case_manager] if case.case_manager else [])]
    notify(
        users=recipients,
        message=_("Red flag in the NORR diagnosis of case %(number)s: a decision is needed today.")
        % {"number": case.number},
        url=reverse("assessment:alert", args=[alert.pk]),
        urgent=True,
    )
    audit.record(
        actor=actor, action="assessment.red_flag_escalated", target=alert, target_label=case.number
    )
    return alert


@transaction.atomic
def rate_domain(
    *, actor: User, administration: Administration, domain: str, value: int
) -> AssessmentResult | None:
    """Record the clinician's rating; a completed administration is re-scored (a rating of 2
    raises the band, none lowers it) and gains any help the raised band now calls for."""
    _require(
        active_role(actor) in (Role.CLINICAL_LEAD, Role.CASE_MANAGER, Role.THERAPIST)
        and can_administer(actor, administration.case, administration.person)
    )
    ensure_open(administration.case)
    codes = {d["code"] for d in administration.version.definition["domains"]}
    if domain not in codes or value not in (0, 1, 2):
        raise ValidationError(_("Choose a domain and a rating from 0 to 2."))
    earlier = ClinicianRating.objects.filter(administration=administration, domain=domain).first()
    if earlier is not None and value < earlier.value:
        # norr.md: clinical judgement may raise a result, never lower it.
        raise ValidationError(_("A clinician's rating can raise a result, never lower it."))
    ClinicianRating.objects.update_or_create(
        administration=administration, domain=domain, defaults={"value": value, "rated_by": actor}
    )
    audit.record(
        actor=actor,
        action="assessment.clinician_rated",
        target=administration,
        target_label=administration.case.number,
        changes={domain: [MASK, MASK]},
    )
    if not administration.is_completed:
        return None
    outcome = _score(administration)
    result = _store(administration, outcome)
    _propose_help(administration, outcome)
    return result


# --- decisions --------------------------------------------------------------------------------


def can_decide_alert(user: User, alert: SafetyAlert) -> bool:
    role = active_role(user)
    if role not in ALERT_DECIDING_ROLES or active_centre_id(user) != alert.case.centre_id:
        return False
    return role != Role.CASE_MANAGER or alert.case.case_manager_id == user.pk


@transaction.atomic
def decide_alert(
    *,
    actor: User,
    alert: SafetyAlert,
    safety_plan_made: bool,
    blue_card: str,
    blue_card_reasons: str,
    child_referral: str,
    notes: str = "",
) -> SafetyAlert:
    """The named person's decision closes the alert: safety plan, Blue Card (NK-A) opened or
    not with reasons, and the child victim's referral to the Centrum Pomocy Dzieciom."""
    alert = SafetyAlert.objects.select_for_update().select_related("case").get(pk=alert.pk)
    _require(can_decide_alert(actor, alert))
    if not alert.is_open:
        raise ValidationError(_("This alert was already decided."))
    errors = {}
    if blue_card not in SafetyAlert.BlueCard.values:
        errors["blue_card"] = _("Record whether the Blue Card procedure was opened.")
    if not blue_card_reasons.strip():
        errors["blue_card_reasons"] = _("Give the reasons for the Blue Card decision.")
    if child_referral not in SafetyAlert.ChildReferral.values:
        errors["child_referral"] = _("Record the decision about a child victim.")
    if errors:
        raise ValidationError(errors)
    alert.safety_plan_made = safety_plan_made
    alert.blue_card = blue_card
    alert.blue_card_reasons = blue_card_reasons.strip()
    alert.child_referral = child_referral
    alert.notes = notes.strip()
    alert.decided_by = actor
    alert.decided_at = timezone.now()
    alert.save()
    audit.record(
        actor=actor,
        action="assessment.alert_decided",
        target=alert,
        target_label=alert.case.number,
        reason=alert.blue_card_reasons,
    )
    return alert


def can_clear_joint_sessions_block(user: User, case: Case) -> bool:
    return active_role(user) == Role.CLINICAL_LEAD and active_centre_id(user) == case.centre_id


@transaction.atomic
def clear_joint_sessions_block(*, actor: User, case: Case, reason: str) -> Case:
    """Joint couple/family sessions may be planned again only after a reassessment: every
    person whose latest result was critical has a later, non-critical one, and no alert is
    open. The clinical lead decides, with a reason."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    _require(can_clear_joint_sessions_block(actor, case))
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for allowing joint sessions again.")})
    if case.safety_alerts.filter(decided_at__isnull=True).exists():
        raise ValidationError(
            _("An alert is still open: record its decision first."), code="alert_open"
        )
    latest: dict[int, bool] = {}
    for result in (
        AssessmentResult.objects.filter(administration__case=case)
        .order_by("administration__completed_at")
        .select_related("administration")
    ):
        latest[result.administration.person_id] = result.is_critical
    if any(latest.values()):
        raise ValidationError(
            _("A reassessment without red flags is needed first."), code="reassessment_needed"
        )
    case.joint_sessions_blocked = False
    case.save(update_fields=["joint_sessions_blocked"])
    audit.record(
        actor=actor, action="assessment.joint_sessions_allowed", target=case, reason=reason.strip()
    )
    return case


def can_decide_recommendation(user: User, recommendation: Recommendation) -> bool:
    role = active_role(user)
    case = recommendation.case
    if active_centre_id(user) != case.centre_id:
        return False
    return role == Role.CLINICAL_LEAD or (
        role == Role.CASE_MANAGER and case.case_manager_id == user.pk
    )


@transaction.atomic
def decide_recommendation(
    *, actor: User, recommendation: Recommendation, status: str, text: str = "", reason: str = ""
) -> Recommendation:
    """Accept, edit or reject a proposed form of help; the support plan uses accepted ones."""
    recommendation = (
        Recommendation.objects.select_for_update().select_related("case").get(pk=recommendation.pk)
    )
    _require(can_decide_recommendation(actor, recommendation))
    ensure_open(recommendation.case)
    if status not in (
        Recommendation.Status.ACCEPTED,
        Recommendation.Status.EDITED,
        Recommendation.Status.REJECTED,
    ):
        raise ValidationError({"status": _("Accept, edit or reject the proposal.")})
    if status == Recommendation.Status.REJECTED and not reason.strip():
        raise ValidationError({"reason": _("Give the reason for rejecting the proposal.")})
    if status == Recommendation.Status.EDITED:
        if not text.strip():
            raise ValidationError({"text": _("Write the changed form of help.")})
        recommendation.text = text.strip()[:300]
    before = recommendation.status
    recommendation.status = status
    recommendation.reason = reason.strip()
    recommendation.decided_by = actor
    recommendation.decided_at = timezone.now()
    recommendation.save()
    audit.record(
        actor=actor,
        action="assessment.recommendation_decided",
        target=recommendation,
        target_label=recommendation.case.number,
        changes={"status": [before, status]},
        reason=recommendation.reason,
    )
    return recommendation
