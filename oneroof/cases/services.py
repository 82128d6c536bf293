"""Writes of the case workflow: status, case manager, case team, closing and reopening.

Every service checks permission itself, validates, writes one ``CaseEvent`` (the timeline
staff read) and one audit event (the legal record) in the same transaction. Edits of the case
row are compare-and-set on ``Case.version``: a change based on a stale copy is refused, never
silently applied over somebody else's. A closed case is read-only except for reopening.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from oneroof.accounts.models import User
from oneroof.audit import services as audit
from oneroof.core.errors import refusal
from oneroof.families.models import FamilyMember, Person
from oneroof.organisation.models import Membership, Role

from . import permissions
from .models import Case, CaseEvent, CaseTeamMember

Status = Case.Status

# The workflow; closing goes through ``close_case``, reopening through ``reopen_case``.
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.REFERRED: frozenset({Status.IN_DIAGNOSIS}),
    Status.IN_DIAGNOSIS: frozenset({Status.WAITING}),
    Status.WAITING: frozenset({Status.IN_SUPPORT}),
    Status.IN_SUPPORT: frozenset({Status.IN_REVIEW}),
    Status.IN_REVIEW: frozenset({Status.IN_SUPPORT}),
    Status.CLOSED: frozenset(),
}
TEAM_ROLES = frozenset({Role.THERAPIST, Role.CASE_MANAGER, Role.CLINICAL_LEAD})


def allowed_next_statuses(case: Case) -> list[str]:
    """The statuses ``change_status`` accepts from the case's current one, in workflow order."""
    allowed = TRANSITIONS.get(case.status, frozenset())
    return [value for value in Status.values if value in allowed]


# --- helpers --------------------------------------------------------------------------------


def _stale_error() -> ValidationError:
    return refusal(
        _("Someone else changed this case meanwhile; reload and try again."), code="stale"
    )


def _closed_error() -> ValidationError:
    return refusal(_("This case is closed; it can only be reopened."), code="closed")


def ensure_open(case: Case) -> None:
    """A closed case is read-only for every app (notes, plans, diagnosis, tasks, contacts)
    until it is reopened."""
    if case.status == Case.Status.CLOSED:
        raise _closed_error()


def lock_open_case(case: Case) -> Case:
    """The case row, locked for the rest of the writing transaction; refused if closed."""
    locked = lock_case(case, None)
    ensure_open(locked)
    return locked


def lock_case(case: Case, expected_version: int | None) -> Case:
    """The case row, locked for the rest of the transaction, checked against the version the
    caller's change was based on (``None``: changes that do not depend on the case's fields)."""
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if expected_version is not None and locked.version != expected_version:
        raise _stale_error()
    return locked


def _save(case: Case, fields: Iterable[str]) -> Case:
    """Save ``fields`` and raise the version, compare-and-set on the version we read."""
    case.full_clean()
    names = list(fields)
    updated = Case.objects.filter(pk=case.pk, version=case.version).update(
        version=F("version") + 1, **{name: getattr(case, name) for name in names}
    )
    if updated != 1:
        raise _stale_error()
    case.version += 1
    return case


def _record(
    *,
    actor: User,
    case: Case,
    kind: str,
    action: str,
    changes: dict[str, list[Any]],
    from_status: str = "",
    to_status: str = "",
    subject_user: User | None = None,
    reason: str = "",
    note: str = "",
) -> CaseEvent:
    event = CaseEvent(
        case=case,
        kind=kind,
        from_status=from_status,
        to_status=to_status,
        actor=actor,
        subject_user=subject_user,
        reason=reason,
        note=note,
    )
    event.full_clean()
    event.save()
    audit.record(
        actor=actor,
        action=action,
        target=case,
        target_label=case.number,
        changes=changes,
        reason=reason,
    )
    return event


# --- status ---------------------------------------------------------------------------------


@transaction.atomic
def change_status(
    *, actor: User, case: Case, to_status: str, reason: str = "", expected_version: int
) -> Case:
    """Move the case one step along the workflow (closing and reopening have their own
    services). The case manager, the centre's coordinator and its clinical lead may."""
    if not permissions.can_change_case_status(actor, case):
        raise PermissionDenied
    case = lock_case(case, expected_version)
    if case.status == Status.CLOSED:
        raise _closed_error()
    if to_status == Status.CLOSED:
        raise refusal(
            _("Close the case with a reason and a closure summary."),
            code="use_close",
            field="to_status",
        )
    if to_status not in TRANSITIONS.get(case.status, frozenset()):
        raise refusal(
            _("A case cannot move from “%(from)s” to “%(to)s”.")
            % {"from": case.get_status_display(), "to": _status_label(to_status)},
            code="invalid_transition",
            field="to_status",
        )
    from_status = case.status
    case.status = to_status
    _save(case, ["status"])
    _record(
        actor=actor,
        case=case,
        kind=CaseEvent.Kind.STATUS_CHANGED,
        action="cases.status_changed",
        changes={"status": [from_status, to_status]},
        from_status=from_status,
        to_status=to_status,
        reason=reason.strip()[:200],
    )
    return case


def _status_label(value: str) -> str:
    return str(dict(Status.choices).get(value, value))


@transaction.atomic
def close_case(
    *, actor: User, case: Case, reason: str, summary: str, expected_version: int
) -> Case:
    """Close an open case with a reason (``Case.ClosureReason``) and a closure summary."""
    if not permissions.can_change_case_status(actor, case):
        raise PermissionDenied
    case = lock_case(case, expected_version)
    if case.status == Status.CLOSED:
        raise refusal(_("This case is already closed."), code="closed")
    errors: dict[str, list[ValidationError]] = {}
    if reason not in Case.ClosureReason.values:
        errors["reason"] = [ValidationError(_("Choose why the case is closed."), code="reason")]
    summary = summary.strip()
    if not summary:
        errors["summary"] = [
            ValidationError(_("Write a closure summary."), code="required"),
        ]
    if errors:
        raise ValidationError(errors)
    from_status = case.status
    case.status = Status.CLOSED
    case.closed_at = timezone.now()
    case.closure_reason = reason
    case.closure_summary = summary
    _save(case, ["status", "closed_at", "closure_reason", "closure_summary"])
    _record(
        actor=actor,
        case=case,
        kind=CaseEvent.Kind.CLOSED,
        action="cases.closed",
        # The summary is case work (D6): the audit row says that it was written, not what.
        changes={"status": [from_status, Status.CLOSED], "closure_reason": [None, reason]},
        from_status=from_status,
        to_status=Status.CLOSED,
        reason=case.get_closure_reason_display(),
        note=summary,
    )
    return case


@transaction.atomic
def reopen_case(*, actor: User, case: Case, reason: str) -> Case:
    """Reopen a closed case in the status it was closed from. The centre's coordinator or
    clinical lead may; refused while the family has another open case at the centre."""
    if not permissions.can_reopen_case(actor, case):
        raise PermissionDenied
    case = lock_case(case, None)
    if case.status != Status.CLOSED:
        raise refusal(_("Only a closed case can be reopened."), code="not_closed")
    reason = reason.strip()
    if not reason:
        raise refusal(_("Say why the case is reopened."), code="required", field="reason")
    if (
        Case.objects.filter(family_id=case.family_id, centre_id=case.centre_id)
        .exclude(status=Status.CLOSED)
        .exclude(pk=case.pk)
        .exists()
    ):
        raise _other_open_case_error()
    last_closing = case.events.filter(kind=CaseEvent.Kind.CLOSED).order_by("-occurred_at").first()
    to_status = (last_closing.from_status if last_closing else "") or Status.IN_SUPPORT
    case.status = to_status
    case.closed_at = None
    case.closure_reason = ""
    case.closure_summary = ""
    try:
        with transaction.atomic():  # a savepoint: a lost race meets the one-open-case constraint
            _save(case, ["status", "closed_at", "closure_reason", "closure_summary"])
    except IntegrityError:
        raise _other_open_case_error() from None
    _record(
        actor=actor,
        case=case,
        kind=CaseEvent.Kind.REOPENED,
        action="cases.reopened",
        changes={"status": [Status.CLOSED, to_status]},
        from_status=Status.CLOSED,
        to_status=to_status,
        reason=reason[:200],
    )
    return case


def _other_open_case_error() -> ValidationError:
    return refusal(
        _("The family has another open case at this centre; close it before reopening this one."),
        code="other_open_case",
    )


# --- case manager and team ------------------------------------------------------------------


def _holds_role_at(user: User, centre_id: int, roles: Iterable[str]) -> bool:
    return (
        Membership.objects.active()
        .filter(user=user, centre_id=centre_id, role__in=list(roles))
        .exists()
    )


@transaction.atomic
def assign_case_manager(*, actor: User, case: Case, case_manager: User) -> Case:
    """Assign or reassign the case manager; only the owning centre's coordinator may, and the
    new case manager must hold an active case-manager role at the centre."""
    if not permissions.can_assign_case_manager(actor, case):
        raise PermissionDenied
    case = lock_case(case, None)
    if case.status == Status.CLOSED:
        raise _closed_error()
    if not _holds_role_at(case_manager, case.centre_id, [Role.CASE_MANAGER]):
        raise refusal(
            _("Choose a case manager of this centre."),
            code="not_case_manager",
            field="case_manager",
        )
    if case.case_manager_id == case_manager.pk:
        raise refusal(
            _("This person already manages the case."), code="unchanged", field="case_manager"
        )
    old = case.case_manager
    case.case_manager = case_manager
    _save(case, ["case_manager"])
    _record(
        actor=actor,
        case=case,
        kind=CaseEvent.Kind.CASE_MANAGER_ASSIGNED,
        action="cases.case_manager_assigned",
        changes={"case_manager": [old.username if old else None, case_manager.username]},
        subject_user=case_manager,
    )
    return case


@transaction.atomic
def add_team_member(
    *, actor: User, case: Case, user: User, works_with: Iterable[Person] = ()
) -> CaseTeamMember:
    """Put a member of the centre's staff on the case team, linked to some persons of the
    family (``works_with``) or, when empty, to the whole family."""
    if not permissions.can_manage_case_team(actor, case):
        raise PermissionDenied
    case = lock_case(case, None)
    if case.status == Status.CLOSED:
        raise _closed_error()
    persons = list(works_with)
    errors: dict[str, list[ValidationError]] = {}
    if not _holds_role_at(user, case.centre_id, TEAM_ROLES):
        errors["user"] = [
            ValidationError(_("Choose a member of this centre's staff."), code="not_staff")
        ]
    elif case.team.filter(user=user).exists():
        errors["user"] = [ValidationError(_("Already on the case team."), code="duplicate")]
    person_ids = {person.pk for person in persons}
    members = set(
        FamilyMember.objects.filter(family_id=case.family_id, person_id__in=person_ids).values_list(
            "person_id", flat=True
        )
    )
    if person_ids - members:
        errors["works_with"] = [
            ValidationError(_("Choose persons of this family."), code="not_in_family")
        ]
    if errors:
        raise ValidationError(errors)
    membership = CaseTeamMember(case=case, user=user)
    membership.full_clean()
    membership.save()
    membership.works_with.set(persons)
    _record(
        actor=actor,
        case=case,
        kind=CaseEvent.Kind.TEAM_MEMBER_ADDED,
        action="cases.team_member_added",
        # Person ids only: names are D2 and stay out of the audit trail.
        changes={"team": [None, user.username], "works_with": [None, sorted(person_ids)]},
        subject_user=user,
    )
    return membership


@transaction.atomic
def remove_team_member(*, actor: User, case: Case, user: User) -> Case:
    """Take a member off the case team; their access through this case ends with it."""
    if not permissions.can_manage_case_team(actor, case):
        raise PermissionDenied
    case = lock_case(case, None)
    if case.status == Status.CLOSED:
        raise _closed_error()
    deleted, _rows = CaseTeamMember.objects.filter(case=case, user=user).delete()
    if not deleted:
        raise refusal(_("Not on the case team."), code="not_member", field="user")
    _record(
        actor=actor,
        case=case,
        kind=CaseEvent.Kind.TEAM_MEMBER_REMOVED,
        action="cases.team_member_removed",
        changes={"team": [user.username, None]},
        subject_user=user,
    )
    return case
