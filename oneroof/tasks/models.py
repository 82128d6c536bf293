"""Tasks of case work (D6) and their SLA timers.

A task belongs to one case and has an owner (or none: then the centre's coordinators see it)
and a due date. Rule tasks (``kind`` other than ``manual``) are kept in step with the case by
``services.sync_rule_tasks`` from the deadlines in ``rules.py``; ``rule_key`` names the
occurrence ("diagnosis", "plan_review:rev3", "course_end"), unique per case, so generating
them again changes nothing. Manual tasks are added by hand; their edits are compare-and-set on
``version``. A task is closed as done (by a person, or by the system when its deadline no
longer applies) or cancelled (the case was closed).
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Task(models.Model):
    class Kind(models.TextChoices):
        DIAGNOSIS_DUE = "diagnosis_due", _("NORR diagnosis due")
        PLAN_REVIEW = "plan_review", _("support plan review")
        COURSE_END = "course_end", _("end of the support course")
        MANUAL = "manual", _("task added by hand")

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        DONE = "done", _("done")
        CANCELLED = "cancelled", _("cancelled")

    case = models.ForeignKey(
        "cases.Case", verbose_name=_("case"), on_delete=models.CASCADE, related_name="tasks"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("task"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tasks",
        help_text=_("Empty: unassigned; the centre's coordinators are reminded."),
    )
    due_on = models.DateField(_("due"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("completed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty on a closed task: closed by the system."),
    )
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    completion_note = models.TextField(_("completion note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("added by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("added"), default=timezone.now)
    rule_key = models.CharField(max_length=50, blank=True)
    reminded_on = models.DateField(_("last reminder"), null=True, blank=True)
    version = models.PositiveIntegerField(
        default=1, help_text=_("Raised on every edit; detects concurrent edits.")
    )

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        constraints = [
            models.UniqueConstraint(
                fields=["case", "rule_key"],
                condition=~Q(rule_key=""),
                name="task_rule_key_unique_per_case",
            ),
            models.CheckConstraint(
                condition=(Q(kind="manual") & Q(rule_key=""))
                | (~Q(kind="manual") & ~Q(rule_key="")),
                name="task_rule_key_iff_rule_kind",
            ),
        ]
        indexes = [
            models.Index(fields=["owner", "status", "due_on"], name="task_owner_open"),
            models.Index(fields=["status", "due_on"], name="task_status_due"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}: task #{self.pk}"

    @property
    def label(self) -> str:
        """What lists show: the title of a manual task, the kind of a rule task."""
        return self.title if self.kind == self.Kind.MANUAL else str(self.get_kind_display())

    @property
    def is_manual(self) -> bool:
        return self.kind == self.Kind.MANUAL

    def is_overdue(self, today: date | None = None) -> bool:
        return self.status == self.Status.OPEN and self.due_on < (today or timezone.localdate())

    @property
    def overdue(self) -> bool:
        return self.is_overdue()
