"""Writes of the contact log: recording a contact, marking one entered in error.

Records are append-only. Every write checks permission itself, applies the safe-contact rules
(``safety``), validates and writes its audit event in the same transaction. The audit trail
says that a contact was recorded (channel, direction, which kind of counterpart, the warnings
confirmed), never its summary, the institution's name or any person's name.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from oneroof.accounts.models import User
from oneroof.audit import services as audit
from oneroof.cases.models import Case
from oneroof.cases.services import lock_open_case
from oneroof.core.errors import refusal
from oneroof.families.access import access_for_family
from oneroof.families.models import Person, SafeContactRule

from . import permissions, safety
from .models import Channel, ContactRecord, Direction, Number
from .queries import reachable_persons

MAX_SUMMARY_LENGTH = 5_000
FUTURE_TOLERANCE_SECONDS = 300  # clocks of phones and PCs differ a little


class ContactBlockedError(ValidationError):
    """The contact would break the person's safe-contact rules; nothing was saved."""

    def __init__(self, findings: list[safety.Finding]) -> None:
        super().__init__([ValidationError(f.message, code=f.code) for f in findings])
        self.findings = findings


class ConfirmationRequiredError(ValidationError):
    """Warnings the author has not confirmed yet; nothing was saved."""

    def __init__(self, findings: list[safety.Finding]) -> None:
        super().__init__([ValidationError(f.message, code=f.code) for f in findings])
        self.findings = findings


def _check_shape(
    *,
    occurred_at: datetime,
    channel: str,
    direction: str,
    person: Person | None,
    institution_name: str,
    institution_type: str,
    number: str,
) -> None:
    """The input rules with messages staff understand (the model's constraints back them)."""
    errors: dict[str, list[ValidationError]] = {}

    def add(field: str, message: str, code: str) -> None:
        errors.setdefault(field, []).append(ValidationError(message, code=code))

    if channel not in Channel.values:
        add("channel", _("Choose how the contact happened."), "channel")
    if direction not in Direction.values:
        add("direction", _("Choose who contacted whom."), "direction")
    if occurred_at > timezone.now() + timedelta(seconds=FUTURE_TOLERANCE_SECONDS):
        add("occurred_at", _("A contact cannot be recorded in advance."), "future")
    if (person is None) == (not institution_name):
        add("person", _("Choose a family member or name an institution."), "counterpart")
    if institution_name and not institution_type:
        add("institution_type", _("Choose the kind of institution."), "required")
    if channel == Channel.HOME_VISIT and (direction != Direction.OUTGOING or person is None):
        add("channel", _("A home visit is an outgoing contact with a family member."), "visit")
    if channel == Channel.PHONE:
        allowed = {Number.INSTITUTION} if institution_name else {Number.MOBILE, Number.HOME}
        if number not in allowed:
            add("number", _("Say which number was used for the call."), "number")
    elif number:
        add("number", _("A number is recorded for phone calls only."), "number")
    if errors:
        raise ValidationError(errors)


def _clean_summary(summary: str) -> str:
    summary = summary.strip()
    if not summary:
        raise refusal(_("Write a short summary of the contact."), code="required", field="summary")
    if len(summary) > MAX_SUMMARY_LENGTH:
        raise refusal(
            _("A summary can be at most %(max)d characters long.") % {"max": MAX_SUMMARY_LENGTH},
            code="max_length",
            field="summary",
        )
    return summary


def findings_for(
    *, person: Person | None, channel: str, direction: str, number: str, at: datetime
) -> list[safety.Finding]:
    """The safe-contact findings for a contact with ``person`` (none for institutions)."""
    if person is None:
        return []
    rule = SafeContactRule.objects.filter(person=person).first()
    return safety.check_contact(rule, channel=channel, direction=direction, number=number, at=at)


@transaction.atomic
def record_contact(
    *,
    actor: User,
    case: Case,
    occurred_at: datetime,
    channel: str,
    direction: str,
    summary: str,
    person: Person | None = None,
    institution_name: str = "",
    institution_type: str = "",
    number: str = "",
    about: Iterable[Person] = (),
    confirmed_warnings: Collection[str] = (),
) -> ContactRecord:
    """Record a contact on an open case with a family member (``person``) or an institution.

    ``person`` and ``about`` must be persons whose contact data the actor may see and whom
    they work with; anyone else is refused as if unknown. A contact the person's safe-contact
    rules forbid is refused (``ContactBlockedError``); one that raises warnings is refused
    (``ConfirmationRequiredError``) unless every warning's code is in ``confirmed_warnings``, which
    binds a confirmation to the warnings the author actually read.
    """
    if not permissions.can_record_contacts(actor, case):
        raise PermissionDenied
    case = lock_open_case(case)
    institution_name = institution_name.strip()
    if person is not None:
        institution_name, institution_type = "", ""
    _check_shape(
        occurred_at=occurred_at,
        channel=channel,
        direction=direction,
        person=person,
        institution_name=institution_name,
        institution_type=institution_type,
        number=number,
    )
    summary = _clean_summary(summary)
    reachable = set(
        reachable_persons(access_for_family(actor, case.family)).values_list("pk", flat=True)
    )
    concerned = list(about)
    if person is not None and person.pk not in reachable:
        raise refusal(_("Choose a family member you work with."), code="person", field="person")
    if {p.pk for p in concerned} - reachable:
        raise refusal(_("Choose family members you work with."), code="about", field="about")
    findings = findings_for(
        person=person, channel=channel, direction=direction, number=number, at=occurred_at
    )
    blocks = [f for f in findings if f.blocks]
    if blocks:
        raise ContactBlockedError(blocks)
    warnings = [f for f in findings if not f.blocks]
    if {f.code for f in warnings} - set(confirmed_warnings):
        raise ConfirmationRequiredError(warnings)
    contact = ContactRecord(
        case=case,
        occurred_at=occurred_at,
        channel=channel,
        direction=direction,
        person=person,
        institution_name=institution_name[:200],
        institution_type=institution_type,
        number=number,
        summary=summary,
        confirmed_warnings=sorted(f.code for f in warnings),
        recorded_by=actor,
    )
    contact.full_clean()
    contact.save()
    contact.about.set(concerned)
    audit.record(
        actor=actor,
        action="contacts.contact_recorded",
        target=case,
        target_label=case.number,
        changes={
            "contact": [None, contact.pk],
            "channel": [None, channel],
            "direction": [None, direction],
            "number": [None, number],
            "counterpart": [None, "person" if person is not None else "institution"],
            "person": [None, person.pk if person is not None else None],
            "institution_type": [None, institution_type],
            "institution_name": [None, audit.MASK] if institution_name else [None, ""],
            "about": [None, sorted(p.pk for p in concerned)],
            "warnings_confirmed": [None, contact.confirmed_warnings],
            "summary": [audit.MASK, audit.MASK],
        },
    )
    return contact


@transaction.atomic
def mark_entered_in_error(*, actor: User, contact: ContactRecord, reason: str) -> ContactRecord:
    """Mark a contact entered in error; it stays in the log, marked, with who, when and why.

    ``contact`` must come from ``queries.get_contact_for`` (the actor may read it)."""
    if not permissions.can_mark_entered_in_error(actor, contact):
        raise PermissionDenied
    case = lock_open_case(contact.case)
    reason = reason.strip()
    if not reason:
        raise refusal(
            _("Say why the contact was entered in error."), code="required", field="reason"
        )
    now = timezone.now()
    updated = ContactRecord.objects.filter(pk=contact.pk, entered_in_error_at__isnull=True).update(
        entered_in_error_at=now, entered_in_error_by=actor, error_reason=reason[:200]
    )
    if updated != 1:
        raise refusal(_("This contact is already marked entered in error."), code="marked")
    contact.entered_in_error_at, contact.entered_in_error_by = now, actor
    contact.error_reason = reason[:200]
    audit.record(
        actor=actor,
        action="contacts.contact_entered_in_error",
        target=case,
        target_label=case.number,
        changes={
            "contact": [contact.pk, contact.pk],
            "entered_in_error": [False, True],
            "reason": [audit.MASK, audit.MASK],
        },
    )
    return contact
