"""Writing the audit trail. Services call ``record`` inside their own transaction."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import models, transaction

from oneroof.core.types import AuditActor, AuditContext

from .chain import GENESIS_HASH, HASHED_FIELDS, event_hash
from .context import current_ip
from .models import AuditChainHead, AuditEvent

MASK = "•••"


def masked_changes(
    before: Mapping[str, Any], after: Mapping[str, Any], *, masked: Iterable[str] = ()
) -> dict[str, list[Any]]:
    """``{field: [old, new]}`` for the fields whose value differs; sensitive ones masked.

    A masked field still shows *that* it changed, never what it was or became.
    """
    hidden = set(masked)
    changes: dict[str, list[Any]] = {}
    for name in sorted(set(before) | set(after)):
        old, new = before.get(name), after.get(name)
        if old == new:
            continue
        changes[name] = [MASK, MASK] if name in hidden else [_plain(old), _plain(new)]
    return changes


def snapshot(instance: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The current values of ``fields``, with foreign keys as their ids."""
    values: dict[str, Any] = {}
    for name in fields:
        field = instance._meta.get_field(name)
        attname = getattr(field, "attname", name)
        values[name] = getattr(instance, attname)
    return values


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def _target_type(target: models.Model) -> str:
    return f"{target._meta.app_label}.{target._meta.model_name}"


@transaction.atomic
def record(
    *,
    actor: AuditActor | None,
    action: str,
    target: models.Model | None = None,
    target_label: str = "",
    changes: Mapping[str, list[Any]] | None = None,
    reason: str = "",
    context: AuditContext | None = None,
) -> AuditEvent:
    """Append one event to the chain, in the caller's transaction.

    ``actor`` None means the system itself (a management command or a scheduled job).
    ``context`` overrides the actor's current role and centre, e.g. for a login event.
    """
    ctx = context or (actor.audit_context() if actor is not None else AuditContext())
    head = _locked_head()
    event = AuditEvent(
        seq=head.last_seq + 1,
        actor_id=actor.pk if actor is not None else None,
        actor_label=actor.username if actor is not None else "system",
        role=ctx.role,
        centre_ref=ctx.centre_id,
        centre_label=ctx.centre_label,
        action=action,
        target_type=_target_type(target) if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_label=(target_label or str(target))[:200] if target is not None else target_label,
        changes=dict(changes or {}),
        reason=reason,
        ip_address=current_ip.get(),
        prev_hash=head.last_hash,
    )
    event.hash = event_hash({name: getattr(event, name) for name in HASHED_FIELDS}, head.last_hash)
    event.save()
    head.last_seq, head.last_hash = event.seq, event.hash
    head.save(update_fields=["last_seq", "last_hash"])
    return event


def record_view(
    *, actor: AuditActor, action: str, target: models.Model | None = None, target_label: str = ""
) -> AuditEvent:
    """Log a read of a sensitive page or an export (access policy, principle 4)."""
    return record(actor=actor, action=action, target=target, target_label=target_label)


def _locked_head() -> AuditChainHead:
    # The head row is created on first use (and again after a test flush), then locked so that
    # concurrent writers get consecutive sequence numbers in commit order.
    head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        head, _ = AuditChainHead.objects.get_or_create(
            pk=1, defaults={"last_seq": 0, "last_hash": GENESIS_HASH}
        )
        head = AuditChainHead.objects.select_for_update().get(pk=1)
    return head
