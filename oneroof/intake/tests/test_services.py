"""Registering an intake: all or nothing, routed, audited."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from faker import Faker

from conftest import make_staff
from oneroof.audit.models import AuditEvent
from oneroof.cases.models import Case
from oneroof.families.models import DisclosureBlock, Family, Person, SafetyFlag
from oneroof.families.tests.conftest import acting
from oneroof.intake.services import register_intake
from oneroof.intake.submission import (
    ContactInput,
    DisclosureBlockInput,
    IntakeSubmission,
    PersonInput,
    RelationshipInput,
)
from oneroof.organisation.models import Centre

fake = Faker("pl_PL")
fake.seed_instance(11)
CONTACT = ContactInput(
    received_on=date(2026, 11, 20), channel="school", reason="Dziecko jest wycofane.",
    urgency="routine", referring_institution="Szkoła Podstawowa nr 1",
)  # fmt: skip


def _school_family(centre_id: int) -> IntakeSubmission:
    return IntakeSubmission(
        contact=CONTACT,
        family_name="Rodzina Testowa",
        centre_id=centre_id,
        persons=(
            PersonInput("m", "Ewa", "Testowa", date(1984, 4, 2), sex="F", phone="600100200"),
            PersonInput("f", "Piotr", "Testowy", date(1982, 9, 30), sex="M"),
            PersonInput("a", "Ola", "Testowa", date(2018, 1, 5), is_client=True),
            PersonInput("b", "Kuba", "Testowy", date(2011, 6, 1), is_client=True),
        ),
        relationships=(
            RelationshipInput("m", "spouse", "f"),
            RelationshipInput("m", "parent", "a"),
            RelationshipInput("f", "parent", "b"),
        ),
    )


@pytest.fixture
def intake_worker(centre: Centre):
    return acting(make_staff("intake", centre))


def test_an_intake_creates_the_family_with_its_persons(centres, intake_worker) -> None:
    referral = register_intake(
        actor=intake_worker, submission=_school_family(centres["krakowiakow"].pk)
    )
    assert referral.case.family.persons.count() == 4


def test_the_case_opens_at_the_chosen_centre_as_referred(centres, intake_worker) -> None:
    referral = register_intake(
        actor=intake_worker, submission=_school_family(centres["krakowiakow"].pk)
    )
    assert (referral.case.centre, referral.case.status) == (
        centres["krakowiakow"],
        Case.Status.REFERRED,
    )


def test_the_referral_keeps_the_proposal_shown_to_intake(centres, intake_worker) -> None:
    referral = register_intake(
        actor=intake_worker, submission=_school_family(centres["krakowiakow"].pk)
    )
    assert referral.proposed_centres[0]["centre_id"] == centres["krakowiakow"].pk


def test_an_invalid_person_leaves_no_partial_record(centres, intake_worker) -> None:
    submission = _school_family(centres["krakowiakow"].pk)
    bad = replace(submission.persons[3], date_of_birth=date(2030, 1, 1))
    with pytest.raises(ValidationError):
        register_intake(
            actor=intake_worker,
            submission=replace(submission, persons=(*submission.persons[:3], bad)),
        )
    assert (Family.objects.count(), Person.objects.count(), Case.objects.count()) == (0, 0, 0)


def test_choosing_a_centre_that_was_not_proposed_needs_a_reason(centres, intake_worker) -> None:
    couple = _school_family(centres["krakowiakow"].pk)
    couple = replace(couple, persons=couple.persons[:2], relationships=couple.relationships[:1])
    with pytest.raises(ValidationError) as error:
        register_intake(actor=intake_worker, submission=couple)
    assert "override_reason" in error.value.message_dict


def test_an_adult_cannot_be_routed_to_the_childrens_centre(centres, intake_worker) -> None:
    adult = PersonInput("x", "Adam", "Iksiński", date(2001, 1, 1), experienced_violence=True)
    submission = IntakeSubmission(
        contact=CONTACT, family_name="Rodzina X", centre_id=centres["cpd"].pk,
        persons=(adult,), override_reason="bo tak",
    )  # fmt: skip
    with pytest.raises(ValidationError) as error:
        register_intake(actor=intake_worker, submission=submission)
    assert "centre" in error.value.message_dict


def test_a_child_victim_with_a_flagged_father_is_registered_with_the_wall(
    centres, intake_worker
) -> None:
    child = PersonInput(
        "c", "Maja", "Igrek", date(2016, 3, 3), is_client=True, experienced_violence=True
    )
    mother = PersonInput("m", "Julia", "Igrek", date(1987, 8, 8), protected=True)
    father = PersonInput(
        "f", "Marek", "Igrek", date(1985, 1, 1), suspected_of_violence=True,
        suspicion_source="ujawnienie dziecka",
    )  # fmt: skip
    submission = IntakeSubmission(
        contact=replace(CONTACT, urgency="urgent"),
        family_name="Rodzina Y",
        centre_id=centres["cpd"].pk,
        persons=(child, mother, father),
        relationships=(
            RelationshipInput("m", "parent", "c"),
            RelationshipInput("f", "parent", "c"),
        ),
        disclosure_blocks=(DisclosureBlockInput("c", "f"), DisclosureBlockInput("m", "f")),
    )
    register_intake(actor=intake_worker, submission=submission)
    assert DisclosureBlock.objects.count() == 2
    assert SafetyFlag.objects.filter(kind="suspected").count() == 1


def test_an_intake_is_audited_without_names(centres, intake_worker) -> None:
    register_intake(actor=intake_worker, submission=_school_family(centres["krakowiakow"].pk))
    labels = " ".join(AuditEvent.objects.values_list("target_label", flat=True))
    assert "intake.referral_registered" in AuditEvent.objects.values_list("action", flat=True)
    assert "Testow" not in labels


def test_a_therapist_cannot_register_an_intake(centres, centre: Centre) -> None:
    therapist = acting(make_staff("therapist", centre))
    with pytest.raises(PermissionDenied):
        register_intake(actor=therapist, submission=_school_family(centres["krakowiakow"].pk))
