"""First contacts and referrals, the centres' eligibility rules, and hand-overs between centres."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class ReferralChannel(models.TextChoices):
    """How the family reached us: the centres measure which outreach works."""

    LEAFLET = "leaflet", _("self: leaflet")
    SOCIAL_MEDIA = "social_media", _("self: social media")
    MEETING = "meeting", _("self: information meeting")
    WEBSITE = "website", _("self: website")
    PHONE = "phone", _("self: phone call")
    SCHOOL = "school", _("school or preschool")
    WELFARE = "welfare", _("social-welfare unit")
    HEALTH = "health", _("hospital or clinic")
    COURT = "court", _("court")
    POLICE = "police", _("police / Blue Card procedure")
    CENTRE = "centre", _("another OneRoof centre")
    MCPU = "mcpu", _("MCPU")

    @classmethod
    def self_referral(cls) -> frozenset[str]:
        return frozenset({cls.LEAFLET, cls.SOCIAL_MEDIA, cls.MEETING, cls.WEBSITE, cls.PHONE})


class Urgency(models.TextChoices):
    ROUTINE = "routine", _("routine")
    SOON = "soon", _("within a week")
    URGENT = "urgent", _("urgent: safety concern")


class Referral(models.Model):
    """A first contact or a referral, as received; it opens (or joins) a case at a centre."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="referrals")
    received_on = models.DateField(_("date of contact"))
    channel = models.CharField(_("channel"), max_length=20, choices=ReferralChannel.choices)
    referring_institution = models.CharField(_("referring institution"), max_length=200, blank=True)
    referrer_contact = models.CharField(_("contact person"), max_length=200, blank=True)
    reason = models.TextField(_("reason in the referrer's words"), max_length=4000)
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices)
    family_told = models.TextField(_("what the family was told"), max_length=2000, blank=True)
    proposed_centres = models.JSONField(
        _("centres proposed by the rules"), default=list, editable=False
    )
    override_reason = models.TextField(_("reason for overriding the proposal"), blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="registered_referrals"
    )
    registered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_on", "-pk"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")

    def __str__(self) -> str:
        return f"referral #{self.pk}"


class EligibilityRule(models.Model):
    """Who a centre serves, as data: the router proposes a centre whose active rules all hold."""

    class Requirement(models.TextChoices):
        PARTNER_PAIR = "partner_pair", _("two adults in a (former) partner relationship")
        CHILD_IN_FAMILY = "child_in_family", _("at least one child under the age limit")
        CHILD_VICTIM = "child_victim", _("a child under the age limit who experienced violence")

    centre = models.ForeignKey(
        "organisation.Centre", on_delete=models.CASCADE, related_name="eligibility_rules"
    )
    requirement = models.CharField(_("requirement"), max_length=20, choices=Requirement.choices)
    max_child_age = models.PositiveSmallIntegerField(_("age limit (years, exclusive)"), default=18)
    overridable = models.BooleanField(
        _("intake may override"),
        default=True,
        help_text=_("If off, the centre cannot be chosen unless this rule holds."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["centre", "requirement"], name="eligibility_rule_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.centre_id}: {self.requirement}"


class CentreHandover(models.Model):
    """A case sent to another centre: a *referral* shares it (the owner stays), a *transfer*
    moves ownership. Nothing changes until the receiving centre accepts."""

    class Kind(models.TextChoices):
        REFERRAL = "referral", _("referral (shared, owner unchanged)")
        TRANSFER = "transfer", _("transfer (ownership moves)")

    class Status(models.TextChoices):
        PENDING = "pending", _("awaiting decision")
        ACCEPTED = "accepted", _("accepted")
        DECLINED = "declined", _("declined")

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="handovers")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    from_centre = models.ForeignKey(
        "organisation.Centre", on_delete=models.PROTECT, related_name="handovers_sent"
    )
    to_centre = models.ForeignKey(
        "organisation.Centre", on_delete=models.PROTECT, related_name="handovers_received"
    )
    reason = models.TextField(_("reason"), max_length=2000)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_centre=F("to_centre")), name="handover_to_another_centre"
            ),
            models.UniqueConstraint(
                fields=["case", "to_centre"],
                condition=Q(status="pending"),
                name="handover_one_pending_per_centre",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.case_id} → {self.to_centre_id}"
