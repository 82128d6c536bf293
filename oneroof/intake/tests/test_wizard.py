"""The multi-step intake form, driven through HTTP: nothing is saved before confirmation, and an
error on a step keeps what was typed."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from oneroof.families.models import Family
from oneroof.intake.models import Referral

URL = reverse("intake:new")
PREFIX = "intake_wizard"


def _formset(prefix: str, rows: list[dict[str, str]]) -> dict[str, Any]:
    data: dict[str, Any] = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for n, fields in enumerate(rows):
        data.update({f"{prefix}-{n}-{key}": value for key, value in fields.items()})
    return data


def _post(client: Client, step: str, data: dict[str, Any]) -> Any:
    return client.post(URL, {f"{PREFIX}-current_step": step, **data})


CONTACT = {
    "contact-family_name": "Rodzina Wiśniewskich",
    "contact-received_on": "2026-11-20",
    "contact-channel": "school",
    "contact-referring_institution": "Szkoła Podstawowa nr 7",
    "contact-reason": "Dziecko jest wycofane i mówi o kłótniach w domu.",
    "contact-urgency": "routine",
}
PERSONS = [
    {"first_name": "Ewa", "last_name": "Wiśniewska", "date_of_birth": "1984-04-02", "sex": "F",
     "disability": "no", "language": "polski"},
    {"first_name": "Piotr", "last_name": "Wiśniewski", "date_of_birth": "1982-09-30", "sex": "M",
     "disability": "no", "language": "polski"},
    {"first_name": "Ola", "last_name": "Wiśniewska", "date_of_birth": "2018-01-05", "sex": "F",
     "disability": "no", "language": "polski", "is_client": "on"},
]  # fmt: skip


@pytest.fixture
def intake_client(client: Client, sign_in, staff, centres) -> Client:  # type: ignore[no-untyped-def]
    return sign_in(client, staff["intake"])


def _through_safety(client: Client) -> Any:
    _post(client, "contact", CONTACT)
    _post(client, "persons", _formset("persons", PERSONS))
    rels = [
        {"from_person": "p0", "kind": "spouse", "to_person": "p1"},
        {"from_person": "p0", "kind": "parent", "to_person": "p2"},
    ]
    _post(client, "relationships", _formset("relationships", rels))
    return _post(client, "safety", _formset("safety", [{}, {}, {}]))


def test_the_routing_step_proposes_krakowiakow_for_a_family_with_a_child(intake_client) -> None:
    response = _through_safety(intake_client)
    assert response.context["proposals"][0].centre_label.startswith("Centrum dla Rodzin")


def test_nothing_is_saved_before_confirmation(intake_client) -> None:
    _through_safety(intake_client)
    assert not Family.objects.exists()


def test_confirming_registers_the_family_and_opens_its_page(intake_client, centres) -> None:
    _through_safety(intake_client)
    response = _post(intake_client, "routing", {"routing-centre": centres["krakowiakow"].pk})
    referral = Referral.objects.get()
    assert response["Location"] == reverse("families:detail", args=[referral.case.family_id])


def test_an_error_on_the_persons_step_keeps_what_was_typed(intake_client) -> None:
    _post(intake_client, "contact", CONTACT)
    bad = [{**PERSONS[0], "pesel": "84040212345"}]
    response = _post(intake_client, "persons", _formset("persons", bad))
    assert "Wiśniewska" in response.content.decode()
    assert response.context["form"].forms[0].errors["pesel"]


def test_a_script_tag_as_a_name_is_refused_with_a_polish_message(intake_client) -> None:
    _post(intake_client, "contact", CONTACT)
    bad = [{**PERSONS[0], "first_name": "<script>alert(1)</script>"}]
    response = _post(intake_client, "persons", _formset("persons", bad))
    assert "litery" in str(response.context["form"].forms[0].errors["first_name"])


def test_a_10000_character_name_is_refused(intake_client) -> None:
    _post(intake_client, "contact", CONTACT)
    bad = [{**PERSONS[0], "last_name": "a" * 10_000}]
    response = _post(intake_client, "persons", _formset("persons", bad))
    assert response.context["form"].forms[0].errors["last_name"]


def test_a_partner_relationship_between_parent_and_child_is_refused(intake_client) -> None:
    _post(intake_client, "contact", CONTACT)
    _post(intake_client, "persons", _formset("persons", PERSONS))
    rels = [
        {"from_person": "p0", "kind": "parent", "to_person": "p2"},
        {"from_person": "p0", "kind": "partner", "to_person": "p2"},
    ]
    response = _post(intake_client, "relationships", _formset("relationships", rels))
    assert any(form.errors for form in response.context["form"].forms)


def test_a_therapist_cannot_open_the_intake(client, sign_in, staff) -> None:  # type: ignore[no-untyped-def]
    sign_in(client, staff["therapist"])
    assert client.get(URL).status_code == 403
