"""The intake, end to end in the browser: an intake worker registers three families through
the five-step form (Polish UI, fields found by their labels), the rules propose the right
centre, and a therapist linked only to a father suspected of violence meets the wall.

The demo organisation supplies the three centres and their eligibility rules; the intake
worker and the therapist are test accounts that sign in through the real two-step login.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from conftest import make_staff
from oneroof.accounts.models import User
from oneroof.cases.models import Case
from oneroof.cases.tests.factories import CaseTeamMemberFactory
from oneroof.demo.organisation import load_demo_organisation
from oneroof.families.models import DisclosureBlock, Family, SafetyFlag
from oneroof.intake.models import Referral
from oneroof.organisation.models import Centre, Role

pytestmark = pytest.mark.e2e

Check = Callable[[Page], None]

KRAKOWIAKOW = "Centrum dla Rodzin, os. Krakowiaków 2, Kraków"
WODNA = "Centrum dla Rodzin, ul. Wodna 2B, Kraków"
CPD = "Centrum Pomocy Dzieciom, ul. Wadowicka 8W, Kraków"
PROTECTED_TEXT = "dane chronione: brak dostępu"


def _born(age: int) -> date:
    """A date of birth that makes someone ``age`` today (their birthday a month or more ago)."""
    day = timezone.localdate() - timedelta(days=40)
    return day.replace(year=day.year - age, day=min(day.day, 28))


@dataclass
class P:
    """One person as typed into the persons step."""

    first: str
    last: str
    born: date
    sex: str = "X"  # option values: the labels are the translators' to change
    client: bool = False
    household: str = ""
    address: str = ""
    phone: str = ""
    email: str = ""

    @property
    def name(self) -> str:
        return f"{self.first} {self.last}"

    @property
    def choice(self) -> str:
        """How the later steps name this person in their pick lists."""
        return f"{self.name} ({self.born:%d.%m.%Y})"


@dataclass
class Safety:
    suspected_source: str = ""
    protected: bool = False
    experienced_violence: bool = False
    hidden_from: list[P] = field(default_factory=list)


def _fieldset(page: Page, legend: str) -> Locator:
    """The fieldset whose legend reads exactly ``legend``."""
    return page.locator("fieldset").filter(
        has=page.locator("legend", has_text=re.compile(rf"^\s*{re.escape(legend)}\s*$"))
    )


class IntakeForm:
    """The five-step intake form at /przyjecie/nowe/, driven the way a person would."""

    def __init__(self, page: Page, base_url: str, check: Check | None = None) -> None:
        self.page = page
        self.url = base_url + "/przyjecie/nowe/"
        self.check = check  # run on every step once it is filled in

    def _step(self, number: int) -> None:
        expect(self.page.locator("main")).to_contain_text(f"Krok {number} z 5")

    def _next(self, label: str = "Dalej") -> None:
        if self.check is not None:
            # The pointer rests where the last click was: a button under it would be checked
            # in its hover colours, half-way through the transition.
            self.page.mouse.move(0, 0)
            self.check(self.page)
        self.page.get_by_role("button", name=label).click()

    def contact(self, family: str, channel: str, reason: str, institution: str = "") -> None:
        page = self.page
        page.goto(self.url)
        self._step(1)
        page.get_by_label("Nazwa rodziny").fill(family)
        page.get_by_label("Data kontaktu").fill(timezone.localdate().isoformat())
        page.get_by_label("Kanał dotarcia").select_option(label=channel)
        if institution:
            page.get_by_label("Instytucja kierująca").fill(institution)
        page.get_by_label("Powód zgłoszenia").fill(reason)
        page.get_by_label("Pilność").select_option("routine")
        self._next()

    def persons(self, persons: list[P]) -> None:
        self._step(2)
        for n, person in enumerate(persons, start=1):
            row = _fieldset(self.page, f"Osoba {n}")
            row.get_by_label("Imię").fill(person.first)
            row.get_by_label("Nazwisko").fill(person.last)
            row.get_by_label("Data urodzenia").fill(person.born.isoformat())
            row.get_by_label("Płeć").select_option(person.sex)
            if person.client:
                row.get_by_label("Osoba objęta wsparciem").check()
            if person.household:
                row.get_by_label("Gospodarstwo domowe").fill(person.household)
            if person.address or person.phone or person.email:
                row.get_by_text("Kontakt i miejsce pobytu").click()  # opens the <details>
                row.get_by_label("Adres").fill(person.address)
                row.get_by_label("Telefon").fill(person.phone)
                row.get_by_label("E-mail").fill(person.email)
        self._next()

    def relationships(self, rows: list[tuple[P, str, P]]) -> None:
        self._step(3)
        for n, (who, kind, whom) in enumerate(rows, start=1):
            row = _fieldset(self.page, f"Relacja {n}")
            row.get_by_label("Osoba").select_option(label=who.choice)
            row.get_by_label("kim jest").select_option(kind)
            row.get_by_label("dla kogo").select_option(label=whom.choice)
        self._next()

    def safety(self, facts: dict[str, Safety]) -> None:
        """``facts`` by the person's full name; persons not named get nothing recorded."""
        self._step(4)
        for name, fact in facts.items():
            person = _fieldset(self.page, name)
            if fact.suspected_source:
                person.get_by_label("Osoba podejrzewana o stosowanie przemocy").check()
                person.get_by_label("Źródło podejrzenia").fill(fact.suspected_source)
            if fact.protected:
                person.get_by_label("Osoba chroniona").check()
            if fact.experienced_violence:
                person.get_by_label("Osoba doznająca przemocy").check()
            for other in fact.hidden_from:
                person.get_by_label(other.choice, exact=True).check()
        self._next()

    def proposals(self) -> list[str]:
        self._step(5)
        section = self.page.locator("section", has=self.page.locator("#proposal-heading"))
        return [text.strip() for text in section.locator("ol > li").all_inner_texts()]

    def confirm(self, centre: str) -> None:
        self.page.get_by_label(centre, exact=True).check()
        self._next("Zatwierdź i zarejestruj")
        expect(self.page).to_have_url(re.compile(r"/rodziny/\d+/$"))


# The school's referral of the Wiśniewskis: parents and two children (the children are the
# clients); the case-management scenario goes on with this family.
WISNIEWSKIS = (
    P("Ewa", "Wiśniewska", _born(41), "F"),
    P("Piotr", "Wiśniewski", _born(43), "M"),
    P("Kuba", "Wiśniewski", _born(8), "M", client=True),
    P("Ola", "Wiśniewska", _born(15), "F", client=True),
)


def fill_in_the_school_referral(form: IntakeForm, family: Sequence[P]) -> None:
    """Steps 1–3 of the intake form for the Wiśniewskis (``family``: mother, father, son,
    daughter)."""
    mother, father, son, daughter = family
    form.contact(
        "Rodzina Wiśniewskich",
        "szkoła lub przedszkole",
        "Wychowawczyni: Ola jest wycofana, Kuba mówi o kłótniach w domu.",
        institution="Szkoła Podstawowa nr 7 w Krakowie",
    )
    form.persons(list(family))
    form.relationships(
        [(mother, "spouse", father), (mother, "parent", son),
         (mother, "parent", daughter), (father, "parent", son), (father, "parent", daughter)]
    )  # fmt: skip


@pytest.fixture
def demo_centres(transactional_db: None) -> dict[str, Centre]:
    load_demo_organisation()
    return {c.code: c for c in Centre.objects.all()}


@pytest.fixture
def intake_worker(demo_centres: dict[str, Centre]) -> User:
    """An intake worker of the Krakowiaków centre (where families first call)."""
    return make_staff(Role.INTAKE.value, demo_centres["krakowiakow"], "rejestracja.test")


@pytest.fixture
def intake(page: Page, login: Any, live_server: Any, intake_worker: User) -> IntakeForm:
    login.log_in(page, intake_worker)
    return IntakeForm(page, live_server.url)


def _members_shown(page: Page) -> list[str]:
    cards = page.locator("section[aria-labelledby='members-heading'] h3")
    return [re.sub(r"\s+osoba objęta wsparciem$", "", t.strip()) for t in cards.all_inner_texts()]


# (1) ---------------------------------------------------------------------------------------
# axe is injected without the CSP nonce; no transitions, so colours are checked as they settle.
@pytest.mark.browser_context_args(bypass_csp=True, reduced_motion="reduce")
def test_a_school_referral_of_parents_with_two_children_goes_to_krakowiakow(
    page: Page, login: Any, live_server: Any, intake_worker: User, assert_accessible: Check
) -> None:
    login.log_in(page, intake_worker)
    form = IntakeForm(page, live_server.url, check=assert_accessible)
    mother, father, son, daughter = WISNIEWSKIS
    fill_in_the_school_referral(form, WISNIEWSKIS)
    form.safety({})
    proposals = form.proposals()
    assert proposals[0].startswith(KRAKOWIAKOW), proposals
    assert_accessible(page)
    form.check = None  # the routing step was checked just above
    form.confirm(KRAKOWIAKOW)

    assert sorted(_members_shown(page)) == sorted(p.name for p in (mother, father, son, daughter))
    expect(page.locator("main")).to_contain_text("Szkoła Podstawowa nr 7 w Krakowie")
    assert_accessible(page)
    case = Case.objects.get(family__display_name="Rodzina Wiśniewskich")
    assert case.centre.code == "krakowiakow"


# (2) ---------------------------------------------------------------------------------------
def test_a_couple_who_found_a_leaflet_goes_to_wodna(intake: IntakeForm, page: Page) -> None:
    her = P("Marta", "Zielińska", _born(34), "F", client=True)
    him = P("Tomasz", "Zieliński", _born(36), "M", client=True)

    intake.contact(
        "Rodzina Zielińskich", "samodzielnie: ulotka", "Ciągle się kłócimy, chcemy to zmienić."
    )
    intake.persons([her, him])
    intake.relationships([(her, "partner", him)])
    intake.safety({})
    proposals = intake.proposals()
    assert len(proposals) == 1 and proposals[0].startswith(WODNA), proposals
    intake.confirm(WODNA)

    assert sorted(_members_shown(page)) == sorted([her.name, him.name])
    referral = Referral.objects.get(case__family__display_name="Rodzina Zielińskich")
    assert (referral.case.centre.code, referral.channel, referral.referring_institution) == (
        "wodna",
        "leaflet",
        "",
    )


# (3) ---------------------------------------------------------------------------------------
MOTHER = P("Anna", "Kowalska", _born(37), "F", household="mieszkanie 1",
           address="ul. Ukryta 13/7, 30-698 Kraków", phone="+48 511 222 333",
           email="anna.kowalska@example.invalid")  # fmt: skip
CHILD = P("Zosia", "Kowalska", _born(10), "F", client=True, household="mieszkanie 1",
          address="ul. Ukryta 13/7, 30-698 Kraków", phone="+48 522 444 666",
          email="zosia.kowalska@example.invalid")  # fmt: skip
FATHER = P("Jan", "Kowalski", _born(39), "M", household="mieszkanie 2",
           address="ul. Długa 1, 31-147 Kraków", phone="+48 600 700 800",
           email="jan.kowalski@example.invalid")  # fmt: skip
WALLED_STRINGS = [
    text
    for person in (MOTHER, CHILD)
    for text in (person.address, person.phone, person.email, person.phone.replace(" ", ""))
] + ["Ukryta", "511 222 333", "522 444 666"]


@pytest.mark.browser_context_args(bypass_csp=True, reduced_motion="reduce")
def test_a_child_who_disclosed_violence_goes_to_the_cpd_behind_a_wall_from_the_father(
    intake: IntakeForm,
    page: Page,
    new_context: Any,
    login: Any,
    live_server: Any,
    demo_centres: dict[str, Centre],
    assert_accessible: Check,
) -> None:
    intake.contact(
        "Rodzina Kowalskich",
        "szkoła lub przedszkole",
        "Zosia powiedziała pedagożce, że tata ją bije.",
        institution="Szkoła Podstawowa nr 12 w Krakowie",
    )
    intake.persons([MOTHER, FATHER, CHILD])
    intake.relationships(
        [(MOTHER, "former_partner", FATHER),
         (MOTHER, "parent", CHILD), (FATHER, "parent", CHILD)]
    )  # fmt: skip
    intake.safety(
        {
            CHILD.name: Safety(experienced_violence=True, hidden_from=[FATHER]),
            MOTHER.name: Safety(protected=True, hidden_from=[FATHER]),
            FATHER.name: Safety(suspected_source="zgłoszenie szkoły (pedagog szkolny)"),
        }
    )
    proposals = intake.proposals()
    assert proposals[0].startswith(CPD), proposals
    intake.confirm(CPD)
    assert sorted(_members_shown(page)) == sorted([MOTHER.name, FATHER.name, CHILD.name])

    family = Family.objects.get(display_name="Rodzina Kowalskich")
    case = Case.objects.get(family=family)
    people = {p.first_name: p for p in family.persons.all()}
    father = people["Jan"]
    assert case.centre == demo_centres["cpd"]
    blocks = DisclosureBlock.objects.filter(family=family)
    assert {(b.protected.first_name, b.blocked_from.first_name) for b in blocks} == {
        ("Anna", "Jan"),
        ("Zosia", "Jan"),
    }
    flags = SafetyFlag.objects.filter(family=family).values_list("kind", "person__first_name")
    assert set(flags) == {("victim", "Zosia"), ("protected", "Anna"), ("suspected", "Jan")}

    # The father's therapist at the CPD: linked to him alone.
    therapist = make_staff(Role.THERAPIST.value, demo_centres["cpd"], "terapeuta.ojca")
    CaseTeamMemberFactory(case=case, user=therapist, works_with=[father])
    their_page = new_context().new_page()
    login.log_in(their_page, therapist)
    their_page.goto(f"{live_server.url}/rodziny/{family.pk}/")

    main = their_page.locator("main")
    expect(main.get_by_role("heading", name=MOTHER.name)).to_be_visible()
    expect(main).to_contain_text(FATHER.phone)
    expect(main).to_contain_text(FATHER.address)
    text = main.inner_text()
    html = their_page.content()
    for secret in WALLED_STRINGS:
        assert secret not in text and secret not in html, secret
    for person in (MOTHER, CHILD):
        heading = their_page.get_by_role("heading", name=person.name)
        card = main.locator("article").filter(has=heading)
        expect(card).to_contain_text(PROTECTED_TEXT)
    assert text.count(PROTECTED_TEXT) == 2
    assert_accessible(their_page)

    their_page.goto(f"{live_server.url}/rodziny/")
    search_for(their_page, MOTHER.phone)
    results = their_page.locator("table", has=their_page.locator("caption", has_text="znalez"))
    expect(results).to_contain_text("Nie znaleziono nikogo")
    assert MOTHER.first not in results.inner_text()

    # By name they find her and the child, their names only.
    search_for(their_page, MOTHER.last)
    expect(results.locator("tbody tr")).to_have_count(2)
    expect(results).to_contain_text("Znaleziono 2 osoby")
    for secret in WALLED_STRINGS:
        assert secret not in their_page.content(), secret


def search_for(page: Page, text: str) -> None:
    """Search as staff do: through the form, which POSTs so the term never enters a URL."""
    page.get_by_label("Szukaj według imienia i nazwiska, numeru PESEL lub telefonu").fill(text)
    page.get_by_role("button", name="Szukaj", exact=True).click()
