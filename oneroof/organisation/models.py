"""Who works where: institutions, centres, rooms and the roles staff hold in centres."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Institution(models.Model):
    """An employer of staff: a partner under one roof (MOPS, Dom Terapii, MCPU) or an external
    agency of the Barnahus model (police, prosecutor, court, medical)."""

    class Kind(models.TextChoices):
        CITY_UNIT = "city_unit", _("municipal unit")
        NGO = "ngo", _("non-governmental organisation")
        POLICE = "police", _("police")
        PROSECUTOR = "prosecutor", _("prosecutor's office")
        COURT = "court", _("court")
        MEDICAL = "medical", _("medical service")

    EXTERNAL_KINDS = frozenset({Kind.POLICE, Kind.PROSECUTOR, Kind.COURT, Kind.MEDICAL})

    code = models.SlugField(_("code"), unique=True)
    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=40)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    duties = models.TextField(_("duties under one roof"), blank=True)

    class Meta:
        ordering = ["short_name"]
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")

    def __str__(self) -> str:
        return self.short_name

    @property
    def is_external_agency(self) -> bool:
        return self.kind in self.EXTERNAL_KINDS


class Centre(models.Model):
    """A place where families are helped. Each serves one target group."""

    class TargetGroup(models.TextChoices):
        COUPLES = "couples", _("couples and families working on partner relations")
        FAMILIES_WITH_CHILDREN = (
            "families",
            _("families with children under 18 in relational crises"),
        )
        CHILD_VICTIMS = (
            "child_victims",
            _("children under 18 who experienced violence, and their non-offending caregivers"),
        )

    code = models.SlugField(_("code"), unique=True)
    name = models.CharField(_("name"), max_length=200)
    address = models.CharField(_("address"), max_length=200)
    operator = models.ForeignKey(
        Institution,
        verbose_name=_("operating institution"),
        on_delete=models.PROTECT,
        related_name="centres",
    )
    target_group = models.CharField(_("target group"), max_length=20, choices=TargetGroup.choices)
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name", "address"]
        verbose_name = _("centre")
        verbose_name_plural = _("centres")

    def __str__(self) -> str:
        return f"{self.name}, {self.address}"


class Room(models.Model):
    """A room of a centre; scheduling later books sessions into it."""

    class Kind(models.TextChoices):
        THERAPY = "therapy", _("therapy room")
        GROUP = "group", _("group room")
        FAMILY = "family", _("family room")
        CHILD_FRIENDLY = "child_friendly", _("child-friendly room")
        INTERVIEW = "interview", _("child-friendly interview room")
        OFFICE = "office", _("office")

    centre = models.ForeignKey(
        Centre, verbose_name=_("centre"), on_delete=models.PROTECT, related_name="rooms"
    )
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    capacity = models.PositiveSmallIntegerField(_("capacity (persons)"))
    is_accessible = models.BooleanField(_("wheelchair accessible"), default=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["centre", "name"]
        verbose_name = _("room")
        verbose_name_plural = _("rooms")
        constraints = [
            models.UniqueConstraint(fields=["centre", "name"], name="room_unique_name_in_centre"),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="room_capacity_positive"),
        ]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    """What a member of staff does. Held per centre, except the organisation-wide roles."""

    INTAKE = "intake", _("intake worker")
    CASE_MANAGER = "case_manager", _("case manager")
    THERAPIST = "therapist", _("therapist / specialist")
    COORDINATOR = "coordinator", _("centre coordinator")
    CLINICAL_LEAD = "clinical_lead", _("clinical lead")
    EU_OFFICER = "eu_officer", _("EU-project officer")
    DPO = "dpo", _("data-protection officer")
    SYSADMIN = "sysadmin", _("system administrator")
    PARTNER = "partner", _("external partner")


ORGANISATION_WIDE_ROLES = frozenset({Role.DPO, Role.SYSADMIN})


class MembershipQuerySet(models.QuerySet["Membership"]):
    def active(self) -> MembershipQuerySet:
        return self.filter(is_active=True, user__is_active=True)


class Membership(models.Model):
    """A role a user holds, at a centre or (DPO, system administrator) organisation-wide.

    A person may hold several; they act in one at a time (the active membership), and every
    permission check and audit event uses that one.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff member"),
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    centre = models.ForeignKey(
        Centre,
        verbose_name=_("centre"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["centre__name", "centre__address", "role"]
        verbose_name = _("role in a centre")
        verbose_name_plural = _("roles in centres")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "centre", "role"], name="membership_unique_role_per_centre"
            ),
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=Q(centre__isnull=True),
                name="membership_unique_organisation_wide_role",
            ),
            models.CheckConstraint(
                condition=(
                    Q(role__in=sorted(ORGANISATION_WIDE_ROLES), centre__isnull=True)
                    | (~Q(role__in=sorted(ORGANISATION_WIDE_ROLES)) & Q(centre__isnull=False))
                ),
                name="membership_centre_matches_role_scope",
            ),
        ]

    def __str__(self) -> str:
        if self.centre is None:
            return str(self.get_role_display())
        return f"{self.get_role_display()} — {self.centre}"
