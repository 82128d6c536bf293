"""The append-only, hash-chained audit trail.

This app imports nothing from the domain apps: targets are stored as type + id + a
non-identifying label, centres as a plain id + label, so the trail outlives any schema change.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    """Raised on any attempt to change or remove an audit event through the ORM."""


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("Audit events are append-only.")

    def delete(self) -> NoReturn:
        raise AppendOnlyError("Audit events are append-only.")


class AuditEvent(models.Model):
    """One thing that happened to, or one read of, a record: who, in which role and centre, when.

    ``seq`` numbers events without gaps; ``hash`` covers the event's content and the previous
    event's hash, so removing, reordering or editing any row breaks the chain
    (``manage.py audit_verify`` finds the first broken row). ``changes`` maps a field name to
    ``[old, new]`` with sensitive values masked. ``target_label`` must never identify a person:
    it is a case number, a centre name or a username of staff.
    """

    seq = models.PositiveBigIntegerField(_("sequence number"), unique=True, editable=False)
    occurred_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_label = models.CharField(_("actor"), max_length=150, blank=True)
    role = models.CharField(_("role"), max_length=40, blank=True)
    centre_ref = models.PositiveBigIntegerField(_("centre id"), null=True, blank=True)
    centre_label = models.CharField(_("centre"), max_length=200, blank=True)
    action = models.CharField(_("action"), max_length=100, db_index=True)
    target_type = models.CharField(_("record type"), max_length=100, blank=True)
    target_id = models.CharField(_("record id"), max_length=64, blank=True)
    target_label = models.CharField(_("record"), max_length=200, blank=True)
    changes = models.JSONField(_("changed fields"), default=dict, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    prev_hash = models.CharField(max_length=64, editable=False)
    hash = models.CharField(max_length=64, editable=False, unique=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-seq"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [
            models.Index(fields=["centre_ref", "-seq"], name="audit_centre_seq_idx"),
            models.Index(fields=["actor", "-seq"], name="audit_actor_seq_idx"),
            models.Index(fields=["target_type", "target_id"], name="audit_target_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("Audit events are append-only.")


class AuditChainHead(models.Model):
    """The single row that holds the newest ``seq`` and ``hash``.

    Writers lock it (``select_for_update``) for the rest of their transaction, so events get
    consecutive numbers in commit order; a rolled-back transaction leaves no gap. It also lets
    the verifier notice rows cut off the end of the chain.
    """

    last_seq = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        verbose_name = _("audit chain head")

    def __str__(self) -> str:
        return f"#{self.last_seq} {self.last_hash[:12]}"
