"""NORR administrations: an immutable instrument version, one person's answers, the stored
outcome, red-flag alerts and the recommendations the case manager reviews (data class D5)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from . import scoring


class ImmutableError(Exception):
    """A published instrument version or a stored answer set must not change."""


class ImmutableQuerySet(models.QuerySet["InstrumentVersion"]):
    def update(self, **kwargs: Any) -> int:
        raise ImmutableError("A published instrument version never changes.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise ImmutableError("A published instrument version is never deleted.")


class InstrumentVersion(models.Model):
    """A published version of an instrument (items, scales, scoring parameters, rules) as
    data. It never changes once saved: a revision is loaded as a new version beside it."""

    code = models.CharField(_("instrument"), max_length=20)
    version = models.CharField(_("version"), max_length=20)
    is_proposal = models.BooleanField(_("proposal pending the partners' instrument"))
    definition = models.JSONField(editable=False)
    checksum = models.CharField(max_length=64, editable=False)
    published_at = models.DateTimeField(auto_now_add=True)

    objects = ImmutableQuerySet.as_manager()

    class Meta:
        ordering = ["code", "-published_at"]
        verbose_name = _("instrument version")
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="instrument_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.code} v{self.version}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ImmutableError("A published instrument version never changes.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ImmutableError("A published instrument version is never deleted.")

    @property
    def title(self) -> str:
        return _text(self.definition["title"])

    def items_for(self, form: str) -> list[dict[str, Any]]:
        return scoring.items_for_form(self.definition, form)

    def domains(self) -> list[dict[str, Any]]:
        return list(self.definition["domains"])


def _text(texts: dict[str, str]) -> str:
    return texts.get((get_language() or "pl")[:2]) or texts["pl"]


class Administration(models.Model):
    """One person answering one instrument version, on one occasion."""

    class Form(models.TextChoices):
        ADULT = "adult", _("adult self-report")
        TEEN = "teen", _("teen self-report (13–17, shortened)")
        CHILD = "child", _("child module (under 13, completed by the clinician)")

    class Occasion(models.TextChoices):
        DIAGNOSIS = "diagnosis", _("diagnosis (weeks 1–2)")
        MONTH_3 = "month_3", _("month 3")
        END = "end", _("end of therapy")
        INCIDENT = "incident", _("after a new incident")

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", _("in progress")
        COMPLETED = "completed", _("completed")

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="assessments")
    person = models.ForeignKey(
        "families.Person", on_delete=models.PROTECT, related_name="assessments"
    )
    version = models.ForeignKey(InstrumentVersion, on_delete=models.PROTECT, related_name="+")
    form = models.CharField(_("form"), max_length=10, choices=Form.choices)
    occasion = models.CharField(
        _("occasion"), max_length=20, choices=Occasion.choices, default=Occasion.DIAGNOSIS
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.IN_PROGRESS
    )
    current_step = models.PositiveSmallIntegerField(default=0)
    administered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("NORR administration")
        indexes = [models.Index(fields=["case", "person", "-started_at"], name="admin_case_person")]

    def __str__(self) -> str:
        return f"{self.version} #{self.pk}"

    @property
    def is_completed(self) -> bool:
        return self.status == self.Status.COMPLETED


class Answer(models.Model):
    """One answer, with where it came from. Values: "0"–"3", or "yes" / "no" / "dont_know"."""

    class Source(models.TextChoices):
        SELF = "self", _("the person")
        PARTNER = "partner", _("the partner")
        CHILD = "child", _("the child")
        PROFESSIONAL = "professional", _("a professional")
        RECORDS = "records", _("records")

    administration = models.ForeignKey(
        Administration, on_delete=models.CASCADE, related_name="answers"
    )
    item = models.CharField(max_length=10)
    value = models.CharField(max_length=10)
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.SELF)
    answered_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["administration", "item"], name="answer_unique_item")
        ]

    def __str__(self) -> str:
        return f"{self.administration_id}:{self.item}"

    @property
    def parsed(self) -> scoring.Answer:
        return int(self.value) if self.value.isdigit() else self.value


class ClinicianRating(models.Model):
    """The clinician's 0–2 concern for one domain; 2 raises the band, nothing lowers it."""

    administration = models.ForeignKey(
        Administration, on_delete=models.CASCADE, related_name="clinician_ratings"
    )
    domain = models.CharField(max_length=5)
    value = models.PositiveSmallIntegerField()
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    rated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["administration", "domain"], name="clinician_rating_unique"
            ),
            models.CheckConstraint(condition=Q(value__lte=2), name="clinician_rating_0_to_2"),
        ]

    def __str__(self) -> str:
        return f"{self.administration_id}:{self.domain}={self.value}"


class AssessmentResult(models.Model):
    """The outcome as scored, with the scorer's version: later rule changes leave it alone."""

    administration = models.OneToOneField(
        Administration, on_delete=models.CASCADE, related_name="result"
    )
    scorer_version = models.CharField(max_length=40)
    outcome = models.JSONField()
    overall_band = models.CharField(max_length=20, blank=True)
    is_critical = models.BooleanField(default=False)
    computed_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.administration_id}: {self.overall_band}"

    @property
    def parsed(self) -> scoring.Outcome:
        return scoring.Outcome.from_json(self.outcome)


class SafetyAlert(models.Model):
    """A red flag was raised: open until a named person records the decision."""

    class BlueCard(models.TextChoices):
        OPENED = "opened", _("Blue Card (NK-A) opened")
        NOT_OPENED = "not_opened", _("Blue Card not opened")

    class ChildReferral(models.TextChoices):
        REFERRED = "referred", _("child referred to the Centrum Pomocy Dzieciom")
        NOT_NEEDED = "not_needed", _("no referral needed")
        NOT_APPLICABLE = "not_applicable", _("no child concerned")

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="safety_alerts")
    administration = models.ForeignKey(
        Administration, on_delete=models.PROTECT, related_name="alerts"
    )
    red_flags = models.JSONField(default=list)
    raised_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    safety_plan_made = models.BooleanField(_("safety plan made"), default=False)
    blue_card = models.CharField(
        _("Blue Card decision"), max_length=20, choices=BlueCard.choices, blank=True
    )
    blue_card_reasons = models.TextField(_("reasons for the Blue Card decision"), blank=True)
    child_referral = models.CharField(
        _("child victim"), max_length=20, choices=ChildReferral.choices, blank=True
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["-raised_at"]
        indexes = [models.Index(fields=["case", "decided_at"], name="alert_case_open")]

    def __str__(self) -> str:
        return f"alert {self.case_id} {self.raised_at:%Y-%m-%d}"

    @property
    def is_open(self) -> bool:
        return self.decided_at is None


class Recommendation(models.Model):
    """A form of help the rules proposed; the case manager accepts, edits or rejects it."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("proposed")
        ACCEPTED = "accepted", _("accepted")
        EDITED = "edited", _("accepted with changes")
        REJECTED = "rejected", _("rejected")

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="recommendations")
    administration = models.ForeignKey(
        Administration, on_delete=models.PROTECT, related_name="recommendations"
    )
    code = models.CharField(max_length=40)
    text = models.CharField(_("form of help"), max_length=300)
    provider = models.CharField(_("providing institution"), max_length=40, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED
    )
    reason = models.TextField(_("reason"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["administration", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["administration", "code"], name="recommendation_unique_per_administration"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} ({self.status})"

    @property
    def display_text(self) -> str:
        """The rule's text in the reader's language, unless the case manager rewrote it."""
        if self.status == self.Status.EDITED:
            return self.text
        rules = self.administration.version.definition["recommendations"]
        rule = next((r for r in rules if r["code"] == self.code), None)
        return _text(rule["text"]) if rule else self.text
