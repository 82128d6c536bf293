"""Case notes: who reads which level, the partner wall, corrections, the author's edit with
optimistic locking, the audit trail (never the text), and the case page's query count."""

from __future__ import annotations

import json
from collections.abc import Callable
from contextlib import AbstractContextManager

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from oneroof.accounts.models import User
from oneroof.audit.models import AuditEvent
from oneroof.cases import notes, services
from oneroof.cases.models import Case, CaseNote
from oneroof.cases.queries import notes_visible_to
from oneroof.cases.tests.factories import CaseTeamMemberFactory
from oneroof.families.tests import conftest as families_conftest
from oneroof.families.tests.conftest import WalledFamily

pytestmark = pytest.mark.django_db
walled_family = families_conftest.walled_family  # the family with a wall, as a fixture here
SignIn = Callable[[Client, User], Client]
STALE_PL = "Ktoś inny zmienił tę notatkę w międzyczasie; Twój tekst nie został zapisany."


@pytest.fixture
def wf(walled_family: WalledFamily, actors: dict[str, User]) -> WalledFamily:
    """The walled family's case, managed by the case manager; the therapist on the team."""
    walled_family.case.case_manager = actors["case_manager"]
    walled_family.case.save()
    CaseTeamMemberFactory(case=walled_family.case, user=actors["therapist"])
    return walled_family


def _visible(user: User, case: Case) -> list[str]:
    return [note.body for note in notes_visible_to(user, case)]


def _write(
    actor: User, case: Case, level: str = "team", body: str = "Notatka", **kw: object
) -> CaseNote:
    return notes.write_note(actor=actor, case=case, level=level, body=body, **kw)  # type: ignore[arg-type]


# --- who reads which level ------------------------------------------------------------------

VISIBLE = {
    "team": {"case_manager", "therapist", "coordinator", "clinical_lead"},
    "therapist_only": {"therapist", "clinical_lead"},
    "restricted": {"therapist", "coordinator"},
}
ALL_ROLES = (
    "intake",
    "case_manager",
    "therapist",
    "coordinator",
    "clinical_lead",
    "eu_officer",
    "dpo",
    "sysadmin",
    "partner",
)


@pytest.mark.parametrize("level", list(VISIBLE))
@pytest.mark.parametrize("role", ALL_ROLES)
def test_note_visibility_per_level_and_role(
    wf: WalledFamily, actors: dict[str, User], level: str, role: str
) -> None:
    readers = [actors["coordinator"]] if level == "restricted" else []
    _write(actors["therapist"], wf.case, level, "Tajne", restricted_to=readers)
    assert (_visible(actors[role], wf.case) == ["Tajne"]) == (role in VISIBLE[level])


def test_therapist_only_note_is_not_on_the_case_managers_page(
    client: Client,
    sign_in: SignIn,
    staff: dict[str, User],
    actors: dict[str, User],
    wf: WalledFamily,
) -> None:
    _write(actors["therapist"], wf.case, "therapist_only", "Proces terapii")
    sign_in(client, staff["case_manager"])
    response = client.get(reverse("cases:detail", args=[wf.case.pk]))
    assert "Proces terapii" not in response.content.decode()


def test_therapist_only_note_is_on_the_clinical_leads_page(
    client: Client,
    sign_in: SignIn,
    staff: dict[str, User],
    actors: dict[str, User],
    wf: WalledFamily,
) -> None:
    _write(actors["therapist"], wf.case, "therapist_only", "Proces terapii")
    sign_in(client, staff["clinical_lead"])
    response = client.get(reverse("cases:detail", args=[wf.case.pk]))
    assert "Proces terapii" in response.content.decode()


def test_case_manager_cannot_write_a_therapist_only_note(
    wf: WalledFamily, actors: dict[str, User]
) -> None:
    with pytest.raises(PermissionDenied):
        _write(actors["case_manager"], wf.case, "therapist_only")


def test_coordinator_cannot_write_notes(wf: WalledFamily, actors: dict[str, User]) -> None:
    with pytest.raises(PermissionDenied):
        _write(actors["coordinator"], wf.case)


def test_restricted_note_must_name_centre_staff(wf: WalledFamily, actors: dict[str, User]) -> None:
    with pytest.raises(ValidationError):
        _write(actors["case_manager"], wf.case, "restricted", restricted_to=[actors["dpo"]])


# --- the partner wall -----------------------------------------------------------------------


@pytest.fixture
def fathers_therapist(wf: WalledFamily, actors: dict[str, User]) -> User:
    """The therapist, linked only to the father (from whom the mother is protected)."""
    wf.case.team.filter(user=actors["therapist"]).get().works_with.set([wf.father])
    return actors["therapist"]


def test_therapist_of_the_father_never_sees_a_note_about_the_mother(
    wf: WalledFamily, actors: dict[str, User], fathers_therapist: User
) -> None:
    _write(actors["case_manager"], wf.case, body="O matce", about=[wf.mother])
    _write(actors["case_manager"], wf.case, body="O ojcu", about=[wf.father])
    assert _visible(fathers_therapist, wf.case) == ["O ojcu"]


def test_note_about_the_mother_is_not_on_the_fathers_therapists_page(
    client: Client,
    sign_in: SignIn,
    staff: dict[str, User],
    actors: dict[str, User],
    wf: WalledFamily,
    fathers_therapist: User,
) -> None:
    _write(actors["case_manager"], wf.case, body="O matce", about=[wf.mother])
    sign_in(client, staff["therapist"])
    response = client.get(reverse("cases:detail", args=[wf.case.pk]))
    assert "O matce" not in response.content.decode()


def test_therapist_of_the_father_cannot_write_about_the_mother(
    wf: WalledFamily, fathers_therapist: User
) -> None:
    with pytest.raises(ValidationError):
        _write(fathers_therapist, wf.case, about=[wf.mother])


def test_correction_of_a_note_about_the_mother_stays_behind_the_wall(
    wf: WalledFamily, actors: dict[str, User], fathers_therapist: User
) -> None:
    note = _write(actors["case_manager"], wf.case, body="O matce", about=[wf.mother])
    notes.correct_note(actor=actors["case_manager"], note=note, body="Poprawka", reason="literówka")
    assert _visible(fathers_therapist, wf.case) == []


# --- corrections and edits ------------------------------------------------------------------


def test_correction_keeps_the_original(wf: WalledFamily, actors: dict[str, User]) -> None:
    note = _write(actors["case_manager"], wf.case, body="Pierwotna")
    correction = notes.correct_note(
        actor=actors["clinical_lead"], note=note, body="Poprawiona", reason="błąd daty"
    )
    note.refresh_from_db()
    assert note.body == "Pierwotna"
    assert correction.corrects == note
    assert correction.level == note.level


def test_case_page_shows_the_correction_under_the_original(
    client: Client,
    sign_in: SignIn,
    staff: dict[str, User],
    actors: dict[str, User],
    wf: WalledFamily,
) -> None:
    note = _write(actors["case_manager"], wf.case, body="Pierwotna")
    notes.correct_note(actor=actors["case_manager"], note=note, body="Poprawiona", reason="błąd")
    sign_in(client, staff["coordinator"])
    rows = client.get(reverse("cases:detail", args=[wf.case.pk])).context["note_rows"]
    assert [(row.note.body, [c.body for c in row.corrections]) for row in rows] == [
        ("Pierwotna", ["Poprawiona"])
    ]


def test_corrected_note_can_no_longer_be_edited(wf: WalledFamily, actors: dict[str, User]) -> None:
    note = _write(actors["case_manager"], wf.case, body="Pierwotna")
    notes.correct_note(actor=actors["case_manager"], note=note, body="Poprawiona", reason="błąd")
    with pytest.raises(ValidationError):
        notes.edit_note(actor=actors["case_manager"], note=note, body="Nowa", expected_version=1)


def test_only_the_author_edits_a_note(wf: WalledFamily, actors: dict[str, User]) -> None:
    note = _write(actors["case_manager"], wf.case, body="Pierwotna")
    with pytest.raises(PermissionDenied):
        notes.edit_note(actor=actors["clinical_lead"], note=note, body="Nowa", expected_version=1)


def test_stale_edit_is_refused_with_a_diff(wf: WalledFamily, actors: dict[str, User]) -> None:
    note = _write(actors["case_manager"], wf.case, body="Pierwotna")
    notes.edit_note(actor=actors["case_manager"], note=note, body="Pierwsza", expected_version=1)
    with pytest.raises(notes.StaleNoteError) as refused:
        notes.edit_note(actor=actors["case_manager"], note=note, body="Druga", expected_version=1)
    assert "-Pierwsza" in refused.value.diff and "+Druga" in refused.value.diff


def test_second_of_two_concurrent_edits_is_refused_on_the_page(
    sign_in: SignIn, staff: dict[str, User], actors: dict[str, User], wf: WalledFamily
) -> None:
    note = _write(actors["case_manager"], wf.case, body="Pierwotna")
    first, second = (
        sign_in(Client(), staff["case_manager"]),
        sign_in(Client(), staff["case_manager"]),
    )
    url = reverse("cases:note-edit", args=[wf.case.pk, note.pk])
    first.post(url, {"body": "Tekst pierwszej osoby", "version": 1})
    response = second.post(url, {"body": "Tekst drugiej osoby", "version": 1})
    page = response.content.decode()
    assert response.status_code == 409
    assert STALE_PL in page and "<pre" in page and "+Tekst drugiej osoby" in page
    assert CaseNote.objects.get(pk=note.pk).body == "Tekst pierwszej osoby"


def test_edit_view_saves_the_authors_text(
    client: Client,
    sign_in: SignIn,
    staff: dict[str, User],
    actors: dict[str, User],
    wf: WalledFamily,
) -> None:
    note = _write(actors["case_manager"], wf.case, body="Pierwotna")
    sign_in(client, staff["case_manager"])
    client.post(
        reverse("cases:note-edit", args=[wf.case.pk, note.pk]), {"body": "Nowa", "version": 1}
    )
    assert CaseNote.objects.get(pk=note.pk).version == 2


def test_write_view_saves_a_note(
    client: Client, sign_in: SignIn, staff: dict[str, User], wf: WalledFamily
) -> None:
    sign_in(client, staff["therapist"])
    client.post(
        reverse("cases:note-write", args=[wf.case.pk]),
        {"level": "therapist_only", "body": "Z sesji", "about": [wf.child.pk]},
    )
    assert list(CaseNote.objects.values_list("body", "level")) == [("Z sesji", "therapist_only")]


def test_correct_view_adds_a_correction(
    client: Client,
    sign_in: SignIn,
    staff: dict[str, User],
    actors: dict[str, User],
    wf: WalledFamily,
) -> None:
    note = _write(actors["case_manager"], wf.case, body="Pierwotna")
    sign_in(client, staff["clinical_lead"])
    client.post(
        reverse("cases:note-correct", args=[wf.case.pk, note.pk]),
        {"body": "Poprawka", "reason": "błąd"},
    )
    assert note.corrections.get().body == "Poprawka"


def test_correcting_a_note_one_cannot_see_answers_404(
    client: Client,
    sign_in: SignIn,
    staff: dict[str, User],
    actors: dict[str, User],
    wf: WalledFamily,
) -> None:
    note = _write(actors["therapist"], wf.case, "therapist_only", "Proces")
    sign_in(client, staff["case_manager"])
    response = client.post(
        reverse("cases:note-correct", args=[wf.case.pk, note.pk]), {"body": "x", "reason": "y"}
    )
    assert response.status_code == 404


# --- closed cases, audit, query count -------------------------------------------------------


def test_closed_case_refuses_notes(wf: WalledFamily, actors: dict[str, User]) -> None:
    services.close_case(
        actor=actors["coordinator"],
        case=wf.case,
        reason="other",
        summary="Koniec",
        expected_version=1,
    )
    with pytest.raises(ValidationError):
        _write(actors["case_manager"], wf.case)


def test_note_writes_are_audited_without_the_text(
    wf: WalledFamily, actors: dict[str, User]
) -> None:
    note = _write(actors["case_manager"], wf.case, body="SEKRET-1")
    notes.edit_note(actor=actors["case_manager"], note=note, body="SEKRET-2", expected_version=1)
    notes.correct_note(actor=actors["case_manager"], note=note, body="SEKRET-3", reason="SEKRET-4")
    events = AuditEvent.objects.filter(action__startswith="cases.note_")
    assert sorted(events.values_list("action", flat=True)) == [
        "cases.note_corrected",
        "cases.note_edited",
        "cases.note_written",
    ]
    assert "SEKRET" not in json.dumps([(e.changes, e.reason) for e in events])


def test_reading_notes_on_the_case_page_is_audited(
    client: Client,
    sign_in: SignIn,
    staff: dict[str, User],
    actors: dict[str, User],
    wf: WalledFamily,
) -> None:
    _write(actors["case_manager"], wf.case)
    sign_in(client, staff["coordinator"])
    client.get(reverse("cases:detail", args=[wf.case.pk]))
    assert AuditEvent.objects.filter(
        action="cases.notes_viewed", target_id=str(wf.case.pk)
    ).exists()


def test_case_page_query_count_does_not_grow_with_notes(
    client: Client,
    sign_in: SignIn,
    staff: dict[str, User],
    actors: dict[str, User],
    wf: WalledFamily,
    django_assert_max_num_queries: Callable[[int], AbstractContextManager[object]],
) -> None:
    url = reverse("cases:detail", args=[wf.case.pk])
    sign_in(client, staff["case_manager"])
    first = _write(actors["case_manager"], wf.case, about=[wf.mother])
    notes.correct_note(actor=actors["case_manager"], note=first, body="Poprawka", reason="błąd")
    with CaptureQueriesContext(connection) as one_note:
        client.get(url)
    for number in range(19):
        _write(actors["case_manager"], wf.case, body=f"Notatka {number}", about=[wf.child])
    with django_assert_max_num_queries(len(one_note)):
        response = client.get(url)
    assert len(response.context["note_rows"]) == 20
