"""The NORR result page, clinician ratings, decisions on proposed help and the PDF summary:
who sees what (answers vs results only, walls, partners), and that the pages hold together."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import make_staff, pdf_text
from oneroof.accounts.models import User
from oneroof.assessment import charts, services
from oneroof.assessment.models import Administration, ClinicianRating, Recommendation
from oneroof.audit.models import AuditEvent
from oneroof.cases.models import Case
from oneroof.cases.tests.factories import CaseFactory, CaseTeamMemberFactory
from oneroof.core.pdf import safe_filename
from oneroof.families.models import ContactDetails, Family, Person
from oneroof.families.tests.conftest import acting
from oneroof.families.tests.factories import (
    ContactDetailsFactory,
    DisclosureBlockFactory,
    FamilyFactory,
    FamilyMemberFactory,
    PersonFactory,
    RelationshipFactory,
)
from oneroof.organisation.models import Centre, Role

SignIn = Callable[[Client, User], Client]
ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}

# Mother: a red flag (S2 "yes"), an unresolved item (S3 "don't know"), emotional abuse high,
# economics moderate (so a clinician's 2 raises it), technology left unanswered (incomplete).
MOTHER_ANSWERS = {
    "S1": "1", "S2": "yes", "S3": "dont_know", "S4": "no", "S5": "no", "S6": "no", "S7": "no",
    "S8": "no", "S9": "no", "S10": "no", "S11": "no",
    "E1": "3", "E2": "3", "E3": "3", "E4": "2", "E5": "0", "E6": "0",
    "F1": "1", "F2": "1", "F3": "1", "F4": "1", "F5": "1",
    "C1": "0", "C2": "0", "C3": "1", "C4": "0", "C5": "0",
    "D1": "1", "D2": "0", "D3": "1", "D4": "2", "D5": "1",
    "P1": "1", "P2": "1", "P3": "0", "P4": "0", "P5": "no", "P6": "no",
    "A1": "0", "A2": "0", "A3": "0", "A4": "0",
    "H1": "1", "H2": "no", "H3": "0", "H4": "no",
    "R1": "3", "R2": "2", "R3": "2", "R4": "2",
}  # fmt: skip
# Father: no red flag, reports no emotional abuse: a large gap on E (asymmetry).
FATHER_ANSWERS = {
    **dict.fromkeys(("S1", "E1", "E2", "E3", "E4", "F1", "F2", "F3", "F4", "F5"), "0"),
    **dict.fromkeys(("S2", "S3", "S4", "S5", "S6", "S7", "S8", "S9", "S10", "S11"), "no"),
    "E5": "3", "E6": "3",
}  # fmt: skip


@dataclass
class NorrFamily:
    family: Family
    case: Case
    mother: Person
    father: Person
    child: Person
    manager: User


@pytest.fixture
def norr_family(centre: Centre, staff: dict[str, User]) -> NorrFamily:
    family = FamilyFactory(registered_at=centre)
    mother = PersonFactory(
        first_name="Łucja", last_name="Żółkiewska", date_of_birth=date(1988, 5, 1)
    )
    father = PersonFactory(
        first_name="Grzegorz", last_name="Brzęczyk", date_of_birth=date(1986, 2, 9)
    )
    child = PersonFactory(first_name="Zosia", last_name="Brzęczyk", date_of_birth=date(2016, 7, 20))
    for person, street in ((mother, "Różana 7"), (father, "Lipowa 3"), (child, "Różana 7")):
        FamilyMemberFactory(family=family, person=person)
        ContactDetailsFactory(person=person, address=f"ul. {street}, 30-001 Kraków")
    RelationshipFactory(family=family, from_person=mother, to_person=father, kind="partner")
    RelationshipFactory(family=family, from_person=mother, to_person=child, kind="parent")
    RelationshipFactory(family=family, from_person=father, to_person=child, kind="parent")
    manager = staff["case_manager"]
    case = CaseFactory(family=family, centre=centre, case_manager=manager)
    return NorrFamily(family, case, mother, father, child, manager)


def complete(
    norr: NorrFamily, person: Person, answers: dict[str, str], occasion: str = "diagnosis"
) -> Administration:
    """A completed administration, made the way the app makes it (by the case manager)."""
    actor = acting(norr.manager)
    administration = services.start_administration(
        actor=actor, case=norr.case, person=person, form="adult", occasion=occasion
    )
    services.save_answers(actor=actor, administration=administration, answers=answers)
    services.complete_administration(actor=actor, administration=administration)
    administration.refresh_from_db()
    return administration


def team_member(norr: NorrFamily, role: str, works_with: list[Person] | None = None) -> User:
    user = make_staff(role, norr.case.centre, f"{role}-team-{len(works_with or [])}")
    CaseTeamMemberFactory(case=norr.case, user=user, works_with=works_with or [])
    return user


def result_url(administration: Administration) -> str:
    return reverse("assessment:result", args=[administration.pk])


def get(client: Client, sign_in: SignIn, user: User, url: str, **extra: str) -> object:
    sign_in(client, user)
    return client.get(url, **{**ENGLISH, **extra})


# --- the result page, per role ---------------------------------------------------------------


@pytest.mark.django_db
def test_case_manager_sees_bands_red_flags_and_the_answers(
    client: Client, sign_in: SignIn, norr_family: NorrFamily
) -> None:
    administration = complete(norr_family, norr_family.mother, MOTHER_ANSWERS)
    response = get(client, sign_in, norr_family.manager, result_url(administration))
    assert response.status_code == 200
    html = response.content.decode()
    view = response.context["view"]
    assert "proposal" in html  # NORR-P v1 is a proposal
    assert "Critical: red flags were raised" in html
    assert [(f.code, f.answer) for f in view.red_flags] == [("S2", "yes")]
    assert [u.code for u in view.unresolved] == ["S3"]
    assert "Someone tried to strangle, choke or suffocate me" in html
    bands = {row.code: row.band_label for row in view.domains}
    assert bands["E"] == "high"
    assert bands["T"] == "incomplete"  # nothing answered: never "low"
    assert [row.code for row in view.protective] == ["R"]
    assert 'id="answers-heading"' in html
    assert "My partner insults, humiliates or ridicules me" in html  # E1, not a red flag
    assert "often" in html
    assert 'id="recommendations-heading"' in html
    assert AuditEvent.objects.filter(
        action="assessment.result_viewed", target_label=norr_family.case.number
    ).exists()


@pytest.mark.django_db
def test_coordinator_sees_bands_and_red_flags_but_no_answer(
    client: Client, sign_in: SignIn, staff: dict[str, User], norr_family: NorrFamily
) -> None:
    administration = complete(norr_family, norr_family.mother, MOTHER_ANSWERS)
    response = get(client, sign_in, staff["coordinator"], result_url(administration))
    assert response.status_code == 200
    html = response.content.decode()
    view = response.context["view"]
    assert "Critical: red flags were raised" in html
    assert "Someone tried to strangle, choke or suffocate me" in html  # the red flag's item
    assert [(f.code, f.answer) for f in view.red_flags] == [("S2", None)]  # not the answer
    assert "high" in html
    assert not view.sees_answers and view.answers == []
    assert 'id="answers-heading"' not in html
    assert "My partner insults, humiliates or ridicules me" not in html
    assert 'id="recommendations-heading"' not in html  # recommendations are diagnosis data
    assert not view.can_rate and 'name="value"' not in html


@pytest.mark.django_db
def test_a_therapist_linked_only_to_the_other_partner_gets_404(
    client: Client, sign_in: SignIn, norr_family: NorrFamily
) -> None:
    DisclosureBlockFactory(
        family=norr_family.family, protected=norr_family.mother, blocked_from=norr_family.father
    )
    mother = complete(norr_family, norr_family.mother, MOTHER_ANSWERS)
    father = complete(norr_family, norr_family.father, FATHER_ANSWERS)
    therapist = team_member(norr_family, Role.THERAPIST, works_with=[norr_family.father])
    assert get(client, sign_in, therapist, result_url(mother)).status_code == 404
    pdf_url = reverse("assessment:summary-pdf", args=[mother.pk])
    assert client.get(pdf_url).status_code == 404
    response = client.get(result_url(father), **ENGLISH)
    assert response.status_code == 200
    assert response.context["view"].comparisons == []  # the mother is behind the wall
    assert "Żółkiewska" not in response.content.decode()


@pytest.mark.django_db
def test_other_centre_and_intake_get_404(
    client: Client, sign_in: SignIn, other_centre: Centre, staff: dict[str, User],
    norr_family: NorrFamily,
) -> None:  # fmt: skip
    administration = complete(norr_family, norr_family.mother, MOTHER_ANSWERS)
    stranger = make_staff(Role.CASE_MANAGER, other_centre, "obca")
    assert get(client, sign_in, stranger, result_url(administration)).status_code == 404
    assert get(client, sign_in, staff["intake"], result_url(administration)).status_code == 404
    assert get(client, sign_in, staff["dpo"], result_url(administration)).status_code == 403


# --- partners ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_discrepancy_is_shown_to_who_sees_both_partners_only(
    client: Client, sign_in: SignIn, norr_family: NorrFamily
) -> None:
    mother = complete(norr_family, norr_family.mother, MOTHER_ANSWERS)
    complete(norr_family, norr_family.father, FATHER_ANSWERS)

    response = get(client, sign_in, norr_family.manager, result_url(mother))
    [comparison] = response.context["view"].comparisons
    assert comparison.partner == norr_family.father
    assert comparison.asymmetry
    gaps = {row.name: row for row in comparison.rows}
    assert gaps["Emotional"].asymmetry and gaps["Emotional"].gap >= 30
    html = response.content.decode()
    assert "Compared with Grzegorz Brzęczyk" in html
    assert "Individual sessions for each partner come before any joint work" in html

    therapist = team_member(norr_family, Role.THERAPIST, works_with=[norr_family.mother])
    response = get(client, sign_in, therapist, result_url(mother))
    assert response.status_code == 200
    assert response.context["view"].comparisons == []
    assert "Compared with" not in response.content.decode()


# --- the chart and the history ------------------------------------------------------------------


@pytest.mark.django_db
def test_the_chart_is_inline_accessible_csp_safe_svg_with_the_previous_administration(
    client: Client, sign_in: SignIn, norr_family: NorrFamily
) -> None:
    complete(norr_family, norr_family.mother, {**MOTHER_ANSWERS, "E1": "0", "E2": "0"})
    latest = complete(norr_family, norr_family.mother, MOTHER_ANSWERS, occasion="month_3")
    response = get(client, sign_in, norr_family.manager, result_url(latest))
    html = response.content.decode()
    svg = html[html.index("<svg") : html.index("</svg>")]
    assert f'aria-labelledby="profile-{latest.pk}-title profile-{latest.pk}-desc"' in svg
    assert f'<title id="profile-{latest.pk}-title">Risk-domain profile</title>' in svg
    assert "<desc" in svg and 'role="img"' in svg
    assert "style=" not in svg and "<style" not in svg  # style-src 'self' would block them
    assert "<script" not in svg
    assert "The chart's data as a table" in html
    assert "grey bars: the previous one" in html
    view = response.context["view"]
    assert len(view.history) == 2 and view.history[-1].is_current
    assert 'id="history-heading"' in html
    emotional = next(row for row in view.domains if row.code == "E")
    assert emotional.previous_score is not None and emotional.previous_score < emotional.score


def test_chart_labels_are_escaped_in_title_and_description() -> None:
    labels = charts.ProfileLabels(
        title="<b>zażółć</b>",
        description='"gęślą" & jaźń',
        current="teraz",
        previous="wcześniej",
        incomplete="niepełne",
        bands=["niskie", "umiarkowane", "podwyższone", "wysokie"],
        axis="wynik",
    )
    svg = charts.domain_profile_svg(
        [
            charts.ProfileBar("Bezpieczeństwo", 40, 20),
            charts.ProfileBar("Łódź $x$", None),
            charts.ProfileBar("--></svg><script>alert(1)</script>", 10),
        ],
        labels,
        chart_id="t",
        with_previous=True,
    )
    assert '<title id="t-title">&lt;b&gt;zażółć&lt;/b&gt;</title>' in svg
    assert "&quot;gęślą&quot; &amp; jaźń" in svg
    assert svg.startswith("<svg") and svg.rstrip().endswith("</svg>")
    assert "<script" not in svg and "<!--" not in svg and svg.count("</svg>") == 1


# --- clinician's rating -------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_clinicians_rating_of_2_raises_the_band_on_the_page(
    client: Client, sign_in: SignIn, staff: dict[str, User], norr_family: NorrFamily
) -> None:
    administration = complete(norr_family, norr_family.mother, MOTHER_ANSWERS)
    sign_in(client, norr_family.manager)
    before = client.get(result_url(administration), **ENGLISH).context["view"]
    economic = next(row for row in before.domains if row.code == "F")
    assert (economic.score, economic.band) == (33, "moderate")
    assert before.can_rate

    response = client.post(
        reverse("assessment:rate", args=[administration.pk]),
        {"domain": "F", "value": "2"},
        **ENGLISH,
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"{result_url(administration)}#ratings")
    page = client.get(result_url(administration), **ENGLISH)
    economic = next(row for row in page.context["view"].domains if row.code == "F")
    assert (economic.band, economic.raised_by_clinician) == ("elevated", True)
    html = page.content.decode()
    assert "raised by the clinician's rating" in html
    assert "The clinician&#x27;s rating of the domain Economic was saved." in html


@pytest.mark.django_db
def test_a_bad_rating_is_refused_with_a_message_and_a_coordinator_may_not_rate(
    client: Client, sign_in: SignIn, staff: dict[str, User], norr_family: NorrFamily
) -> None:
    administration = complete(norr_family, norr_family.mother, MOTHER_ANSWERS)
    url = reverse("assessment:rate", args=[administration.pk])
    sign_in(client, norr_family.manager)
    response = client.post(url, {"domain": "F", "value": "3"}, follow=True, **ENGLISH)
    assert "Choose a domain and a rating from 0 to 2." in response.content.decode()
    assert not ClinicianRating.objects.exists()

    sign_in(client, staff["coordinator"])
    assert client.post(url, {"domain": "F", "value": "2"}).status_code == 403
    assert not ClinicianRating.objects.exists()
    assert client.get(url).status_code == 405


# --- recommendations ----------------------------------------------------------------------------


def _decide(client: Client, recommendation: Recommendation, **data: str) -> object:
    url = reverse("assessment:recommendation-decide", args=[recommendation.pk])
    return client.post(url, data, follow=True, **ENGLISH)


@pytest.mark.django_db
def test_the_case_manager_accepts_edits_and_rejects_proposed_help(
    client: Client, sign_in: SignIn, norr_family: NorrFamily
) -> None:
    administration = complete(norr_family, norr_family.mother, MOTHER_ANSWERS)
    lines = list(Recommendation.objects.filter(administration=administration).order_by("pk"))
    assert len(lines) >= 2
    first, second = lines[0], lines[1]
    sign_in(client, norr_family.manager)
    page = client.get(result_url(administration), **ENGLISH)
    assert all(line.can_decide for line in page.context["view"].recommendations)
    assert f'action="{reverse("assessment:recommendation-decide", args=[first.pk])}"' in (
        page.content.decode()
    )

    response = _decide(client, first, status="accepted")
    assert "Your decision on the proposed help was recorded." in response.content.decode()
    first.refresh_from_db()
    assert (first.status, first.decided_by) == ("accepted", norr_family.manager)

    _decide(client, first, status="edited", text="Plan bezpieczeństwa w ciągu 24 godzin")
    first.refresh_from_db()
    assert (first.status, first.text) == ("edited", "Plan bezpieczeństwa w ciągu 24 godzin")

    response = _decide(client, second, status="rejected", reason="  ")
    assert "Give the reason for rejecting the proposal." in response.content.decode()
    second.refresh_from_db()
    assert (second.status, second.decided_by) == ("proposed", None)  # nothing half-saved

    response = _decide(client, second, status="rejected", reason="Rodzina już korzysta.")
    second.refresh_from_db()
    assert (second.status, second.reason) == ("rejected", "Rodzina już korzysta.")
    assert "Rodzina już korzysta." in response.content.decode()


@pytest.mark.django_db
def test_only_the_case_manager_and_clinical_lead_decide_proposed_help(
    client: Client, sign_in: SignIn, staff: dict[str, User], norr_family: NorrFamily,
    other_centre: Centre,
) -> None:  # fmt: skip
    administration = complete(norr_family, norr_family.mother, MOTHER_ANSWERS)
    line = Recommendation.objects.filter(administration=administration).first()
    assert line is not None
    url = reverse("assessment:recommendation-decide", args=[line.pk])

    therapist = team_member(norr_family, Role.THERAPIST)  # sees the answers, may not decide
    sign_in(client, therapist)
    page = client.get(result_url(administration), **ENGLISH)
    assert page.context["view"].recommendations and not any(
        row.can_decide for row in page.context["view"].recommendations
    )
    assert client.post(url, {"status": "accepted"}).status_code == 403

    sign_in(client, staff["coordinator"])  # sees results only: the proposals are not theirs
    assert client.post(url, {"status": "accepted"}).status_code == 404
    sign_in(client, make_staff(Role.CASE_MANAGER, other_centre, "obcy-cm"))
    assert client.post(url, {"status": "accepted"}).status_code == 404
    sign_in(client, staff["dpo"])
    assert client.post(url, {"status": "accepted"}).status_code == 403
    line.refresh_from_db()
    assert line.status == "proposed"

    sign_in(client, staff["clinical_lead"])
    assert client.post(url, {"status": "accepted"}).status_code == 302
    line.refresh_from_db()
    assert line.status == "accepted"


# --- the PDF summary ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_pdf_summary_holds_the_result_in_polish_letters(
    client: Client, sign_in: SignIn, norr_family: NorrFamily
) -> None:
    complete(norr_family, norr_family.father, FATHER_ANSWERS)
    administration = complete(norr_family, norr_family.mother, MOTHER_ANSWERS)
    url = reverse("assessment:summary-pdf", args=[administration.pk])
    sign_in(client, norr_family.manager)
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="pl")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    filename = safe_filename(f"NORR-{norr_family.case.number}")
    assert "/" not in filename
    assert response["Content-Disposition"] == f'attachment; filename="{filename}"'
    assert "no-store" in response["Cache-Control"]
    text = pdf_text(response.content)
    assert "Łucja Żółkiewska" in text
    assert norr_family.case.number in text
    assert "Uzależnienia" in text and "Bezpieczeństwo" in text  # domain names, in Polish
    assert "propozycja narzędzia oceny ryzyka relacyjnego" in text
    assert "Plan bezpieczeństwa" in text  # a recommendation
    assert "Ktoś próbował mnie dusić lub podduszać" in text  # the red flag
    # Nothing of anyone's contact data, nor the partner's.
    for contact in ContactDetails.objects.all():
        assert contact.phone not in text and contact.email not in text
    assert "Różana" not in text and "Lipowa" not in text
    assert "Grzegorz" not in text and "Brzęczyk" not in text
    assert AuditEvent.objects.filter(
        action="assessment.summary_printed", target_label=norr_family.case.number
    ).exists()


@pytest.mark.django_db
def test_the_pdf_shows_answers_only_to_who_may_see_them(
    client: Client, sign_in: SignIn, staff: dict[str, User], norr_family: NorrFamily
) -> None:
    administration = complete(norr_family, norr_family.mother, MOTHER_ANSWERS)
    url = reverse("assessment:summary-pdf", args=[administration.pk])
    manager_text = pdf_text(get(client, sign_in, norr_family.manager, url).content)
    coordinator_text = pdf_text(get(client, sign_in, staff["coordinator"], url).content)
    flag = "Someone tried to strangle, choke or suffocate me"
    assert flag in manager_text and flag in coordinator_text
    assert re.search(r"answer:\s*yes", manager_text)
    assert not re.search(r"answer:", coordinator_text)
    assert "Recommended help" in manager_text and "Recommended help" not in coordinator_text


@pytest.mark.django_db
def test_the_pdf_of_a_walled_familys_other_parent_names_nobody_else(
    client: Client, sign_in: SignIn, norr_family: NorrFamily
) -> None:
    DisclosureBlockFactory(
        family=norr_family.family, protected=norr_family.mother, blocked_from=norr_family.father
    )
    complete(norr_family, norr_family.mother, MOTHER_ANSWERS)
    father = complete(norr_family, norr_family.father, FATHER_ANSWERS)
    therapist = team_member(norr_family, Role.THERAPIST, works_with=[norr_family.father])
    url = reverse("assessment:summary-pdf", args=[father.pk])
    response = get(client, sign_in, therapist, url)
    assert response.status_code == 200
    text = pdf_text(response.content)
    assert "Grzegorz Brzęczyk" in text
    assert "Łucja" not in text and "Żółkiewska" not in text and "Różana" not in text
    mother_contact = ContactDetails.objects.get(person=norr_family.mother)
    assert mother_contact.phone not in text and mother_contact.email not in text


@pytest.mark.django_db
def test_an_unfinished_administration_has_no_result_and_no_pdf(
    client: Client, sign_in: SignIn, norr_family: NorrFamily
) -> None:
    administration = services.start_administration(
        actor=acting(norr_family.manager),
        case=norr_family.case,
        person=norr_family.mother,
        form="adult",
        occasion="diagnosis",
    )
    response = get(client, sign_in, norr_family.manager, result_url(administration))
    assert response.status_code == 200
    assert "not completed yet" in response.content.decode()
    pdf_url = reverse("assessment:summary-pdf", args=[administration.pk])
    assert client.get(pdf_url).status_code == 404


# --- cost --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_result_page_costs_the_same_queries_with_1_or_5_earlier_administrations(
    client: Client,
    sign_in: SignIn,
    norr_family: NorrFamily,
    django_assert_max_num_queries: Callable[..., object],
) -> None:
    complete(norr_family, norr_family.father, FATHER_ANSWERS)
    complete(norr_family, norr_family.mother, MOTHER_ANSWERS)
    latest = complete(norr_family, norr_family.mother, MOTHER_ANSWERS, occasion="month_3")
    sign_in(client, norr_family.manager)
    client.get(result_url(latest))  # warm caches (sessions, content types)

    with CaptureQueriesContext(connection) as one_earlier:
        assert client.get(result_url(latest)).status_code == 200
    for _ in range(4):
        complete(norr_family, norr_family.mother, MOTHER_ANSWERS, occasion="incident")
    complete(norr_family, norr_family.father, FATHER_ANSWERS, occasion="month_3")
    with django_assert_max_num_queries(len(one_earlier)):  # type: ignore[attr-defined]
        response = client.get(result_url(latest))
    assert response.status_code == 200
    assert len(response.context["view"].history) == 6
