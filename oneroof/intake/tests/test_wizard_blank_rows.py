"""What a browser posts for the rows left empty: every row of the formset, each select at its
selected option or, with none selected, at its first. Unused relationship rows must not count
as filled in (they did: the kind select had no empty option, so each unused row posted
"spouse" and was then refused for lacking its two persons)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django import forms
from django.test import Client

from oneroof.accounts.models import User
from oneroof.intake.tests.test_wizard import CONTACT, PERSONS, _formset, _post
from oneroof.organisation.models import Role


@pytest.fixture
def intake_client(
    client: Client, sign_in: Callable[[Client, User], Client], staff: dict[str, User]
) -> Client:
    return sign_in(client, staff[Role.INTAKE.value])


def _as_a_browser_posts(formset: Any) -> list[dict[str, str]]:
    rows = []
    for form in formset.forms:
        row = {}
        for name, field in form.fields.items():
            value = form[name].value()
            if value in (None, "") and isinstance(field, forms.ChoiceField):
                value = next(iter(field.choices))[0]
            row[name] = "" if value is None else str(value)
        rows.append(row)
    return rows


def test_unused_relationship_rows_pass_as_a_browser_posts_them(intake_client: Client) -> None:
    _post(intake_client, "contact", CONTACT)
    step = _post(intake_client, "persons", _formset("persons", PERSONS))
    rows = _as_a_browser_posts(step.context["form"])
    assert len(rows) == 6
    rows[0] = {"from_person": "p0", "kind": "parent", "to_person": "p2"}
    response = _post(intake_client, "relationships", _formset("relationships", rows))
    assert response.context["wizard"]["steps"].current == "safety"


def test_a_row_with_persons_but_no_kind_is_refused(intake_client: Client) -> None:
    _post(intake_client, "contact", CONTACT)
    _post(intake_client, "persons", _formset("persons", PERSONS))
    rows = [{"from_person": "p0", "kind": "", "to_person": "p2"}]
    response = _post(intake_client, "relationships", _formset("relationships", rows))
    assert response.context["wizard"]["steps"].current == "relationships"
    assert response.context["form"].forms[0].errors["kind"]
