"""Handing a case over to another centre: a *referral* shares it, a *transfer* moves it.

Access policy (shared/domain/access.md): "a referral gives the receiving centre access on
acceptance; a transfer moves ownership; both are audit-logged". Nothing changes for the case
until the receiving centre's coordinator accepts:

* referral accepted → the receiving centre joins ``Case.shared_with``; the owner stays.
* transfer accepted → ``Case.centre`` becomes the receiving centre, and the sending centre
  keeps **no** access (it is not added to ``shared_with``). Should it need to keep working on
  the case, the receiving centre can refer it back. The case manager and case team stay on
  record as they were: access always needs the owning or a sharing centre (``families.access``),
  so they no longer see the case, and clearing the case manager would reopen the case to the
  intake worker who registered it ("until a case manager is assigned"). The receiving centre
  assigns its own case manager.

Who may see a handover: the receiving centre's coordinator (incoming), and the sending centre's
coordinator and the case's case manager there (outgoing). Everyone else gets a 404.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from oneroof.accounts.models import User
from oneroof.audit import services as audit
from oneroof.cases.models import Case
from oneroof.cases.permissions import can_request_handover
from oneroof.organisation.models import Centre, Role
from oneroof.organisation.permissions import active_centre_id, active_role

from .models import CentreHandover

HANDOVER_ROLES = frozenset({Role.COORDINATOR, Role.CASE_MANAGER})


# --- who may do what ------------------------------------------------------------------------


def can_see_handovers(user: Any) -> bool:
    """The handover pages are for coordinators and case managers acting at a centre."""
    return active_role(user) in HANDOVER_ROLES and active_centre_id(user) is not None


def can_decide_handover(user: Any, handover: CentreHandover) -> bool:
    """Only the receiving centre's coordinator."""
    return active_role(user) == Role.COORDINATOR and active_centre_id(user) == handover.to_centre_id


# --- reads ----------------------------------------------------------------------------------


def _with_relations(handovers: QuerySet[CentreHandover]) -> QuerySet[CentreHandover]:
    return handovers.select_related(
        "case", "from_centre", "to_centre", "requested_by", "decided_by"
    )


def handovers_visible_to(user: Any) -> QuerySet[CentreHandover]:
    """Every handover the user may open: sent to their centre (coordinator), sent from it
    (coordinator), or of a case they manage there (case manager)."""
    centre_id = active_centre_id(user)
    role = active_role(user)
    if centre_id is None:
        return CentreHandover.objects.none()
    if role == Role.COORDINATOR:
        scope = Q(to_centre_id=centre_id) | Q(from_centre_id=centre_id)
    elif role == Role.CASE_MANAGER:
        scope = Q(from_centre_id=centre_id, case__case_manager=user)
    else:
        return CentreHandover.objects.none()
    return _with_relations(CentreHandover.objects.filter(scope))


def handovers_for(user: Any) -> QuerySet[CentreHandover]:
    """The handover list: pending handovers to the user's centre (coordinator) and those sent
    from it (coordinator, or the case's case manager), newest first. One query."""
    centre_id = active_centre_id(user)
    incoming_decided = Q(to_centre_id=centre_id) & ~Q(status=CentreHandover.Status.PENDING)
    return handovers_visible_to(user).exclude(incoming_decided).order_by("-requested_at", "-pk")


@dataclass(frozen=True)
class HandoverInbox:
    incoming: list[CentreHandover]  # awaiting the user's decision
    outgoing: list[CentreHandover]  # sent from the user's centre, any status


def inbox_for(user: Any) -> HandoverInbox:
    centre_id = active_centre_id(user)
    rows = list(handovers_for(user))
    return HandoverInbox(
        incoming=[h for h in rows if h.to_centre_id == centre_id],
        outgoing=[h for h in rows if h.to_centre_id != centre_id],
    )


# --- writes ---------------------------------------------------------------------------------


def _has_other_open_case(case: Case, centre: Centre) -> bool:
    return (
        Case.objects.filter(family_id=case.family_id, centre=centre)
        .exclude(status=Case.Status.CLOSED)
        .exclude(pk=case.pk)
        .exists()
    )


def _open_case_error() -> ValidationError:
    return ValidationError(
        _(
            "This family already has an open case at that centre, so the case cannot be "
            "transferred there. Refer it instead, or close one of the cases first."
        ),
        code="open_case_at_centre",
    )


@transaction.atomic
def request_handover(
    *, actor: User, case: Case, to_centre: Centre, kind: str, reason: str
) -> CentreHandover:
    """Ask ``to_centre`` to accept ``case`` as a referral (shared) or a transfer (moved).

    Only the owning centre's coordinator or the case's case manager may ask; at most one
    request per case and receiving centre waits for a decision at a time."""
    if not can_request_handover(actor, case):
        raise PermissionDenied
    case = Case.objects.select_for_update().get(pk=case.pk)
    reason = reason.strip()
    errors: dict[str, list[ValidationError]] = {}
    if kind not in CentreHandover.Kind.values:
        errors["kind"] = [ValidationError(_("Choose a referral or a transfer."), code="kind")]
    if not reason:
        errors["reason"] = [ValidationError(_("Say why the case is handed over."), code="required")]
    if case.status == Case.Status.CLOSED:
        errors[NON_FIELD_ERRORS] = [
            ValidationError(_("A closed case cannot be handed over."), code="closed")
        ]
    target_errors = []
    if to_centre.pk == case.centre_id:
        target_errors.append(
            ValidationError(_("Choose a centre other than the case's own."), code="same_centre")
        )
    elif not to_centre.is_active:
        target_errors.append(ValidationError(_("That centre is not active."), code="inactive"))
    elif case.handovers.filter(to_centre=to_centre, status=CentreHandover.Status.PENDING).exists():
        target_errors.append(_pending_error())
    elif kind == CentreHandover.Kind.REFERRAL and case.shared_with.filter(pk=to_centre.pk).exists():
        target_errors.append(
            ValidationError(_("The case is already shared with that centre."), code="shared")
        )
    elif kind == CentreHandover.Kind.TRANSFER and _has_other_open_case(case, to_centre):
        target_errors.append(_open_case_error())
    if target_errors:
        errors["to_centre"] = target_errors
    if errors:
        raise ValidationError(errors)

    handover = CentreHandover(
        case=case,
        kind=kind,
        from_centre_id=case.centre_id,
        to_centre=to_centre,
        reason=reason,
        requested_by=actor,
    )
    handover.full_clean()
    try:
        with transaction.atomic():  # a savepoint: a lost race leaves the outer work intact
            handover.save()
    except IntegrityError:
        raise ValidationError({"to_centre": [_pending_error()]}) from None
    audit.record(
        actor=actor,
        action="intake.handover_requested",
        target=handover,
        target_label=case.number,
        changes={"kind": [None, kind], "to_centre": [None, to_centre.pk]},
        reason=reason,
    )
    return handover


def _pending_error() -> ValidationError:
    return ValidationError(
        _("A handover of this case to that centre is already awaiting a decision."),
        code="pending",
    )


@transaction.atomic
def decide_handover(
    *, actor: User, handover: CentreHandover, accept: bool, reason: str
) -> CentreHandover:
    """Accept or decline a pending handover, as the receiving centre's coordinator.

    Accepting a referral shares the case with the receiving centre; accepting a transfer makes
    it the owner, and the sending centre loses access. Declining needs a reason. The handover
    row is locked, so two coordinators deciding at once cannot both succeed."""
    if not can_decide_handover(actor, handover):
        raise PermissionDenied
    handover = CentreHandover.objects.select_for_update().get(pk=handover.pk)
    if handover.status != CentreHandover.Status.PENDING:
        raise ValidationError(
            {
                NON_FIELD_ERRORS: [
                    ValidationError(_("This handover has already been decided."), code="decided")
                ]
            }
        )
    reason = reason.strip()
    if not accept and not reason:
        raise ValidationError(
            {"reason": [ValidationError(_("Say why the handover is declined."), code="required")]}
        )
    case = Case.objects.select_for_update().get(pk=handover.case_id)
    changes: dict[str, list[Any]] = {}
    if accept:
        _check_acceptable(handover, case)
        if handover.kind == CentreHandover.Kind.TRANSFER:
            changes["case_centre"] = [case.centre_id, handover.to_centre_id]
            case.centre_id = handover.to_centre_id
            case.full_clean()
            try:
                with transaction.atomic():
                    case.save(update_fields=["centre"])
            except IntegrityError:
                raise ValidationError({NON_FIELD_ERRORS: [_open_case_error()]}) from None
            case.shared_with.remove(handover.to_centre_id)
        else:
            case.shared_with.add(handover.to_centre_id)
    new_status = CentreHandover.Status.ACCEPTED if accept else CentreHandover.Status.DECLINED
    changes["status"] = [handover.status, new_status]
    handover.status = new_status
    handover.decision_reason = reason
    handover.decided_by = actor
    handover.decided_at = timezone.now()
    handover.full_clean()
    handover.save(update_fields=["status", "decision_reason", "decided_by", "decided_at"])
    audit.record(
        actor=actor,
        action="intake.handover_accepted" if accept else "intake.handover_declined",
        target=handover,
        target_label=case.number,
        changes=changes,
        reason=reason,
    )
    return handover


def _check_acceptable(handover: CentreHandover, case: Case) -> None:
    """What may have changed since the request: the case closed, moved, or a second open
    case of the family at the receiving centre (one open case per family and centre)."""
    if case.status == Case.Status.CLOSED:
        message = _("The case has been closed since the request; it can only be declined.")
    elif case.centre_id != handover.from_centre_id:
        message = _("The case has moved to another centre since the request; decline it.")
    elif handover.kind == CentreHandover.Kind.TRANSFER and _has_other_open_case(
        case, handover.to_centre
    ):
        raise ValidationError({NON_FIELD_ERRORS: [_open_case_error()]})
    else:
        return
    raise ValidationError({NON_FIELD_ERRORS: [ValidationError(message, code="not_acceptable")]})
