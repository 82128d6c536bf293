"""Case management, end to end in the browser, on the family of the intake scenario (the
Wiśniewskis, referred by their children's school to the Krakowiaków centre).

The coordinator assigns a case manager and a therapist; the case manager diagnoses the mother
with NORR and accepts two forms of help; builds a two-stage plan from them; the clinical lead
approves it; the therapist writes a therapist-only note that the case manager cannot read; and
the plan printed for the mother to sign holds the plan and nothing protected.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from conftest import make_staff, pdf_text
from oneroof.accounts.models import User
from oneroof.assessment.instruments import NORR_P_V1
from oneroof.assessment.services import publish_instrument
from oneroof.cases.models import Case, CaseNote, SupportPlan
from oneroof.demo.organisation import load_demo_organisation
from oneroof.organisation.models import Centre, Role

from .test_intake_scenarios import (
    KRAKOWIAKOW,
    WISNIEWSKIS,
    IntakeForm,
    fill_in_the_school_referral,
)
from .test_norr_scenarios import (
    FAMILY_THERAPY,
    NO,
    OFTEN,
    P_ITEMS,
    TEEN_WORKSHOPS,
    answer_all_screens,
    pl,
    start_questionnaire,
)

pytestmark = pytest.mark.e2e

Check = Any

MOTHER_ADDRESS = "ul. Zielona 12/4, 30-001 Kraków"
MOTHER_PHONE = "600 700 800"
THERAPY_NOTE = "Ewa opowiada o nocnych awanturach; praca nad poczuciem winy."
APPROVAL_COMMENT = "Zatwierdzam; przegląd po sześciu tygodniach."


@pytest.fixture
def krakowiakow(transactional_db: None) -> Centre:
    load_demo_organisation()
    publish_instrument(path=NORR_P_V1)
    return Centre.objects.get(code="krakowiakow")


def _register_the_wisniewskis(page: Page, base: str) -> Case:
    """The intake scenario's family, with the mother's address and phone (protected data the
    printed plan must leave out)."""
    mother, *others = WISNIEWSKIS
    with_contact = replace(mother, address=MOTHER_ADDRESS, phone=MOTHER_PHONE)
    form = IntakeForm(page, base)
    fill_in_the_school_referral(form, [with_contact, *others])
    form.safety({})
    form.confirm(KRAKOWIAKOW)
    return Case.objects.get(family__display_name="Rodzina Wiśniewskich")


def _form(page: Page, action_end: str) -> Any:
    return page.locator(f"form[action$='{action_end}']")


def _add_stage(page: Page, name: str) -> None:
    form = _form(page, "/plan/etapy/dodaj/")
    form.get_by_label(pl("Stage name")).fill(name)
    form.get_by_role("button", name=pl("Add the stage")).click()
    expect(page.get_by_role("status")).to_contain_text(pl("The stage is added."))


def _add_goal(page: Page, stage: str, text: str, target: str, manager: User, who: str) -> None:
    form = _form(page, "/plan/cele/dodaj/")
    form.locator("select[name=stage]").select_option(label=stage)
    form.get_by_label(pl("Goal (measurable)")).fill(text)
    form.get_by_label(pl("Target date")).fill(target)
    form.get_by_label(pl("Responsible")).select_option(label=str(manager))
    form.get_by_label(who, exact=True).check()
    form.get_by_role("button", name=pl("Add the goal")).click()
    expect(page.get_by_role("status")).to_contain_text(pl("The goal is added."))


def _add_help(page: Page, stage: str, recommendation: str, manager: User) -> None:
    form = _form(page, "/plan/pomoc/dodaj/")
    form.locator("select[name=stage]").select_option(label=stage)
    accepted = form.get_by_label(pl("From an accepted NORR recommendation"))
    option = accepted.locator("option", has_text=recommendation)
    accepted.select_option(option.get_attribute("value"))
    form.get_by_label(pl("Responsible")).select_option(label=str(manager))
    form.get_by_role("button", name=pl("Add the form of help")).click()
    expect(page.get_by_role("status")).to_contain_text(pl("The form of help is added."))


def _accept(page: Page, help_name: str) -> None:
    offered = page.get_by_role("region", name=pl("Recommended help"))
    article = offered.get_by_role("article").filter(has_text=help_name)
    article.get_by_role("button", name=pl("Accept"), exact=True).click()
    expect(article).to_contain_text(f"{pl('Status')}: {pl('accepted')}")


@pytest.mark.browser_context_args(bypass_csp=True, reduced_motion="reduce")
def test_case_manager_builds_an_approved_two_stage_plan_and_prints_it_without_protected_data(
    page: Page,
    new_context: Any,
    login: Any,
    live_server: Any,
    krakowiakow: Centre,
    assert_accessible: Check,
    tmp_path: Path,
) -> None:
    base = live_server.url
    intake = make_staff(Role.INTAKE.value, krakowiakow, "rejestracja.test")
    coordinator = make_staff(Role.COORDINATOR.value, krakowiakow, "koordynator.test")
    manager = make_staff(Role.CASE_MANAGER.value, krakowiakow, "prowadzaca.test")
    therapist = make_staff(Role.THERAPIST.value, krakowiakow, "terapeutka.test")
    lead = make_staff(Role.CLINICAL_LEAD.value, krakowiakow, "kierownik.test")

    # Intake registers the family the school referred.
    login.log_in(page, intake)
    case = _register_the_wisniewskis(page, base)

    # The coordinator assigns the case manager and puts the therapist on the team.
    coordinator_page = new_context().new_page()
    login.log_in(coordinator_page, coordinator)
    coordinator_page.goto(f"{base}/sprawy/{case.pk}/")
    assign = _form(coordinator_page, "/prowadzacy/")
    assign.get_by_label(pl("Case manager")).select_option(label=str(manager))
    assign.get_by_role("button", name=pl("Assign")).click()
    expect(coordinator_page.locator("main")).to_contain_text(str(manager))
    team = _form(coordinator_page, "/zespol/dodaj/")
    team.get_by_label(pl("Staff member")).select_option(label=str(therapist))
    team.get_by_role("button", name=pl("Add to the team")).click()
    expect(coordinator_page.get_by_role("region", name=pl("Case team"))).to_contain_text(
        str(therapist)
    )
    case.refresh_from_db()
    assert case.case_manager == manager

    # The case manager diagnoses the mother and accepts two forms of help.
    manager_page = new_context().new_page()
    login.log_in(manager_page, manager)
    ewa = case.family.members.get(person__first_name="Ewa").person
    start_questionnaire(manager_page, base, case, ewa)
    parenting = {text: OFTEN for code, text in P_ITEMS.items() if code in ("P1", "P2", "P3", "P4")}
    answer_all_screens(manager_page, {**parenting, P_ITEMS["P5"]: NO, P_ITEMS["P6"]: NO})
    _accept(manager_page, FAMILY_THERAPY)
    _accept(manager_page, TEEN_WORKSHOPS)

    # … and builds the two-stage plan from them.
    manager_page.goto(f"{base}/sprawy/{case.pk}/plan/")
    manager_page.get_by_role("button", name=pl("Create the support plan")).click()
    _add_stage(manager_page, "Stabilizacja")
    _add_stage(manager_page, "Praca relacyjna")
    _add_goal(
        manager_page,
        "1. Stabilizacja",
        "Kłótnie nie odbywają się przy dzieciach (dziennik tygodniowy)",
        "2027-02-28",
        manager,
        "Ewa Wiśniewska",
    )
    _add_goal(
        manager_page,
        "2. Praca relacyjna",
        "Ola wraca do zajęć w szkole; frekwencja powyżej 90%",
        "2027-06-30",
        manager,
        "Ola Wiśniewska",
    )
    _add_help(manager_page, "1. Stabilizacja", FAMILY_THERAPY, manager)
    _add_help(manager_page, "2. Praca relacyjna", TEEN_WORKSHOPS, manager)
    manager_page.mouse.move(0, 0)
    assert_accessible(manager_page)  # the plan page with its forms
    manager_page.get_by_role("button", name=pl("Submit for approval")).click()
    expect(manager_page.locator("#plan-status")).to_have_text(pl("submitted for approval"))

    # The clinical lead approves it with a comment.
    lead_page = new_context().new_page()
    login.log_in(lead_page, lead)
    lead_page.goto(f"{base}/sprawy/{case.pk}/plan/")
    lead_page.get_by_label(pl("Comment")).fill(APPROVAL_COMMENT)
    lead_page.get_by_role("button", name=pl("Approve the plan")).click()
    expect(lead_page.locator("#plan-status")).to_have_text(pl("approved"))
    plan = SupportPlan.objects.get(case=case)
    assert (plan.status, plan.approved_by, plan.stages.count()) == ("approved", lead, 2)

    # The therapist writes a therapist-only note …
    therapist_page = new_context().new_page()
    login.log_in(therapist_page, therapist)
    therapist_page.goto(f"{base}/sprawy/{case.pk}/")
    note_form = _form(therapist_page, "/notatki/")
    note_form.get_by_label(pl("Confidentiality")).select_option(CaseNote.Level.THERAPIST_ONLY.value)
    note_form.locator("textarea[name=body]").fill(THERAPY_NOTE)
    note_form.get_by_role("button", name=pl("Save the note")).click()
    expect(therapist_page.locator("main")).to_contain_text(THERAPY_NOTE)

    # … which the case manager cannot read.
    manager_page.goto(f"{base}/sprawy/{case.pk}/")
    expect(manager_page.locator("main")).not_to_contain_text(THERAPY_NOTE)
    assert THERAPY_NOTE not in manager_page.content()

    # The plan printed for the mother to sign: the plan, and nothing protected.
    manager_page.goto(f"{base}/sprawy/{case.pk}/plan/")
    manager_page.get_by_label(pl("Signed by")).select_option(label="Ewa Wiśniewska")
    with manager_page.expect_download() as download:
        manager_page.get_by_role("button", name=pl("Download the PDF")).click()
    saved = tmp_path / "plan.pdf"
    download.value.save_as(saved)
    text = pdf_text(saved.read_bytes())
    for shown in ("Stabilizacja", "Praca relacyjna", FAMILY_THERAPY, TEEN_WORKSHOPS, "Ewa"):
        assert shown in text, shown
    for secret in (MOTHER_ADDRESS, MOTHER_PHONE, THERAPY_NOTE, APPROVAL_COMMENT, "NORR"):
        assert secret not in text, secret
