"""A family's engagement with one centre, and who works on it.

Membership of the case team is what grants access to a family's identity and case data
(access policy, principle 1). ``works_with`` narrows a team member's link to some persons
(e.g. the father's MCPU consultant); an empty set means the whole family.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

DIAGNOSIS_WITHIN = timedelta(days=14)


class ClosureReason(models.TextChoices):
    GOALS_ACHIEVED = "goals_achieved", _("goals achieved")
    FAMILY_WITHDREW = "family_withdrew", _("family withdrew")
    REFERRED_ELSEWHERE = "referred_elsewhere", _("referred elsewhere")
    MOVED_AWAY = "moved_away", _("moved away")
    OTHER = "other", _("other")


class Case(models.Model):
    ClosureReason = ClosureReason

    class Status(models.TextChoices):
        REFERRED = "referred", _("referred")
        IN_DIAGNOSIS = "in_diagnosis", _("in diagnosis")
        WAITING = "waiting", _("waiting")
        IN_SUPPORT = "in_support", _("in support")
        IN_REVIEW = "in_review", _("in review")
        CLOSED = "closed", _("closed")

    number = models.CharField(_("case number"), max_length=30, unique=True)
    family = models.ForeignKey("families.Family", on_delete=models.PROTECT, related_name="cases")
    centre = models.ForeignKey(
        "organisation.Centre",
        verbose_name=_("centre"),
        on_delete=models.PROTECT,
        related_name="cases",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.REFERRED
    )
    case_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("case manager"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="managed_cases",
    )
    first_contact_on = models.DateField(_("first contact"))
    joint_sessions_blocked = models.BooleanField(
        _("joint couple/family sessions blocked"),
        default=False,
        help_text=_("Set by a red flag; cleared only after a reassessment."),
    )
    opened_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closure_reason = models.CharField(
        _("reason for closing"), max_length=20, choices=ClosureReason.choices, blank=True
    )
    closure_summary = models.TextField(_("closure summary"), blank=True)
    version = models.PositiveIntegerField(
        default=1, help_text=_("Raised on every change; detects concurrent edits.")
    )
    shared_with = models.ManyToManyField(
        "organisation.Centre",
        blank=True,
        related_name="shared_cases",
        help_text=_("Centres that accepted a referral of this case (the owner stays)."),
    )

    class Meta:
        ordering = ["-opened_at"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        constraints = [
            models.UniqueConstraint(
                fields=["family", "centre"],
                condition=~Q(status="closed"),
                name="case_one_open_per_family_and_centre",
            )
        ]
        indexes = [models.Index(fields=["centre", "status"], name="case_centre_status")]

    def __str__(self) -> str:
        return self.number

    @property
    def diagnosis_due_on(self) -> date:
        """The NORR diagnosis is due within two weeks of the first contact."""
        return self.first_contact_on + DIAGNOSIS_WITHIN

    @property
    def days_since_first_contact(self) -> int:
        return (timezone.localdate() - self.first_contact_on).days


class CaseTeamMember(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="team")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="case_teams"
    )
    works_with = models.ManyToManyField("families.Person", blank=True, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "user"], name="case_team_member_unique")
        ]

    def __str__(self) -> str:
        return f"{self.case_id}: #{self.user_id}"


class CaseEvent(models.Model):
    """One entry of the case timeline: what staff read. The audit trail stays the legal record."""

    class Kind(models.TextChoices):
        STATUS_CHANGED = "status_changed", _("status changed")
        CASE_MANAGER_ASSIGNED = "case_manager_assigned", _("case manager assigned")
        TEAM_MEMBER_ADDED = "team_member_added", _("team member added")
        TEAM_MEMBER_REMOVED = "team_member_removed", _("team member removed")
        CLOSED = "closed", _("closed")
        REOPENED = "reopened", _("reopened")
        PLAN_SUBMITTED = "plan_submitted", _("support plan submitted")
        PLAN_APPROVED = "plan_approved", _("support plan approved")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    from_status = models.CharField(
        _("from status"), max_length=20, choices=Case.Status.choices, blank=True
    )
    to_status = models.CharField(
        _("to status"), max_length=20, choices=Case.Status.choices, blank=True
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    subject_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff member concerned"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The new case manager, or the team member added or removed."),
    )
    occurred_at = models.DateTimeField(_("when"), default=timezone.now)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        indexes = [models.Index(fields=["case", "-occurred_at"], name="case_event_timeline")]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.kind}"


class CaseNote(models.Model):
    """A note of case work (D6) or a therapy process note (D7).

    Who sees a note is decided in ``families.access.note_visible_to``. A note is never
    rewritten by anyone but its author, and then only while nobody has corrected it; a
    correction is a new note pointing at the original (``corrects``), which stays as written.
    """

    class Level(models.TextChoices):
        TEAM = "team", _("case team")
        THERAPIST_ONLY = "therapist_only", _("therapist-only")
        RESTRICTED = "restricted", _("restricted to named staff")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("written"), default=timezone.now)
    level = models.CharField(_("confidentiality"), max_length=20, choices=Level.choices)
    restricted_to = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("restricted to"),
        blank=True,
        related_name="+",
    )
    about = models.ManyToManyField(
        "families.Person",
        verbose_name=_("about"),
        blank=True,
        related_name="+",
        help_text=_("Leave empty for a note about the family as a whole."),
    )
    body = models.TextField(_("note"))
    corrects = models.ForeignKey(
        "self",
        verbose_name=_("corrects"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="corrections",
    )
    reason = models.CharField(_("reason for the correction"), max_length=200, blank=True)
    version = models.PositiveIntegerField(
        default=1, help_text=_("Raised on every edit; detects concurrent edits.")
    )
    edited_at = models.DateTimeField(_("edited"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("case note")
        verbose_name_plural = _("case notes")
        indexes = [models.Index(fields=["case", "-created_at"], name="case_note_timeline")]

    def __str__(self) -> str:
        return f"{self.case_id}: note #{self.pk}"


# --- the staged support plan (D6) -----------------------------------------------------------


class SupportPlan(models.Model):
    """The case's one current support plan. Approval by the centre's clinical lead; every
    submit writes a ``PlanRevision`` snapshot, and editing an approved plan starts a new
    revision (status back to draft)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted for approval")
        APPROVED = "approved", _("approved")

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="plan")
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    revision = models.PositiveIntegerField(_("plan revision"), default=1)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    approval_comment = models.TextField(_("approval comment"), blank=True)
    version = models.PositiveIntegerField(
        default=1, help_text=_("Raised on every change; detects concurrent edits.")
    )

    class Meta:
        verbose_name = _("support plan")
        verbose_name_plural = _("support plans")

    def __str__(self) -> str:
        return f"{self.case_id}: plan r{self.revision}"


class PlanStage(models.Model):
    plan = models.ForeignKey(SupportPlan, on_delete=models.CASCADE, related_name="stages")
    order = models.PositiveIntegerField(_("order"))
    name = models.CharField(_("stage"), max_length=120)
    review_on = models.DateField(_("review date"), null=True, blank=True)
    version = models.PositiveIntegerField(
        default=1, help_text=_("Raised on every edit; detects concurrent edits.")
    )

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("stage")
        verbose_name_plural = _("stages")
        constraints = [
            models.UniqueConstraint(fields=["plan", "order"], name="plan_stage_order_unique")
        ]

    def __str__(self) -> str:
        return f"{self.plan_id}: {self.order}"


class Goal(models.Model):
    stage = models.ForeignKey(PlanStage, on_delete=models.CASCADE, related_name="goals")
    concerns = models.ManyToManyField(
        "families.Person", verbose_name=_("concerns"), blank=True, related_name="+"
    )
    description = models.TextField(_("goal (measurable)"))
    target_date = models.DateField(_("target date"))
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    version = models.PositiveIntegerField(
        default=1, help_text=_("Raised on every edit; detects concurrent edits.")
    )

    class Meta:
        ordering = ["stage", "target_date", "pk"]
        verbose_name = _("goal")
        verbose_name_plural = _("goals")

    def __str__(self) -> str:
        return f"{self.stage_id}: goal #{self.pk}"


class PlannedHelp(models.Model):
    stage = models.ForeignKey(PlanStage, on_delete=models.CASCADE, related_name="helps")
    description = models.CharField(_("form of help"), max_length=300)
    provider = models.ForeignKey(
        "organisation.Institution",
        verbose_name=_("providing institution"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    from_recommendation = models.ForeignKey(
        "assessment.Recommendation",
        verbose_name=_("from recommendation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    version = models.PositiveIntegerField(
        default=1, help_text=_("Raised on every edit; detects concurrent edits.")
    )

    class Meta:
        ordering = ["stage", "pk"]
        verbose_name = _("form of help")
        verbose_name_plural = _("forms of help")

    def __str__(self) -> str:
        return f"{self.stage_id}: help #{self.pk}"


class PlanRevision(models.Model):
    """The plan as it was submitted: who, when, what (a JSON snapshot)."""

    plan = models.ForeignKey(SupportPlan, on_delete=models.CASCADE, related_name="revisions")
    revision = models.PositiveIntegerField(_("plan revision"))
    snapshot = models.JSONField(default=dict)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    changed_at = models.DateTimeField(_("when"), default=timezone.now)
    summary = models.CharField(_("summary"), max_length=200)
    approved = models.BooleanField(_("approved"), default=False)

    class Meta:
        ordering = ["-changed_at", "-pk"]
        verbose_name = _("plan revision")
        verbose_name_plural = _("plan revisions")

    def __str__(self) -> str:
        return f"{self.plan_id}: r{self.revision}"
