"""The family system: persons, families, relationships, households, safety facts and consent.

Data classes of the access policy (shared/domain/access.md) map onto tables so that a
selector can leave a whole class out with one join less:
D2 identity → ``Person``, ``FamilyMember``, ``Relationship``;
D3 contact & location → ``ContactDetails``, ``Household`` (address), ``HouseholdMember``;
D4 safety facts → ``SafetyFlag``, ``DisclosureBlock``, ``SafeContactRule``.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from .text import search_key

ADULT_AGE = 18
SENIOR_AGE = 60


def age_on(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


class Person(models.Model):
    """One individual. A person may belong to several families over time."""

    class Sex(models.TextChoices):
        FEMALE = "F", _("female")
        MALE = "M", _("male")
        NOT_STATED = "X", _("not stated")

    class Disability(models.TextChoices):
        YES = "yes", _("yes")
        NO = "no", _("no")
        REFUSED = "refused", _("refuses to answer")

    class AgeGroup(models.TextChoices):
        CHILD = "child", _("child (under 18)")
        ADULT = "adult", _("adult")
        SENIOR = "senior", _("senior (60+)")

    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    pesel = models.CharField(_("PESEL"), max_length=11, blank=True)
    date_of_birth = models.DateField(_("date of birth"))
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, default=Sex.NOT_STATED)
    disability = models.CharField(
        _("disability"), max_length=10, choices=Disability.choices, default=Disability.NO
    )
    has_disability_certificate = models.BooleanField(_("disability certificate"), default=False)
    language = models.CharField(_("language"), max_length=50, default="polski")
    needs_interpreter = models.BooleanField(_("needs an interpreter"), default=False)
    search_name = models.CharField(max_length=201, editable=False, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        constraints = [
            models.UniqueConstraint(
                fields=["pesel"], condition=~Q(pesel=""), name="person_unique_pesel"
            ),
        ]
        indexes = [models.Index(fields=["last_name", "date_of_birth"], name="person_name_dob")]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def save(self, *args: object, **kwargs: object) -> None:
        # Derived search column, kept in step with the names it is made of.
        self.search_name = search_key(self.last_name, self.first_name)
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def age(self, today: date) -> int:
        return age_on(self.date_of_birth, today)

    def age_group(self, today: date) -> str:
        age = self.age(today)
        if age < ADULT_AGE:
            return self.AgeGroup.CHILD
        return self.AgeGroup.SENIOR if age >= SENIOR_AGE else self.AgeGroup.ADULT


class Family(models.Model):
    """The family system served: a household or wider. ``display_name`` is case-index data
    (D1) and is seen by the whole centre, so it carries a surname at most."""

    display_name = models.CharField(_("family name"), max_length=120)
    registered_at = models.ForeignKey(
        "organisation.Centre",
        verbose_name=_("registered at"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    persons: models.ManyToManyField[Person, FamilyMember] = models.ManyToManyField(
        Person, through="FamilyMember", related_name="families"
    )

    class Meta:
        ordering = ["display_name", "pk"]
        verbose_name = _("family")
        verbose_name_plural = _("families")

    def __str__(self) -> str:
        return self.display_name


class FamilyMember(models.Model):
    """A person's membership of a family, over a period."""

    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="memberships")
    is_client = models.BooleanField(
        _("client"), default=False, help_text=_("The person the help is for (e.g. the child).")
    )
    joined_on = models.DateField(_("member since"), null=True, blank=True)
    left_on = models.DateField(_("member until"), null=True, blank=True)

    class Meta:
        ordering = ["person__date_of_birth"]
        constraints = [
            models.UniqueConstraint(fields=["family", "person"], name="family_member_unique"),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True)
                | Q(joined_on__isnull=True)
                | Q(left_on__gte=F("joined_on")),
                name="family_member_period_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.person_id} in #{self.family_id}"


class Relationship(models.Model):
    """A directed relationship: ``from_person`` is <kind> of ``to_person``."""

    class Kind(models.TextChoices):
        SPOUSE = "spouse", _("spouse")
        PARTNER = "partner", _("partner")
        FORMER_PARTNER = "former_partner", _("former partner or spouse")
        NON_COHABITING_PARTNER = "non_cohabiting", _("non-cohabiting partner")
        PARENT = "parent", _("parent")
        STEP_PARENT = "step_parent", _("step-parent")
        FOSTER_PARENT = "foster_parent", _("foster parent")
        GRANDPARENT = "grandparent", _("grandparent")
        LEGAL_GUARDIAN = "legal_guardian", _("legal guardian")
        SIBLING = "sibling", _("sibling")
        OTHER = "other", _("other")

    PARTNER_KINDS = frozenset(
        {Kind.SPOUSE, Kind.PARTNER, Kind.FORMER_PARTNER, Kind.NON_COHABITING_PARTNER}
    )
    CARER_KINDS = frozenset(
        {Kind.PARENT, Kind.STEP_PARENT, Kind.FOSTER_PARENT, Kind.GRANDPARENT, Kind.LEGAL_GUARDIAN}
    )

    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="relationships")
    from_person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    to_person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("relationship"), max_length=20, choices=Kind.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["family", "from_person", "to_person", "kind"],
                name="relationship_unique",
            ),
            models.CheckConstraint(
                condition=~Q(from_person=F("to_person")), name="relationship_not_to_self"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.from_person_id} {self.kind} #{self.to_person_id}"


class ContactDetails(models.Model):
    """How to reach a person and where they are (D3). Walled by ``DisclosureBlock``."""

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="contact")
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    phone_digits = models.CharField(max_length=20, blank=True, editable=False, db_index=True)
    email = models.EmailField(_("e-mail"), blank=True)
    school = models.CharField(_("school or preschool"), max_length=200, blank=True)
    workplace = models.CharField(_("workplace"), max_length=200, blank=True)

    def __str__(self) -> str:
        return f"contact #{self.person_id}"

    def save(self, *args: object, **kwargs: object) -> None:
        self.phone_digits = "".join(ch for ch in self.phone if ch.isdigit())[-9:]
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class Household(models.Model):
    """Who lives together, and where (D3: the address of a new household is protected)."""

    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="households")
    label = models.CharField(_("household"), max_length=100)
    address = models.CharField(_("address"), max_length=200, blank=True)
    members = models.ManyToManyField(Person, related_name="households")

    def __str__(self) -> str:
        return self.label


class SafetyFlag(models.Model):
    """A safety fact about one person in one family (D4)."""

    class Kind(models.TextChoices):
        SUSPECTED_OF_VIOLENCE = "suspected", _("suspected of using violence")
        PROTECTED = "protected", _("protected person")
        EXPERIENCED_VIOLENCE = "victim", _("experienced violence (incl. a child witness)")

    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="safety_flags")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="safety_flags")
    kind = models.CharField(_("safety flag"), max_length=20, choices=Kind.choices)
    source = models.CharField(_("source"), max_length=200)
    noted_on = models.DateField(_("noted on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["family", "person", "kind"], name="safety_flag_unique_kind"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.person_id}"


class DisclosureBlock(models.Model):
    """``protected`` person's contact and location data must never reach ``blocked_from``,
    nor staff whose only link to the family is through ``blocked_from`` (access policy, wall)."""

    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="disclosure_blocks")
    protected = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    blocked_from = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["family", "protected", "blocked_from"], name="disclosure_block_unique"
            ),
            models.CheckConstraint(
                condition=~Q(protected=F("blocked_from")), name="disclosure_block_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.protected_id} / #{self.blocked_from_id}"


class SafeContactRule(models.Model):
    """How staff may contact a person without endangering them (D4)."""

    class Channel(models.TextChoices):
        MOBILE = "mobile", _("own mobile phone")
        EMAIL = "email", _("e-mail")
        IN_PERSON = "in_person", _("only in person at the centre")
        THROUGH_INSTITUTION = "institution", _("through the referring institution")

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="safe_contact")
    channel = models.CharField(_("safe channel"), max_length=20, choices=Channel.choices)
    hours = models.CharField(_("safe hours"), max_length=100, blank=True)
    no_calls_at_home = models.BooleanField(_("do not call at home"), default=False)
    no_letters = models.BooleanField(_("do not send letters"), default=False)
    code_word = models.CharField(_("code word"), max_length=50, blank=True)
    notes = models.CharField(_("notes"), max_length=300, blank=True)

    def __str__(self) -> str:
        return f"safe contact #{self.person_id}"


class InformationClause(models.Model):
    """The RODO information clause was given to an adult, or for a child through a guardian
    who is not suspected of violence."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="clauses")
    given_on = models.DateField(_("given on"))
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    through_guardian = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return f"clause #{self.person_id} {self.given_on}"
