"""The NORR diagnosis, end to end in the browser: a couple assessed separately where one
partner's answers raise a red flag, and a family with a teenager whose parenting domain calls
for family therapy and workshops for parents of teenagers.

Staff sign in through the real two-step login and work through the case's diagnosis page, the
one-domain-per-screen questionnaire and the respondent mode (the device handed to the person
answering, handed back with the staff password). The expected labels come from the Polish
catalogue at test time (``pl``), so the tests follow the translators; the instrument's own
texts (domains, items, answers, forms of help) are Polish data and are written out.

``live_server`` flushes the database, so each test publishes NORR-P v1 itself.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from django.utils.translation import gettext, override
from playwright.sync_api import Locator, Page, expect

from conftest import make_staff
from oneroof.accounts.models import User
from oneroof.accounts.tests.factories import TEST_PASSWORD
from oneroof.assessment.forms import steps_of
from oneroof.assessment.instruments import NORR_P_V1
from oneroof.assessment.models import Administration, Recommendation, SafetyAlert
from oneroof.assessment.services import current_version, publish_instrument
from oneroof.assessment.tests.factories import born_aged
from oneroof.cases.models import Case, CaseTeamMember
from oneroof.demo.organisation import load_demo_organisation
from oneroof.families.models import Family, FamilyMember, Person, Relationship
from oneroof.notifications.models import Notification
from oneroof.organisation.models import Centre, Role

pytestmark = pytest.mark.e2e

Check = Callable[[Page], None]

# Items of NORR-P v1 (data, never changed once published) and its answer labels.
S1 = "Ktoś z rodziny użył wobec mnie siły fizycznej (popychanie, bicie, kopanie)"
S2 = "Ktoś próbował mnie dusić lub podduszać"
S_FLAGS = {
    "S3": "Ktoś groził, że zabije mnie lub bliską mi osobę",
    "S4": "Użyto lub grożono użyciem broni albo niebezpiecznego przedmiotu, lub sprawca ma "
    "dostęp do broni palnej",
    "S5": "Boję się, że ktoś z rodziny może poważnie skrzywdzić lub zabić mnie albo dzieci",
}
P_ITEMS = {
    "P1": "Czuję się przytłoczona/y rolą rodzica",
    "P2": "Dzieci są obecne podczas naszych kłótni",
    "P3": "Krzyczę, grożę lub biję dziecko, gdy je dyscyplinuję",
    "P4": "Dziecko przejawia lęk, agresję, wycofanie lub problemy szkolne",
    "P5": "Dziecko ujawniło krzywdzenie lub ma niewyjaśnione obrażenia",
    "P6": "Dziecko poniżej 6 lat lub z niepełnosprawnością jest narażone na przemoc",
}
YES, NO, RARELY, OFTEN = "tak", "nie", "rzadko", "często"
FAMILY_THERAPY = "Terapia rodzinna"
TEEN_WORKSHOPS = "Warsztaty dla rodziców nastolatków"
SCHOOL_FOR_PARENTS = "Szkoła dla rodziców"


def pl(msgid: str, **params: Any) -> str:
    """The Polish UI text of ``msgid`` (the English original while it is untranslated)."""
    with override("pl"):
        text = gettext(msgid)
    return text % params if params else text


# --- data -------------------------------------------------------------------------------------


@pytest.fixture
def centres(transactional_db: None) -> dict[str, Centre]:
    load_demo_organisation()
    publish_instrument(path=NORR_P_V1)
    return {centre.code: centre for centre in Centre.objects.all()}


def _family(
    centre: Centre,
    name: str,
    members: list[tuple[str, str, int]],
    relationships: list[tuple[int, str, int]],
) -> tuple[Family, list[Person]]:
    """A family registered at ``centre``; relationships name members by their index."""
    registrar = User.objects.get(username="rejestracja")
    family = Family.objects.create(display_name=name, registered_at=centre, registered_by=registrar)
    persons = []
    for first, last, age in members:
        person = Person.objects.create(
            first_name=first, last_name=last, date_of_birth=born_aged(age), created_by=registrar
        )
        FamilyMember.objects.create(family=family, person=person, is_client=True)
        persons.append(person)
    for first, kind, second in relationships:
        Relationship.objects.create(
            family=family, from_person=persons[first], to_person=persons[second], kind=kind
        )
    return family, persons


def _case(family: Family, centre: Centre, number: str, case_manager: User) -> Case:
    return Case.objects.create(
        number=number,
        family=family,
        centre=centre,
        case_manager=case_manager,
        status=Case.Status.IN_DIAGNOSIS,
        first_contact_on=timezone.localdate() - timedelta(days=3),
    )


# --- the questionnaire, as staff and respondents use it --------------------------------------


def start_questionnaire(page: Page, base_url: str, case: Case, person: Person) -> None:
    """On the case's diagnosis page, start the adult form for ``person``."""
    page.goto(f"{base_url}/diagnoza/sprawy/{case.pk}/")
    page.get_by_label(pl("Respondent and form")).select_option(f"{person.pk}:adult")
    page.get_by_role("button", name=pl("Start"), exact=True).click()
    expect(page.get_by_text(pl("The questionnaire is started."))).to_be_visible()


def item(page: Page, text: str) -> Locator:
    """One question: the radio group named by the item's wording."""
    return page.get_by_role("group", name=text, exact=True)


def answer_all_screens(page: Page, answers: dict[str, str]) -> None:
    """Go through every screen of the adult form in order, answering the items given (by
    wording, with the answer's label) and leaving the rest blank; finish on the last."""
    steps = steps_of(current_version(), Administration.Form.ADULT)
    for step in steps:
        expect(page.get_by_role("heading", name=step.name, exact=True)).to_be_visible()
        expect(page.locator("main")).to_contain_text(
            pl("Step %(number)s of %(total)s", number=step.index + 1, total=len(steps))
        )
        on_screen = {candidate["text"]["pl"] for candidate in step.items}
        for text, answer in answers.items():
            if text in on_screen:
                # The radio is hidden behind its button-like label, which is what one taps.
                group = item(page, text)
                group.get_by_text(answer, exact=True).click()
                expect(group.get_by_label(answer, exact=True)).to_be_checked()
        last = step.index == len(steps) - 1
        label = pl("Finish") if last else pl("Save and continue")
        page.get_by_role("button", name=label, exact=True).click()


def assert_absent(page: Page, *secrets: str) -> None:
    """None of ``secrets`` is on the page: neither in its text nor anywhere in its HTML."""
    text, html = page.locator("body").inner_text(), page.content()
    for secret in secrets:
        assert secret not in text and secret not in html, f"{secret!r} on {page.url}"


def overall_badge(page: Page) -> Locator:
    heading = page.get_by_role("heading", name=pl("Overall result"))
    return page.locator("section").filter(has=heading).locator(".badge")


# (1) ---------------------------------------------------------------------------------------
# axe is injected without the CSP nonce; no transitions, so colours are checked as they settle.
@pytest.mark.browser_context_args(bypass_csp=True, reduced_motion="reduce")
def test_strangulation_in_one_partners_answers_escalates_and_stays_hidden_from_the_other_side(
    page: Page,
    new_context: Any,
    login: Any,
    live_server: Any,
    centres: dict[str, Centre],
    assert_accessible: Check,
) -> None:
    base = live_server.url
    wodna = centres["wodna"]
    manager = make_staff(Role.CASE_MANAGER.value, wodna, "prowadzaca.wodna")
    lead = make_staff(Role.CLINICAL_LEAD.value, wodna, "kliniczny.wodna")
    therapist = make_staff(Role.THERAPIST.value, wodna, "terapeuta.partnera")
    family, (anna, marek) = _family(
        wodna,
        "Rodzina Nowaków",
        [("Anna", "Nowak", 34), ("Marek", "Nowak", 36)],
        [(0, "spouse", 1)],
    )
    case = _case(family, wodna, "WOD/2026/00042", manager)
    membership = CaseTeamMember.objects.create(case=case, user=therapist)
    membership.works_with.set([marek])

    # The case manager starts Anna's questionnaire and hands her the device.
    login.log_in(page, manager)
    start_questionnaire(page, base, case, anna)
    expect(page.locator("main")).to_contain_text("Anna Nowak")
    assert_accessible(page)  # a questionnaire screen, staff mode
    page.get_by_role("button", name=pl("Hand the device to the respondent")).click()

    expect(
        page.get_by_role("heading", name=pl("Questionnaire for %(name)s", name="Anna"))
    ).to_be_visible()
    expect(page.get_by_role("link", name=pl("Staff: end the respondent mode"))).to_be_visible()
    expect(page.locator("main")).not_to_contain_text("Nowak")  # her first name only
    page.mouse.move(0, 0)
    assert_accessible(page)  # a questionnaire screen, respondent mode
    # The respondent cannot leave the questionnaire: any other page leads back to it.
    page.goto(f"{base}/rodziny/{family.pk}/")
    expect(page).to_have_url(re.compile(r"/diagnoza/\d+/ankieta/"))
    expect(page.locator("main")).not_to_contain_text("Marek")
    answer_all_screens(page, {S1: RARELY, S2: YES, **dict.fromkeys(S_FLAGS.values(), NO)})

    expect(
        page.get_by_role("heading", name=pl("Thank you — please hand the device back"))
    ).to_be_visible()
    page.goto(f"{base}/diagnoza/sprawy/{case.pk}/")  # still locked: back to the hand-back page
    expect(page).to_have_url(re.compile(r"/oddaj/$"))
    page.get_by_label(pl("Your password (staff member)")).fill(TEST_PASSWORD)
    page.get_by_role("button", name=pl("End the respondent mode")).click()

    # The result: critical, with the item that raised it.
    anna_admin = Administration.objects.get(case=case, person=anna)
    expect(page).to_have_url(f"{base}/diagnoza/{anna_admin.pk}/wynik/")
    expect(overall_badge(page)).to_have_text(pl("critical"))
    expect(page.get_by_role("alert")).to_contain_text(pl("Critical: red flags were raised"))
    flags = page.locator("section").filter(has=page.get_by_role("heading", name=pl("Red flags")))
    expect(flags).to_contain_text(f"S2: {S2}")
    assert anna_admin.is_completed and anna_admin.result.is_critical

    # Escalated the same day: an alert, notifications, joint sessions blocked.
    alert = SafetyAlert.objects.get(case=case)
    assert alert.administration == anna_admin and alert.is_open
    assert {flag["item"] for flag in alert.red_flags} == {"S2"}
    alert_url = f"/diagnoza/alerty/{alert.pk}/"
    notified = set(
        Notification.objects.filter(url=alert_url).values_list("user__username", flat=True)
    )
    assert {manager.username, lead.username} <= notified
    assert therapist.username not in notified
    case.refresh_from_db()
    assert case.joint_sessions_blocked
    page.goto(f"{base}/diagnoza/sprawy/{case.pk}/")
    banner = page.locator("#safety-banner")
    expect(banner).to_contain_text(pl("Joint couple and family sessions are blocked"))
    expect(banner.get_by_role("link", name=pl("Safety alert open"))).to_be_visible()
    expect(banner).to_contain_text("Anna Nowak")
    assert_accessible(page)  # the case's diagnosis page

    # Marek answers separately (staff mode this time): no red flag.
    start_questionnaire(page, base, case, marek)
    answer_all_screens(page, {S1: RARELY, S2: NO, **dict.fromkeys(S_FLAGS.values(), NO)})
    marek_admin = Administration.objects.get(case=case, person=marek)
    expect(page).to_have_url(f"{base}/diagnoza/{marek_admin.pk}/wynik/")
    expect(overall_badge(page)).not_to_have_text(pl("critical"))
    marek_admin.refresh_from_db()
    assert marek_admin.is_completed and not marek_admin.result.is_critical
    assert not SafetyAlert.objects.filter(administration=marek_admin).exists()

    # The clinical lead finds the notification and opens the alert.
    lead_page = new_context().new_page()
    login.log_in(lead_page, lead)
    lead_page.goto(f"{base}/powiadomienia/")
    message = pl(
        "Red flag in the NORR diagnosis of case %(number)s: a decision is needed today.",
        number=case.number,
    )
    expect(lead_page.locator("main")).to_contain_text(message)
    notification = lead_page.get_by_role("listitem").filter(has_text=message)
    notification.get_by_role("button", name=pl("Open")).click()
    expect(lead_page).to_have_url(base + alert_url)
    expect(lead_page.locator("main")).to_contain_text(S2)
    lead_page.context.close()

    # The therapist who works only with Marek sees nothing of Anna's diagnosis.
    their_page = new_context().new_page()
    login.log_in(their_page, therapist)
    their_page.goto(f"{base}/diagnoza/sprawy/{case.pk}/")
    rows = their_page.get_by_role("table", name=pl("Questionnaires")).locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text("Marek Nowak")
    main = their_page.locator("main")
    # They must know joint sessions are blocked; not whose answers raised the flag, nor why.
    expect(main).to_contain_text(pl("Joint couple and family sessions are blocked"))
    expect(main.get_by_role("link", name=pl("Safety alert open"))).to_have_count(0)
    assert_absent(their_page, "Anna Nowak", S2, alert_url, pl("critical"))

    # Marek's own result: his answers, but no comparison with Anna and no red flag.
    their_page.goto(f"{base}/diagnoza/{marek_admin.pk}/wynik/")
    expect(their_page.get_by_role("heading", name=re.compile("Marek Nowak"))).to_be_visible()
    expect(main.get_by_role("heading", name=pl("Red flags"))).to_have_count(0)
    compared = pl("Compared with %(first)s %(last)s", first="Anna", last="Nowak")
    assert_absent(their_page, "Anna Nowak", compared, alert_url, pl("critical"))

    # The family page: Anna's name and place in the family, nothing of her diagnosis.
    their_page.goto(f"{base}/rodziny/{family.pk}/")
    expect(main.get_by_role("heading", name="Anna Nowak")).to_be_visible()
    assert_absent(their_page, S2, alert_url, pl("critical"), pl("Critical: red flags were raised"))

    their_page.goto(f"{base}/powiadomienia/")
    expect(main).to_contain_text(pl("No notifications."))

    for url in (f"/diagnoza/{anna_admin.pk}/wynik/", f"/diagnoza/{anna_admin.pk}/ankieta/",
                f"/diagnoza/{anna_admin.pk}/podsumowanie.pdf", alert_url):  # fmt: skip
        response = their_page.goto(base + url)
        assert response is not None and response.status == 404, url
        assert_absent(their_page, "Anna Nowak", S2)


# (2) ---------------------------------------------------------------------------------------
@pytest.mark.browser_context_args(bypass_csp=True, reduced_motion="reduce")
def test_a_parent_of_a_teenager_under_strain_is_offered_family_therapy_and_teen_workshops(
    page: Page, login: Any, live_server: Any, centres: dict[str, Centre], assert_accessible: Check
) -> None:
    base = live_server.url
    krakowiakow = centres["krakowiakow"]
    manager = make_staff(Role.CASE_MANAGER.value, krakowiakow, "prowadzacy.krakowiakow")
    family, (ewa, _piotr, _ola) = _family(
        krakowiakow,
        "Rodzina Wiśniewskich",
        [("Ewa", "Wiśniewska", 41), ("Piotr", "Wiśniewski", 43), ("Ola", "Wiśniewska", 15)],
        [(0, "spouse", 1), (0, "parent", 2), (1, "parent", 2)],
    )
    case = _case(family, krakowiakow, "KRA/2026/00015", manager)

    login.log_in(page, manager)
    start_questionnaire(page, base, case, ewa)
    parenting = {text: OFTEN for code, text in P_ITEMS.items() if code in ("P1", "P2", "P3", "P4")}
    answer_all_screens(page, {**parenting, P_ITEMS["P5"]: NO, P_ITEMS["P6"]: NO})

    administration = Administration.objects.get(case=case, person=ewa)
    expect(page).to_have_url(f"{base}/diagnoza/{administration.pk}/wynik/")
    expect(overall_badge(page)).to_have_text(pl("high"))
    help_offered = page.get_by_role("region", name=pl("Recommended help"))
    expect(help_offered).to_contain_text(FAMILY_THERAPY)
    expect(help_offered).to_contain_text(TEEN_WORKSHOPS)
    expect(help_offered).not_to_contain_text(SCHOOL_FOR_PARENTS)

    therapy = help_offered.get_by_role("article").filter(has_text=FAMILY_THERAPY)
    expect(therapy).to_contain_text(f"{pl('Status')}: {pl('proposed')}")
    therapy.get_by_role("button", name=pl("Accept"), exact=True).click()
    expect(page.get_by_role("status")).to_contain_text(
        pl("Your decision on the proposed help was recorded.")
    )
    expect(therapy).to_contain_text(f"{pl('Status')}: {pl('accepted')}")
    workshops = help_offered.get_by_role("article").filter(has_text=TEEN_WORKSHOPS)
    expect(workshops).to_contain_text(f"{pl('Status')}: {pl('proposed')}")
    page.mouse.move(0, 0)
    assert_accessible(page)  # the result page

    decided = Recommendation.objects.get(administration=administration, code="family_therapy")
    assert (decided.status, decided.decided_by) == (Recommendation.Status.ACCEPTED, manager)
