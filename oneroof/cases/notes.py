"""Writes of case notes: writing, correcting, and the author's own edit.

A note is never silently overwritten: the author's edit is compare-and-set on
``CaseNote.version`` and refused (with a diff) when the note changed meanwhile; once anybody
has corrected a note it is never edited again. The audit trail records that a note was
written, corrected or edited, never its text (D6/D7 stay out of the audit trail).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from oneroof.accounts.models import User
from oneroof.audit import services as audit
from oneroof.core.errors import StaleEditError, refusal
from oneroof.families.access import NOTE_ROLES, access_for_family, note_visible_to
from oneroof.families.models import Person
from oneroof.organisation.models import Membership

from . import permissions
from .models import Case, CaseNote
from .services import ensure_open, lock_open_case

MAX_NOTE_LENGTH = 10_000
Level = CaseNote.Level


class StaleNoteError(StaleEditError):
    """The note changed since the editor loaded it; nothing was saved."""

    def __init__(self, *, current: CaseNote, submitted: str) -> None:
        super().__init__(
            current=current,
            saved=current.body,
            submitted=submitted,
            message=_("Someone else changed this note meanwhile; your text was not saved."),
        )


def _clean_body(body: str) -> str:
    body = body.strip()
    if not body:
        raise refusal(_("Write the note."), code="required", field="body")
    if len(body) > MAX_NOTE_LENGTH:
        raise refusal(
            _("A note can be at most %(max)d characters long.") % {"max": MAX_NOTE_LENGTH},
            code="max_length",
            field="body",
        )
    return body


def _audit(*, actor: User, case: Case, action: str, changes: dict[str, list[object]]) -> None:
    audit.record(actor=actor, action=action, target=case, target_label=case.number, changes=changes)


@transaction.atomic
def write_note(
    *,
    actor: User,
    case: Case,
    level: str,
    body: str,
    about: Iterable[Person] = (),
    restricted_to: Iterable[User] = (),
) -> CaseNote:
    """Write a note on an open case. ``about`` empty: the family as a whole; otherwise
    persons of the family the actor works with. ``restricted_to``: for restricted notes, the
    staff of the case's centre who may read it besides the author."""
    if level not in Level.values:
        raise refusal(_("Choose the confidentiality of the note."), code="level", field="level")
    if not permissions.can_write_notes(actor, case) or not permissions.can_write_note_level(
        actor, level
    ):
        raise PermissionDenied
    case = lock_open_case(case)
    body = _clean_body(body)
    persons = list(about)
    readers = list(restricted_to) if level == Level.RESTRICTED else []
    access = access_for_family(actor, case.family)
    allowed_persons = access.linked_person_ids - access.walled_person_ids
    errors: dict[str, list[ValidationError]] = {}
    if {person.pk for person in persons} - allowed_persons:
        errors["about"] = [
            ValidationError(_("Choose persons of this family you work with."), code="about")
        ]
    if level == Level.RESTRICTED:
        staff_ids = set(
            Membership.objects.active()
            .filter(centre_id=case.centre_id, role__in=list(NOTE_ROLES))
            .values_list("user_id", flat=True)
        )
        if not readers:
            errors["restricted_to"] = [
                ValidationError(_("Name the staff who may read the note."), code="required")
            ]
        elif {user.pk for user in readers} - staff_ids:
            errors["restricted_to"] = [
                ValidationError(_("Choose staff of this centre's case work."), code="not_staff")
            ]
    if errors:
        raise ValidationError(errors)
    note = CaseNote(case=case, author=actor, level=level, body=body)
    note.full_clean()
    note.save()
    note.about.set(persons)
    note.restricted_to.set(readers)
    _audit(
        actor=actor,
        case=case,
        action="cases.note_written",
        changes={
            "note": [None, note.pk],
            "level": [None, level],
            "about": [None, sorted(person.pk for person in persons)],
            "restricted_to": [None, sorted(user.username for user in readers)],
            "body": [audit.MASK, audit.MASK],
        },
    )
    return note


def _readable(actor: User, note: CaseNote) -> bool:
    return note_visible_to(actor, note, access_for_family(actor, note.case.family))


@transaction.atomic
def correct_note(*, actor: User, note: CaseNote, body: str, reason: str) -> CaseNote:
    """Add a correction under ``note``; the original stays as written. The correction
    inherits the original's confidentiality, persons and named readers."""
    original = note.corrects if note.corrects_id is not None and note.corrects else note
    if not _readable(actor, original) or not permissions.can_correct_note(actor, original):
        raise PermissionDenied
    case = lock_open_case(original.case)
    body = _clean_body(body)
    reason = reason.strip()
    if not reason:
        raise refusal(_("Say why the note is corrected."), code="required", field="reason")
    correction = CaseNote(
        case=case,
        author=actor,
        level=original.level,
        body=body,
        corrects=original,
        reason=reason[:200],
    )
    correction.full_clean()
    correction.save()
    correction.about.set(original.about.all())
    correction.restricted_to.set(original.restricted_to.all())
    _audit(
        actor=actor,
        case=case,
        action="cases.note_corrected",
        changes={
            "note": [None, correction.pk],
            "corrects": [None, original.pk],
            "body": [audit.MASK, audit.MASK],
            "reason": [audit.MASK, audit.MASK],
        },
    )
    return correction


@transaction.atomic
def edit_note(*, actor: User, note: CaseNote, body: str, expected_version: int) -> CaseNote:
    """The author rewrites their own note, while nobody has corrected it. Compare-and-set on
    ``version``: a text based on an older version is refused with ``StaleNoteError``."""
    current = CaseNote.objects.select_for_update().select_related("case").get(pk=note.pk)
    if current.author_id != actor.pk or current.corrects_id is not None:
        raise PermissionDenied
    if not _readable(actor, current):
        raise PermissionDenied
    ensure_open(current.case)
    if current.corrections.exists():
        raise refusal(
            _("This note has been corrected; add a correction instead."), code="corrected"
        )
    if current.version != expected_version:
        raise StaleNoteError(current=current, submitted=body)
    body = _clean_body(body)
    updated = CaseNote.objects.filter(pk=current.pk, version=expected_version).update(
        body=body, version=F("version") + 1, edited_at=timezone.now()
    )
    if updated != 1:  # pragma: no cover - the row lock makes this the belt to the braces
        raise StaleNoteError(current=current, submitted=body)
    current.refresh_from_db()
    _audit(
        actor=actor,
        case=current.case,
        action="cases.note_edited",
        changes={
            "note": [current.pk, current.pk],
            "version": [expected_version, current.version],
            "body": [audit.MASK, audit.MASK],
        },
    )
    return current
