"""Registering a family from an intake, routing it to a centre, and hand-overs between centres."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from oneroof.accounts.models import User
from oneroof.audit import services as audit
from oneroof.cases.models import Case
from oneroof.families import validation
from oneroof.families.access import persons_visible_to
from oneroof.families.models import (
    ContactDetails,
    DisclosureBlock,
    Family,
    FamilyMember,
    Household,
    InformationClause,
    Person,
    Relationship,
    SafeContactRule,
    SafetyFlag,
    age_on,
)
from oneroof.organisation.models import Centre, Role
from oneroof.organisation.permissions import active_role

from . import routing
from .models import EligibilityRule, Referral
from .submission import IntakeSubmission, PersonInput

INTAKE_ROLES = frozenset({Role.INTAKE, Role.CASE_MANAGER, Role.COORDINATOR})


def can_register_intake(user: User) -> bool:
    return active_role(user) in INTAKE_ROLES


def family_facts(submission: IntakeSubmission, today: date) -> routing.FamilyFacts:
    persons = tuple(
        routing.PersonFacts(
            key=p.key,
            age=age_on(p.date_of_birth, today),
            experienced_violence=p.experienced_violence,
        )
        for p in submission.persons
    )
    pairs = tuple(
        (r.from_key, r.to_key)
        for r in submission.relationships
        if r.kind in Relationship.PARTNER_KINDS
    )
    return routing.FamilyFacts(persons=persons, partner_pairs=pairs)


def centre_rules() -> list[routing.CentreRule]:
    rules = EligibilityRule.objects.filter(is_active=True, centre__is_active=True).select_related(
        "centre"
    )
    return [
        routing.CentreRule(
            centre_id=rule.centre_id,
            centre_label=str(rule.centre),
            requirement=rule.requirement,
            max_child_age=rule.max_child_age,
        )
        for rule in rules
    ]


def propose(submission: IntakeSubmission, today: date) -> list[routing.Proposal]:
    return routing.propose_centres(family_facts(submission, today), centre_rules())


def validate_submission(submission: IntakeSubmission, today: date) -> None:
    """Raise one ``ValidationError`` mapping ``persons.<n>.<field>`` (etc.) to messages."""
    errors: dict[str, list[ValidationError]] = {}

    def check(key: str, func: object, *args: object) -> None:
        try:
            func(*args)  # type: ignore[operator]
        except ValidationError as error:
            errors.setdefault(key, []).append(error)

    persons = {p.key: p for p in submission.persons}
    if not submission.persons:
        errors["persons"] = [ValidationError(_("Add at least one person."))]
    for n, person in enumerate(submission.persons):
        check(f"persons.{n}.first_name", validation.validate_name, person.first_name)
        check(f"persons.{n}.last_name", validation.validate_name, person.last_name)
        check(
            f"persons.{n}.date_of_birth",
            validation.validate_date_of_birth,
            person.date_of_birth,
            today,
        )
        if person.pesel:
            check(
                f"persons.{n}.pesel",
                validation.validate_pesel_matches,
                person.pesel,
                person.date_of_birth,
            )
        if person.clause_through_guardian:
            check(f"persons.{n}.clause_through_guardian", _validate_guardian, person, persons)
    for n, rel in enumerate(submission.relationships):
        if rel.from_key not in persons or rel.to_key not in persons or rel.from_key == rel.to_key:
            errors[f"relationships.{n}"] = [ValidationError(_("Choose two different persons."))]
            continue
        others = {
            other.kind
            for other in submission.relationships
            if other is not rel and {other.from_key, other.to_key} == {rel.from_key, rel.to_key}
        }
        check(
            f"relationships.{n}",
            validation.validate_relationship,
            rel.kind,
            persons[rel.from_key].date_of_birth,
            persons[rel.to_key].date_of_birth,
            others,
            today,
        )
    for n, block in enumerate(submission.disclosure_blocks):
        if {block.protected_key, block.blocked_from_key} - persons.keys() or (
            block.protected_key == block.blocked_from_key
        ):
            errors[f"disclosure_blocks.{n}"] = [
                ValidationError(_("Choose two different persons of this family."))
            ]
    if not errors:
        _validate_centre_choice(submission, today, errors)
    if errors:
        raise ValidationError(errors)


def _validate_guardian(child: PersonInput, persons: dict[str, PersonInput]) -> None:
    guardian = persons.get(child.clause_through_guardian)
    if guardian is None or guardian.suspected_of_violence:
        raise ValidationError(
            _("A child's information clause goes through a guardian not suspected of violence."),
            code="guardian",
        )


def _validate_centre_choice(
    submission: IntakeSubmission, today: date, errors: dict[str, list[ValidationError]]
) -> None:
    proposals = propose(submission, today)
    if any(p.centre_id == submission.centre_id for p in proposals):
        return
    facts = family_facts(submission, today)
    hard_rules = EligibilityRule.objects.filter(
        centre_id=submission.centre_id, is_active=True, overridable=False
    ).select_related("centre")
    for rule in hard_rules:
        as_data = routing.CentreRule(
            rule.centre_id, str(rule.centre), rule.requirement, rule.max_child_age
        )
        if not routing.propose_centres(facts, [as_data]):
            errors["centre"] = [
                ValidationError(
                    _("%(centre)s accepts only: %(rule)s.")
                    % {"centre": rule.centre, "rule": rule.get_requirement_display()},
                    code="ineligible",
                )
            ]
            return
    if not submission.override_reason.strip():
        errors["override_reason"] = [
            ValidationError(
                _("This centre was not proposed for this family: give a reason for the choice."),
                code="override_reason",
            )
        ]


@transaction.atomic
def register_intake(*, actor: User, submission: IntakeSubmission) -> Referral:
    """Create the family, its persons, relationships, safety facts, consent records, the case
    at the chosen centre and the referral — all or nothing — and audit each record created."""
    if not can_register_intake(actor):
        raise PermissionDenied
    today = timezone.localdate()
    validate_submission(submission, today)
    centre = Centre.objects.get(pk=submission.centre_id, is_active=True)
    registering_centre = actor.active_membership.centre if actor.active_membership else None

    family = Family.objects.create(
        display_name=submission.family_name.strip()[:120],
        registered_at=registering_centre or centre,
        registered_by=actor,
    )
    audit.record(
        actor=actor,
        action="families.family_registered",
        target=family,
        target_label=f"#{family.pk}",
    )
    people = _create_persons(actor, family, submission)
    _create_relationships(family, submission, people)
    _create_safety_facts(actor, family, submission, people, today)

    case = Case.objects.create(
        number=f"PENDING-{family.pk}",
        family=family,
        centre=centre,
        first_contact_on=submission.contact.received_on,
    )
    case.number = f"{centre.code.upper()}/{submission.contact.received_on.year}/{case.pk:05d}"
    case.save(update_fields=["number"])
    audit.record(actor=actor, action="cases.case_opened", target=case)

    proposals = propose(submission, today)
    contact = submission.contact
    referral = Referral(
        case=case,
        received_on=contact.received_on,
        channel=contact.channel,
        referring_institution=contact.referring_institution,
        referrer_contact=contact.referrer_contact,
        reason=contact.reason,
        urgency=contact.urgency,
        family_told=contact.family_told,
        proposed_centres=[p.as_json() for p in proposals],
        override_reason=submission.override_reason.strip(),
        registered_by=actor,
    )
    referral.full_clean()
    referral.save()
    audit.record(
        actor=actor,
        action="intake.referral_registered",
        target=referral,
        target_label=case.number,
        reason=referral.override_reason,
    )
    return referral


def _create_persons(actor: User, family: Family, submission: IntakeSubmission) -> dict[str, Person]:
    people: dict[str, Person] = {}
    households: dict[str, Household] = {}
    linkable = persons_visible_to(actor)
    for data in submission.persons:
        if data.existing_person_id is not None:
            # Linking is an explicit choice among records the user may already see.
            person = linkable.filter(pk=data.existing_person_id).first()
            if person is None:
                raise ValidationError(
                    {f"persons.{data.key}": _("The chosen existing record is not available.")}
                )
        else:
            person = Person(
                first_name=data.first_name.strip(),
                last_name=data.last_name.strip(),
                pesel=data.pesel,
                date_of_birth=data.date_of_birth,
                sex=data.sex,
                disability=data.disability,
                has_disability_certificate=data.has_disability_certificate,
                language=data.language or "polski",
                needs_interpreter=data.needs_interpreter,
                created_by=actor,
            )
            person.full_clean()
            person.save()
            contact = ContactDetails(
                person=person,
                address=data.address,
                phone=data.phone,
                email=data.email,
                school=data.school,
                workplace=data.workplace,
            )
            contact.full_clean(exclude=["person"])
            contact.save()
            audit.record(
                actor=actor,
                action="families.person_created",
                target=person,
                target_label=f"#{person.pk}",
            )
        FamilyMember.objects.create(family=family, person=person, is_client=data.is_client)
        if data.household:
            if data.household not in households:
                households[data.household] = Household.objects.create(
                    family=family, label=data.household[:100], address=data.address
                )
            households[data.household].members.add(person)
        people[data.key] = person
    return people


def _create_relationships(
    family: Family, submission: IntakeSubmission, people: dict[str, Person]
) -> None:
    for rel in submission.relationships:
        Relationship.objects.create(
            family=family,
            from_person=people[rel.from_key],
            to_person=people[rel.to_key],
            kind=rel.kind,
        )


def _create_safety_facts(
    actor: User,
    family: Family,
    submission: IntakeSubmission,
    people: dict[str, Person],
    today: date,
) -> None:
    for data in submission.persons:
        person = people[data.key]
        flags = []
        if data.suspected_of_violence:
            flags.append(
                (
                    SafetyFlag.Kind.SUSPECTED_OF_VIOLENCE,
                    data.suspicion_source,
                    data.suspicion_noted_on or submission.contact.received_on,
                )
            )
        if data.protected:
            flags.append((SafetyFlag.Kind.PROTECTED, _("intake"), submission.contact.received_on))
        if data.experienced_violence:
            flags.append(
                (
                    SafetyFlag.Kind.EXPERIENCED_VIOLENCE,
                    submission.contact.reason[:200],
                    submission.contact.received_on,
                )
            )
        for kind, source, noted_on in flags:
            flag = SafetyFlag.objects.create(
                family=family,
                person=person,
                kind=kind,
                source=source[:200] or _("intake"),
                noted_on=noted_on,
                recorded_by=actor,
            )
            audit.record(
                actor=actor, action="families.safety_flag_recorded", target=flag, target_label=kind
            )
        if data.safe_contact is not None:
            rule = data.safe_contact
            SafeContactRule.objects.update_or_create(
                person=person,
                defaults={
                    "channel": rule.channel,
                    "hours": rule.hours,
                    "no_calls_at_home": rule.no_calls_at_home,
                    "no_letters": rule.no_letters,
                    "code_word": rule.code_word,
                },
            )
            audit.record(
                actor=actor,
                action="families.safe_contact_set",
                target=person,
                target_label=f"#{person.pk}",
            )
        if data.clause_given_on is not None:
            InformationClause.objects.create(
                person=person,
                given_on=data.clause_given_on,
                given_by=actor,
                through_guardian=people.get(data.clause_through_guardian),
            )
    for block in submission.disclosure_blocks:
        created = DisclosureBlock.objects.create(
            family=family,
            protected=people[block.protected_key],
            blocked_from=people[block.blocked_from_key],
            reason=block.reason,
            recorded_by=actor,
        )
        audit.record(
            actor=actor,
            action="families.disclosure_blocked",
            target=created,
            target_label=f"#{created.protected_id} / #{created.blocked_from_id}",
        )
