"""The family pages over HTTP: what a walled therapist's browser receives, what the audit trail
keeps, and who gets a page at all.

``walled_family``: mother A (Anna) is do-not-disclose-to father B (Jan); their child C (Zosia).
The therapist here works with B only, so nothing of A's contact and location may reach them,
in any page, search result or audit row.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from conftest import make_staff
from oneroof.accounts.models import User
from oneroof.audit.models import AuditEvent
from oneroof.cases.tests.factories import CaseTeamMemberFactory
from oneroof.families.models import ContactDetails, Household
from oneroof.families.tests.conftest import WalledFamily
from oneroof.families.tests.factories import DisclosureBlockFactory
from oneroof.intake.tests.factories import ReferralFactory
from oneroof.organisation.models import Centre, Role

SignIn = Callable[[Client, User], Client]

MOTHER_CONTACT = {
    "address": "ul. Ukryta 13/7, 30-698 Kraków",
    "phone": "+48 511 222 333",
    "email": "anna.tajna@example.invalid",
    "school": "",
    "workplace": "Piekarnia „Pod Arkadami”",
}
SAFE_HOUSE = "ul. Schronienia 4, 31-000 Kraków"
FATHER_PHONE = "+48 600 700 800"
# Every way A's phone could be written on a page.
MOTHER_SECRETS = [
    MOTHER_CONTACT["address"],
    MOTHER_CONTACT["phone"],
    MOTHER_CONTACT["email"],
    MOTHER_CONTACT["workplace"],
    SAFE_HOUSE,
    "Ukryta",
    "Schronienia",
    "511 222 333",
    "511222333",
    "511-222-333",
]
PHONE_QUERIES = ["+48 511 222 333", "511222333", "511-222-333", "(+48) 511 222 333"]


def _set_contact(person_contact: ContactDetails, **fields: str) -> None:
    for name, value in fields.items():
        setattr(person_contact, name, value)
    person_contact.save()


@pytest.fixture
def family(walled_family: WalledFamily) -> WalledFamily:
    """The walled family with distinctive contact data and two households: A and C at a safe
    house, B on his own."""
    w = walled_family
    _set_contact(w.mother.contact, **MOTHER_CONTACT)
    _set_contact(w.father.contact, phone=FATHER_PHONE, address="ul. Długa 1, 31-147 Kraków")
    safe = Household.objects.create(family=w.family, label="mieszkanie 1", address=SAFE_HOUSE)
    safe.members.set([w.mother, w.child])
    his = Household.objects.create(
        family=w.family, label="mieszkanie 2", address="ul. Długa 1, 31-147 Kraków"
    )
    his.members.set([w.father])
    return w


@pytest.fixture
def fathers_therapist(family: WalledFamily, centre: Centre) -> User:
    therapist = make_staff(Role.THERAPIST.value, centre, "terapeuta.ojca")
    CaseTeamMemberFactory(case=family.case, user=therapist, works_with=[family.father])
    return therapist


@pytest.fixture
def therapist_client(client: Client, sign_in: SignIn, fathers_therapist: User) -> Client:
    return sign_in(client, fathers_therapist)


def _detail(family: WalledFamily) -> str:
    return reverse("families:detail", args=[family.family.pk])


def _search(client: Client, text: str) -> HttpResponse:
    return client.post(reverse("families:list"), {"q": text})


def _html(response: object) -> str:
    """The page, less the two echoes of what the user typed: the search box and the language
    switcher's return address (``?q=…``)."""
    html = response.content.decode()  # type: ignore[attr-defined]
    html = re.sub(r'(<input[^>]*\bname="q"[^>]*\bvalue=")[^"]*"', r'\1"', html)
    return re.sub(r'(<input[^>]*\bname="next"[^>]*\bvalue="[^"?]*)\?q=[^"]*"', r'\1"', html)


def _leaks(html: str) -> list[str]:
    return [secret for secret in MOTHER_SECRETS if secret in html]


# --- the wall, in the HTML -----------------------------------------------------------------
def test_the_family_page_shows_the_father_and_nothing_of_the_mothers_contact(
    therapist_client: Client, family: WalledFamily
) -> None:
    response = therapist_client.get(_detail(family))
    html = _html(response)
    assert response.status_code == 200
    assert _leaks(html) == []
    assert FATHER_PHONE in html
    assert "ul. Długa 1" in html  # his own household
    # A is named, with the wall said out loud; C is not linked, so simply not available.
    assert family.mother.first_name in html
    assert html.count("dane chronione: brak dostępu") == 1


def test_the_child_is_walled_too_when_blocked_from_the_father(
    therapist_client: Client, family: WalledFamily
) -> None:
    DisclosureBlockFactory(family=family.family, protected=family.child, blocked_from=family.father)
    html = _html(therapist_client.get(_detail(family)))
    assert html.count("dane chronione: brak dostępu") == 2
    assert family.child.contact.phone not in html
    assert family.child.contact.email not in html


@pytest.mark.parametrize("query", PHONE_QUERIES)
def test_searching_the_mothers_phone_finds_nobody(
    therapist_client: Client, family: WalledFamily, query: str
) -> None:
    response = _search(therapist_client, query)
    html = _html(response)
    assert response.status_code == 200
    assert response.context["query"] == query
    assert response.context["hits"] == []
    assert "Nie znaleziono nikogo" in html
    assert _leaks(html) == []


@pytest.mark.parametrize("query", ["{first} {last}", "{last}", "{last_ascii}"])
def test_searching_the_mothers_name_finds_her_without_her_contact(
    therapist_client: Client, family: WalledFamily, query: str
) -> None:
    mother = family.mother
    mother.last_name = "Żółkiewska"
    mother.save()
    text = query.format(first=mother.first_name, last=mother.last_name, last_ascii="Zolkiewska")
    response = _search(therapist_client, text)
    html = _html(response)
    assert [hit.person for hit in response.context["hits"]] == [mother]
    assert _leaks(html) == []
    assert "brak dostępu" in html


def test_searching_the_fathers_name_shows_his_phone(
    therapist_client: Client, family: WalledFamily
) -> None:
    father = family.father
    html = _html(_search(therapist_client, f"{father.last_name} {father.first_name}"))
    assert FATHER_PHONE in html
    assert _leaks(html) == []


def test_the_check_would_see_a_leak_a_coordinator_is_allowed(
    client: Client, sign_in: SignIn, family: WalledFamily, staff: dict[str, User]
) -> None:
    """The same scan on a page that may show A's contact: it finds it, so it is not vacuous."""
    sign_in(client, staff[Role.COORDINATOR.value])
    assert set(_leaks(_html(client.get(_detail(family))))) >= {
        MOTHER_CONTACT["address"],
        MOTHER_CONTACT["phone"],
        MOTHER_CONTACT["email"],
        SAFE_HOUSE,
    }
    assert MOTHER_CONTACT["phone"] in _html(_search(client, "511222333"))


# --- the audit trail -----------------------------------------------------------------------
def _names(family: WalledFamily) -> list[str]:
    return [
        part
        for person in (family.mother, family.father, family.child)
        for part in (person.first_name, person.last_name)
    ]


def test_viewing_the_family_is_audited_without_naming_anyone(
    therapist_client: Client, family: WalledFamily, fathers_therapist: User
) -> None:
    therapist_client.get(_detail(family))
    event = AuditEvent.objects.get(action="families.family_viewed")
    assert (event.actor_id, event.target_id, event.role) == (
        fathers_therapist.pk,
        str(family.family.pk),
        Role.THERAPIST,
    )
    recorded = f"{event.target_label} {event.reason} {event.changes}"
    assert [name for name in _names(family) if name in recorded] == []
    assert _leaks(recorded) == []


def test_a_search_is_audited_without_what_was_searched(
    therapist_client: Client, family: WalledFamily
) -> None:
    _search(therapist_client, MOTHER_CONTACT["phone"])
    _search(therapist_client, family.mother.last_name)
    events = list(AuditEvent.objects.filter(action="families.searched"))
    assert len(events) == 2
    for event in events:
        recorded = f"{event.target_type} {event.target_id} {event.target_label} {event.reason} "
        recorded += str(event.changes)
        assert _leaks(recorded) == [] and family.mother.last_name not in recorded


# --- who gets a page -----------------------------------------------------------------------
@pytest.mark.parametrize(
    "role", [Role.COORDINATOR, Role.CLINICAL_LEAD, Role.CASE_MANAGER, Role.THERAPIST, Role.INTAKE]
)
def test_case_roles_of_another_centre_get_404_and_find_nothing(
    client: Client, sign_in: SignIn, family: WalledFamily, other_centre: Centre, role: Role
) -> None:
    stranger = make_staff(role.value, other_centre)
    sign_in(client, stranger)
    assert client.get(_detail(family)).status_code == 404
    listing = client.get(reverse("families:list"))
    assert listing.status_code == 200
    assert family.family.display_name not in listing.content.decode()
    found = _search(client, family.mother.last_name)
    assert found.context["hits"] == []
    # Not her first name: the stranger's own (random) name in the header may contain it.
    assert _detail(family) not in _html(found)


@pytest.mark.parametrize("role", [Role.EU_OFFICER, Role.DPO, Role.SYSADMIN, Role.PARTNER])
def test_roles_without_case_work_get_403_whether_or_not_the_family_exists(
    client: Client, sign_in: SignIn, family: WalledFamily, staff: dict[str, User], role: Role
) -> None:
    sign_in(client, staff[role.value])
    assert client.get(reverse("families:list")).status_code == 403
    assert _search(client, family.mother.last_name).status_code == 403
    assert client.get(_detail(family)).status_code == 403
    assert client.get(reverse("families:detail", args=[999_999])).status_code == 403


def test_a_therapist_of_the_centre_outside_the_case_team_gets_404(
    client: Client, sign_in: SignIn, family: WalledFamily, staff: dict[str, User]
) -> None:
    sign_in(client, staff[Role.THERAPIST.value])
    assert client.get(_detail(family)).status_code == 404
    assert _search(client, family.mother.last_name).context["hits"] == []


def test_an_intake_worker_sees_only_families_they_registered_until_assigned(
    client: Client, sign_in: SignIn, family: WalledFamily, staff: dict[str, User]
) -> None:
    intake = staff[Role.INTAKE.value]
    sign_in(client, intake)
    assert client.get(_detail(family)).status_code == 404
    ReferralFactory(case=family.case, registered_by=intake)
    assert client.get(_detail(family)).status_code == 200
    family.case.case_manager = staff[Role.CASE_MANAGER.value]
    family.case.save()
    assert client.get(_detail(family)).status_code == 404


def test_an_unknown_family_and_an_invisible_one_answer_alike(
    client: Client, sign_in: SignIn, family: WalledFamily, other_centre: Centre
) -> None:
    sign_in(client, make_staff(Role.COORDINATOR.value, other_centre))
    invisible = client.get(_detail(family))
    unknown = client.get(reverse("families:detail", args=[family.family.pk + 1000]))
    assert invisible.status_code == unknown.status_code == 404
    assert invisible.content == unknown.content


def test_anonymous_visitors_are_sent_to_the_login(client: Client, family: WalledFamily) -> None:
    for url in (reverse("families:list"), _detail(family)):
        response = client.get(url)
        assert response.status_code == 302 and "/konto/logowanie/" in response["Location"]


@pytest.mark.parametrize(
    "role", [Role.COORDINATOR, Role.CLINICAL_LEAD, Role.CASE_MANAGER, Role.THERAPIST]
)
def test_the_case_team_and_the_centre_get_the_page(
    client: Client, sign_in: SignIn, family: WalledFamily, staff: dict[str, User], role: Role
) -> None:
    user = staff[role.value]
    if role == Role.CASE_MANAGER:
        family.case.case_manager = user
        family.case.save()
    elif role == Role.THERAPIST:
        CaseTeamMemberFactory(case=family.case, user=user)  # the whole family
    sign_in(client, user)
    page = client.get(_detail(family))
    assert page.status_code == 200
    assert family.family.display_name in page.content.decode()
    listing = client.get(reverse("families:list"))
    assert listing.status_code == 200
    assert list(listing.context["page"]) == [family.family]
    # Linked to everyone: the wall does not apply, and A's contact is theirs to see.
    assert MOTHER_CONTACT["phone"] in page.content.decode()


def test_a_search_term_in_the_url_is_ignored(client, sign_in, walled_family, centre) -> None:
    sign_in(client, make_staff(Role.COORDINATOR, centre))
    response = client.get(reverse("families:list"), {"q": walled_family.mother.last_name})
    assert response.context["hits"] == []
