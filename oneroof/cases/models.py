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
from django.utils.translation import gettext_lazy as _

DIAGNOSIS_WITHIN = timedelta(days=14)


class Case(models.Model):
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
