"""Bad input about persons and relationships gets a clear message (tested in Polish)."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from faker import Faker

from oneroof.families.validation import (
    validate_date_of_birth,
    validate_name,
    validate_pesel_matches,
    validate_relationship,
)

TODAY = date(2026, 11, 24)
fake = Faker("pl_PL")
fake.seed_instance(7)


@pytest.fixture(autouse=True)
def _polish():
    with translation.override("pl"):
        yield


def test_a_future_date_of_birth_is_refused() -> None:
    with pytest.raises(ValidationError, match="przyszł"):
        validate_date_of_birth(date(2027, 1, 1), TODAY)


def test_a_130_year_old_is_refused() -> None:
    with pytest.raises(ValidationError):
        validate_date_of_birth(date(1896, 1, 1), TODAY)


def test_a_valid_pesel_matching_the_date_of_birth_is_accepted() -> None:
    born = date(2016, 7, 20)
    validate_pesel_matches(fake.pesel(date_of_birth=born, sex="F"), born)


def test_a_pesel_with_a_wrong_checksum_is_refused() -> None:
    pesel = fake.pesel(date_of_birth=date(2016, 7, 20), sex="F")
    broken = pesel[:10] + str((int(pesel[10]) + 1) % 10)
    with pytest.raises(ValidationError):
        validate_pesel_matches(broken, date(2016, 7, 20))


def test_a_pesel_disagreeing_with_the_date_of_birth_is_refused() -> None:
    pesel = fake.pesel(date_of_birth=date(2016, 7, 20), sex="F")
    with pytest.raises(ValidationError, match=r"20\.07\.2016"):
        validate_pesel_matches(pesel, date(2016, 7, 21))


@pytest.mark.parametrize("name", ["<script>alert(1)</script>", "Robert'); DROP TABLE", "Jan2", ""])
def test_names_with_markup_digits_or_sql_are_refused(name: str) -> None:
    with pytest.raises(ValidationError):
        validate_name(name)


@pytest.mark.parametrize("name", ["Żółć", "Anna-Maria", "O'Neill", "de la Cruz"])
def test_polish_and_compound_names_are_accepted(name: str) -> None:
    validate_name(name)


def test_a_parent_and_child_cannot_be_partners() -> None:
    with pytest.raises(ValidationError, match="partner"):
        validate_relationship("partner", date(1980, 1, 1), date(2000, 1, 1), {"parent"}, TODAY)


def test_a_parent_younger_than_the_child_is_refused() -> None:
    with pytest.raises(ValidationError):
        validate_relationship("parent", date(2010, 1, 1), date(1990, 1, 1), set(), TODAY)


def test_a_partner_relationship_with_a_child_of_14_is_refused() -> None:
    with pytest.raises(ValidationError):
        validate_relationship("partner", date(1990, 1, 1), date(2012, 1, 1), set(), TODAY)
