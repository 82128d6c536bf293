"""The record of contacts with a family and with institutions (D6; may reveal D3/D4).

A contact record is append-only: nobody edits or deletes one. A record made by mistake is
*marked* entered in error (who, when, why) and stays in the log, struck through, so that the
history of who was contacted, how and when is never lost. Who may see a record is decided in
``queries.contacts_visible_to`` from ``families.access`` (the partner wall applies).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    PHONE = "phone", _("phone call")
    CENTRE_MEETING = "centre_meeting", _("meeting at the centre")
    HOME_VISIT = "home_visit", _("home visit")
    LETTER = "letter", _("letter")
    EMAIL = "email", _("e-mail")
    SMS = "sms", _("SMS")
    VIDEO = "video", _("video call")


class Direction(models.TextChoices):
    OUTGOING = "out", _("outgoing (we contacted them)")
    INCOMING = "in", _("incoming (they contacted us)")


class Number(models.TextChoices):
    """Which number a phone call used: the rules forbid some (e.g. a shared home line)."""

    MOBILE = "mobile", _("the person's own mobile")
    HOME = "home", _("home or landline number")
    INSTITUTION = "institution", _("the institution's number")


class InstitutionType(models.TextChoices):
    SCHOOL = "school", _("school or preschool")
    SOCIAL_WELFARE = "welfare", _("social welfare")
    POLICE = "police", _("police")
    JUSTICE = "justice", _("court or prosecutor")
    HEALTH = "health", _("health care")
    OTHER = "other", _("other institution")


class ContactRecord(models.Model):
    """One contact with a family member (``person``) or an institution (``institution_name``).

    ``about``: the family members an institution contact concerns; empty means the family as
    a whole, which only staff linked to the whole family may read. ``confirmed_warnings``:
    the safe-contact warnings the author read and confirmed before saving.
    """

    Channel = Channel
    Direction = Direction
    Number = Number
    InstitutionType = InstitutionType

    case = models.ForeignKey(
        "cases.Case", verbose_name=_("case"), on_delete=models.PROTECT, related_name="contacts"
    )
    occurred_at = models.DateTimeField(_("when"))
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    direction = models.CharField(_("direction"), max_length=3, choices=Direction.choices)
    person = models.ForeignKey(
        "families.Person",
        verbose_name=_("family member"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    institution_name = models.CharField(_("institution"), max_length=200, blank=True)
    institution_type = models.CharField(
        _("kind of institution"), max_length=20, choices=InstitutionType.choices, blank=True
    )
    number = models.CharField(_("number used"), max_length=20, choices=Number.choices, blank=True)
    about = models.ManyToManyField(
        "families.Person",
        verbose_name=_("concerns"),
        blank=True,
        related_name="+",
        help_text=_("The family members the contact concerns; none: the family as a whole."),
    )
    summary = models.TextField(_("summary"))
    confirmed_warnings = models.JSONField(default=list, blank=True, editable=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)
    entered_in_error_at = models.DateTimeField(_("marked entered in error"), null=True, blank=True)
    entered_in_error_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("marked entered in error by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    error_reason = models.CharField(_("why it was entered in error"), max_length=200, blank=True)

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        indexes = [models.Index(fields=["case", "-occurred_at"], name="contact_case_timeline")]
        constraints = [
            models.CheckConstraint(
                condition=(Q(person__isnull=False) & Q(institution_name=""))
                | (Q(person__isnull=True) & ~Q(institution_name="")),
                name="contact_one_counterpart",
            ),
            models.CheckConstraint(
                condition=~(Q(channel="home_visit") & Q(direction="in")),
                name="contact_home_visit_is_outgoing",
            ),
            models.CheckConstraint(
                condition=(Q(channel="phone") & ~Q(number=""))
                | (~Q(channel="phone") & Q(number="")),
                name="contact_number_iff_phone",
            ),
            models.CheckConstraint(
                condition=(
                    Q(entered_in_error_at__isnull=True) & Q(entered_in_error_by__isnull=True)
                )
                | (Q(entered_in_error_at__isnull=False) & Q(entered_in_error_by__isnull=False)),
                name="contact_error_marking_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}: contact #{self.pk}"

    @property
    def is_entered_in_error(self) -> bool:
        return self.entered_in_error_at is not None
