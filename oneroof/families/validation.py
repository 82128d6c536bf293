"""Input rules for persons and relationships, shared by the intake forms and the services.

Each function raises ``ValidationError`` with a translated message, so a form shows it next
to the field and a service refuses the whole submission before anything is saved.
"""

from __future__ import annotations

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .models import Relationship, age_on
from .pesel import birth_date_from_pesel

MAX_AGE = 120
MIN_PARTNER_AGE = 16
MIN_PARENT_GAP_YEARS = 12
# Letters of any alphabet, spaces, hyphens and apostrophes: "Anna-Maria", "O'Neill", "Żółć".
_NAME = re.compile(r"^[^\W\d_]+(?:[ '\-’][^\W\d_]+)*$")


def validate_name(value: str) -> None:
    if not _NAME.match(value.strip()):
        raise ValidationError(
            _("Use letters only (a hyphen, apostrophe or space may join parts)."), code="name"
        )


def validate_date_of_birth(born: date, today: date) -> None:
    if born > today:
        raise ValidationError(_("The date of birth cannot be in the future."), code="future")
    if age_on(born, today) > MAX_AGE:
        raise ValidationError(
            _("A person older than %(max)d years is not plausible; check the date.")
            % {"max": MAX_AGE},
            code="too_old",
        )


def validate_pesel_matches(pesel: str, born: date) -> None:
    """The PESEL's checksum is checked by the form field; here, that it agrees with the date."""
    encoded = birth_date_from_pesel(pesel)
    if encoded is None:
        raise ValidationError(_("This PESEL number is not valid."), code="pesel")
    if encoded != born:
        raise ValidationError(
            _("The PESEL encodes the date of birth %(date)s, which differs from the one given.")
            % {"date": date_format(encoded, "SHORT_DATE_FORMAT")},
            code="pesel_dob",
        )


def validate_relationship(
    kind: str, from_born: date, to_born: date, other_kinds: set[str], today: date
) -> None:
    """``other_kinds``: the kinds already recorded between the same two persons (any direction)."""
    if kind in Relationship.PARTNER_KINDS:
        if other_kinds & Relationship.CARER_KINDS:
            raise ValidationError(
                _("A parent or carer and their child cannot be recorded as partners."),
                code="partner_carer",
            )
        if min(age_on(from_born, today), age_on(to_born, today)) < MIN_PARTNER_AGE:
            raise ValidationError(
                _("A partner relationship needs both persons to be at least %(age)d.")
                % {"age": MIN_PARTNER_AGE},
                code="partner_age",
            )
    if kind in Relationship.CARER_KINDS - {Relationship.Kind.LEGAL_GUARDIAN}:
        if other_kinds & Relationship.PARTNER_KINDS:
            raise ValidationError(
                _("Partners cannot also be recorded as parent and child."), code="carer_partner"
            )
        if age_on(from_born, to_born) < MIN_PARENT_GAP_YEARS:
            raise ValidationError(
                _("A parent must be at least %(gap)d years older than the child.")
                % {"gap": MIN_PARENT_GAP_YEARS},
                code="parent_age",
            )
